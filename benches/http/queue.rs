//! Queue: the DPO's queue over one million seeded requests (5 % open,
//! over three years), one request at a time, on its own portal process.

use crate::free_port;
use crate::load::Stats;
use crate::portal::{self, rss_mib};
use crate::report::Report;
use privacy_portal::config::DatabaseUrl;
use std::path::Path;
use std::time::{Duration, Instant};

/// Seeds a database in `work`; the portal's emails go to `smtp_port`.
pub async fn figure(report: &mut Report, work: &Path, smtp_port: u16) {
    let count: u64 = std::env::var("PORTAL_BENCH_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    report.line("## Queue");
    report.line("");
    let big = work.join("big");
    std::fs::create_dir_all(&big).unwrap();
    let big_url = format!("sqlite://{}", big.join("portal.db").display());
    let seeded = seed(&big_url, count).await;
    let counted = counts_alone(&big_url).await;
    let big_port = free_port();
    let big_portal = portal::start(&big, &big_url, big_port, smtp_port);
    let big_base = format!("http://127.0.0.1:{big_port}");
    let big_dpo = portal::signed_in_dpo(&big_base, &big, &big_url).await;
    let mut queue_lines = Vec::new();
    let mut queue_p95 = Vec::new();
    for (label, path) in [
        ("default view (open requests, counts)", "/dpo".to_owned()),
        (
            "one filter (right: erasure)",
            "/dpo?right=erasure".to_owned(),
        ),
        (
            "one filter (status: completed)",
            "/dpo?status=completed".to_owned(),
        ),
        (
            "one search (an address)",
            "/dpo?q=person4242%40example.org".to_owned(),
        ),
        (
            "search: part of an address (person4242@, 20 found)",
            "/dpo?q=person4242%40".to_owned(),
        ),
        (
            "search: a common name (Martin Jeanne, 500 read)",
            "/dpo?q=Martin%20Jeanne".to_owned(),
        ),
        (
            "search: a name (Jeanne Martin-42)",
            "/dpo?q=Jeanne%20Martin-42".to_owned(),
        ),
        (
            "search: a customer number (0424242)",
            "/dpo?q=0424242".to_owned(),
        ),
        (
            "search: a phone number (+33 6 00 42 42 40)",
            "/dpo?q=%2B33%206%2000%2042%2042%2040".to_owned(),
        ),
        (
            "search: part of a reference (4242)",
            "/dpo?q=4242".to_owned(),
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..40 {
            let t0 = Instant::now();
            let response = big_dpo.get(&path).await;
            assert!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            response.bytes().await.unwrap();
            times.push(t0.elapsed());
        }
        times.sort();
        queue_p95.push((label.starts_with("search"), times[times.len() * 95 / 100]));
        queue_lines.push(format!(
            "| {label} | {} | {} |",
            Stats::ms(times[times.len() / 2]),
            Stats::ms(times[times.len() * 95 / 100])
        ));
    }
    report.line(format!(
        "{count} requests seeded in {:.1} s (5 % open, over three years, with their search terms); the DPO's queue, one request at a time (goal: p95 < 10 ms; a search, p95 < 50 ms):",
        seeded.as_secs_f64()
    ));
    report.line("");
    report.line("| view | p50 | p95 |");
    report.line("|---|---|---|");
    let searches = queue_p95
        .iter()
        .filter(|(search, _)| *search)
        .map(|(_, p)| *p);
    if let Some(worst) = searches.max().filter(|p| *p > Duration::from_millis(50)) {
        report.miss(format!(
            "Search p95 above 50 ms (worst {}): each search page also counts the open requests for the quick filters.",
            Stats::ms(worst)
        ));
    }
    let views = || {
        queue_p95
            .iter()
            .filter(|(search, _)| !*search)
            .map(|(_, p)| *p)
    };
    if views().any(|p| p > Duration::from_millis(10)) {
        report.miss(format!(
            "Queue p95 above 10 ms (worst {}): the counts are kept now ({} at p95 through the pool, against {} for the scan of {} open requests they replaced; see below), so what is left is the page itself: the DPO's session, a page of 50 requests read by its index, and the layout rendered. Not profiled further yet.",
            Stats::ms(views().max().unwrap_or_default()),
            Stats::ms(counted.kept.1),
            Stats::ms(counted.scanned.1),
            count / 20
        ));
    }
    for line in queue_lines {
        report.line(line);
    }
    report.line("");
    report.line(format!(
        "The queue's counts alone (open, overdue, this week, mine, unassigned, by status, by right, awaiting the subject), {} runs each through the portal's pool, in this run:",
        COUNT_RUNS
    ));
    report.line("");
    report.line("| counts | p50 | p95 |");
    report.line("|---|---|---|");
    report.line(format!(
        "| scanned: every open request read from its covering index (before) | {} | {} |",
        Stats::ms(counted.scanned.0),
        Stats::ms(counted.scanned.1)
    ));
    report.line(format!(
        "| kept: `queue_tally` and `queue_days`, {} rows (after) | {} | {} |",
        counted.rows,
        Stats::ms(counted.kept.0),
        Stats::ms(counted.kept.1)
    ));
    report.line(format!(
        "\nServer resident set with the big database, after the queue runs: {:.1} MiB.",
        rss_mib(big_portal.pid())
    ));
    report.line("");
    drop(big_portal);
}

const COUNT_RUNS: usize = 40;

/// The counts as kept beside the scan they replaced: (p50, p95) each.
struct Counted {
    scanned: (Duration, Duration),
    kept: (Duration, Duration),
    rows: i64,
}

async fn counts_alone(database_url: &str) -> Counted {
    use privacy_portal::requests::queue::{counts, counts_by_scan};
    let pool = privacy_portal::db::connect(&DatabaseUrl::parse(database_url).unwrap())
        .await
        .unwrap();
    let today = privacy_portal::domain::Date::paris_of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let kept = counts(&pool, "", today).await.unwrap();
    assert_eq!(
        kept,
        counts_by_scan(&pool, "", today).await.unwrap(),
        "the kept counts differ from the scan"
    );
    let mut scanned = Vec::new();
    let mut read = Vec::new();
    for _ in 0..COUNT_RUNS {
        let t0 = Instant::now();
        counts_by_scan(&pool, "", today).await.unwrap();
        scanned.push(t0.elapsed());
        let t0 = Instant::now();
        counts(&pool, "", today).await.unwrap();
        read.push(t0.elapsed());
    }
    let rows: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM queue_tally) + (SELECT COUNT(*) FROM queue_days)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    let p50_p95 = |mut times: Vec<Duration>| {
        times.sort();
        (times[times.len() / 2], times[times.len() * 95 / 100])
    };
    Counted {
        scanned: p50_p95(scanned),
        kept: p50_p95(read),
        rows,
    }
}

/// Inserts one million requests (5 % open) over three years in the
/// portal's schema, in one statement, then their search terms.
async fn seed(database_url: &str, count: u64) -> Duration {
    let started = Instant::now();
    let pool = privacy_portal::db::connect(&DatabaseUrl::parse(database_url).unwrap())
        .await
        .unwrap();
    privacy_portal::db::migrate(&pool).await.unwrap();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    sqlx::query(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
         INSERT INTO requests (id, reference, submission_key, email, right_kind, status, lang, first_name, \
           last_name, relation, customer_number, reply_phone, reply_channel, details, received_at, received_on, first_due_on, due_on, \
           open_due, closed_at, closed_on, answered_on, answer_days) \
         SELECT printf('seed%028d', i), printf('R-%04d-%04d', i / 10000, i % 10000), printf('key%d', i), \
           printf('person%d@example.org', i % 50000), \
           CASE i % 6 WHEN 0 THEN 'access' WHEN 1 THEN 'rectification' WHEN 2 THEN 'erasure' \
             WHEN 3 THEN 'restriction' WHEN 4 THEN 'portability' ELSE 'objection' END, \
           CASE WHEN i % 20 = 0 THEN 'received' ELSE 'completed' END, 'fr', \
           CASE i % 8 WHEN 0 THEN 'Jeanne' WHEN 1 THEN 'Paul' WHEN 2 THEN 'Marie' WHEN 3 THEN 'Luc' \
             WHEN 4 THEN 'Anne' WHEN 5 THEN 'Hugo' WHEN 6 THEN 'Léa' ELSE 'Louis' END, \
           CASE (i / 8) % 10 WHEN 0 THEN 'Martin' WHEN 1 THEN 'Bernard' WHEN 2 THEN 'Dubois' \
             WHEN 3 THEN 'Thomas' WHEN 4 THEN 'Robert' WHEN 5 THEN 'Richard' WHEN 6 THEN 'Petit' \
             WHEN 7 THEN 'Durand' WHEN 8 THEN 'Leroy' ELSE 'Moreau' END || printf('-%d', i % 997), 'client', \
           CASE WHEN i % 2 = 0 THEN printf('C-%07d', i) END, \
           CASE WHEN i % 10 = 0 THEN printf('06%08d', i) END, \
           'email', '{{\"scope\":\"all\"}}', {now_ms} - i * 94608, \
           date({now_ms} / 1000 - i * 94, 'unixepoch'), \
           date({now_ms} / 1000 - i * 94, 'unixepoch', '+1 month'), \
           date({now_ms} / 1000 - i * 94, 'unixepoch', '+1 month'), \
           CASE WHEN i % 20 = 0 THEN date({now_ms} / 1000 - i * 94, 'unixepoch', '+1 month') END, \
           CASE WHEN i % 20 = 0 THEN NULL ELSE {now_ms} - i * 94608 + 86400000 * 20 END, \
           CASE WHEN i % 20 = 0 THEN NULL ELSE date({now_ms} / 1000 - i * 94, 'unixepoch', '+20 days') END, \
           CASE WHEN i % 20 = 0 THEN NULL ELSE date({now_ms} / 1000 - i * 94, 'unixepoch', '+20 days') END, \
           CASE WHEN i % 20 = 0 THEN NULL ELSE 20 END \
         FROM n"
    ))
    .execute(&pool)
    .await
    .expect("seed the queue");
    index_for_search(&pool).await;
    // Rows written around `file` and `change`: the kept counts from them.
    privacy_portal::requests::tally::recount(&pool)
        .await
        .unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    // The portal starts on a database file, not on a seeding's WAL.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    started.elapsed()
}

/// Stores every seeded request's search terms, as the portal computes
/// them (`search::terms`), many rows to a statement: indexing a million
/// requests one by one at start-up would take minutes.
async fn index_for_search(pool: &privacy_portal::db::Pool) {
    use privacy_portal::requests::search::{Searchable, TERMS_VERSION, terms};
    use sqlx::Row;
    const ROWS: usize = 10_000;
    // One connection with a cache that holds the terms' index: inserting
    // a million requests' terms in random order is otherwise disk-bound.
    let mut conn = pool.acquire().await.unwrap();
    for pragma in ["PRAGMA cache_size = -4000000", "PRAGMA synchronous = OFF"] {
        sqlx::query(pragma).execute(&mut *conn).await.unwrap();
    }
    let mut last = String::new();
    loop {
        let rows = sqlx::query(
            "SELECT id, reference, first_name, last_name, email, customer_number, reply_phone \
             FROM requests WHERE id > $1 ORDER BY id LIMIT 100000",
        )
        .bind(&last)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let Some(end) = rows.last() else { break };
        last = end.get("id");
        let mut pairs: Vec<(String, String)> = Vec::new();
        for row in &rows {
            let (customer, phone): (Option<String>, Option<String>) =
                (row.get("customer_number"), row.get("reply_phone"));
            let id: String = row.get("id");
            for term in terms(&Searchable {
                reference: row.get("reference"),
                first_name: row.get("first_name"),
                last_name: row.get("last_name"),
                email: row.get("email"),
                customer_number: customer.as_deref(),
                phone: phone.as_deref(),
                representative: None,
            }) {
                pairs.push((term, id.clone()));
            }
        }
        pairs.sort_unstable();
        sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
        for chunk in pairs.chunks(ROWS) {
            let mut sql = String::from("INSERT INTO request_terms (term, request_id) VALUES ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
            }
            let mut query = sqlx::query(&sql);
            for (term, id) in chunk {
                query = query.bind(term).bind(id);
            }
            query.execute(&mut *conn).await.unwrap();
        }
        sqlx::query("COMMIT").execute(&mut *conn).await.unwrap();
    }
    sqlx::query("UPDATE requests SET terms_version = $1")
        .bind(TERMS_VERSION)
        .execute(&mut *conn)
        .await
        .unwrap();
}
