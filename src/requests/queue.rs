//! The queue (`/dpo`): open requests, soonest due first, with filters,
//! search, counts and keyset pagination, fast at a million requests (the
//! indexes are in the console migration; a test checks the plans).

use crate::clock::Millis;
use crate::domain::{Date, Email, Reference, RightKind, Status};
use crate::requests::deadline::PAUSED_KEY;
use crate::requests::search::{self, Range};
use anyhow::Context;
use serde::Deserialize;
use sqlx::Row;

pub const PAGE_SIZE: usize = 50;

/// The queue's address bar, as typed.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct QueueQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub right: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub who: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub after: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Open,
    One(Status),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueFilter {
    Overdue,
    Week,
    /// Awaiting the subject's answer for more than `WAITING_DAYS`.
    Waiting,
    /// With a letter printed and not marked posted yet, in any status.
    Letters,
}

/// After so many days awaiting the subject, a request is shown among
/// those to chase (or to close, past `PORTAL_IDENTITY_WAIT_DAYS`).
pub const WAITING_DAYS: i64 = 14;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhoFilter {
    Mine,
    Unassigned,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// The terms' range of what was typed (`requests::search`).
    Terms(Range),
    /// Fewer than `search::MIN_CHARS` letters or digits: nothing searched.
    TooShort,
}

/// The filters, parsed: anything unknown is ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub status: StatusFilter,
    pub right: Option<RightKind>,
    pub due: Option<DueFilter>,
    pub who: Option<WhoFilter>,
    pub search: Option<Search>,
    /// The last row of the previous page: its sort key and reference.
    pub after: Option<(String, String)>,
}

impl Filter {
    pub fn parse(query: &QueueQuery) -> Filter {
        let q = query.q.trim();
        let search = if q.is_empty() {
            None
        } else {
            Some(Range::of(q).map_or(Search::TooShort, Search::Terms))
        };
        Filter {
            status: Status::parse(&query.status).map_or(StatusFilter::Open, StatusFilter::One),
            right: RightKind::parse(&query.right),
            due: match query.due.as_str() {
                "overdue" => Some(DueFilter::Overdue),
                "week" => Some(DueFilter::Week),
                "waiting" => Some(DueFilter::Waiting),
                "letters" => Some(DueFilter::Letters),
                _ => None,
            },
            who: match query.who.as_str() {
                "mine" => Some(WhoFilter::Mine),
                "unassigned" => Some(WhoFilter::Unassigned),
                _ => None,
            },
            search,
            after: query
                .after
                .split_once('|')
                .map(|(key, reference)| (key.to_owned(), reference.to_owned())),
        }
    }

    /// A search finds requests in every status, newest first, without
    /// pages: more than a page means "type more".
    pub fn searching(&self) -> bool {
        matches!(self.search, Some(Search::Terms(_)))
    }

    /// Closed requests leave the due-date order: they are listed newest
    /// first.
    fn closed(&self) -> bool {
        matches!(self.status, StatusFilter::One(status) if status.is_closed())
    }

    /// Listed newest first, with their cursor on the receipt: closed
    /// requests, and letters to post (an answer's letter follows its
    /// closing).
    pub fn newest_first(&self) -> bool {
        self.closed() || self.due == Some(DueFilter::Letters)
    }
}

/// One line of the queue.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    #[sqlx(try_from = "String")]
    pub reference: Reference,
    #[sqlx(try_from = "String", rename = "right_kind")]
    pub right: RightKind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub received_on: Date,
    pub received_at: Millis,
    pub open_due: Option<String>,
    pub paused_since: Option<String>,
    pub extension_months: i64,
    pub paused_days: i64,
    pub email: String,
    pub assignee: Option<String>,
    /// Its letters printed and not marked posted yet.
    pub letters_waiting: i64,
}

impl QueueRow {
    /// For a paused request, the due date had the clock run, when it has
    /// passed by `today`.
    pub fn past_due_had_it_run(&self, today: Date) -> Option<Date> {
        self.paused_since.as_ref()?;
        let due = crate::domain::due_date(
            self.received_on,
            self.extension_months as u32,
            self.paused_days,
        );
        (due < today).then_some(due)
    }

    /// The due date, `None` while paused or once closed.
    pub fn due_on(&self) -> Option<Date> {
        self.open_due
            .as_deref()
            .filter(|key| *key != PAUSED_KEY)
            .and_then(Date::parse_iso)
    }

    pub fn masked_email(&self) -> String {
        Email::parse(&self.email)
            .map(|e| e.masked())
            .unwrap_or_default()
    }

    /// Where the next page starts.
    pub fn cursor(&self, closed: bool) -> String {
        if closed {
            format!("{}|{}", self.received_at, self.reference)
        } else {
            format!(
                "{}|{}",
                self.open_due.as_deref().unwrap_or_default(),
                self.reference
            )
        }
    }
}

enum Arg {
    Text(String),
    Int(i64),
}

/// The SQL of one page of the queue, with its arguments.
fn page_sql(filter: &Filter, me: &str, today: Date) -> (String, Vec<Arg>) {
    let mut conditions = Vec::new();
    let mut args = Vec::new();
    let mut arg = |value: Arg| {
        args.push(value);
        format!("${}", args.len())
    };
    let order = match &filter.search {
        Some(Search::Terms(range)) => {
            // At most MAX_FOUND requests, read by the terms' primary key.
            let from = arg(Arg::Text(range.from.clone()));
            let before = range
                .before
                .clone()
                .map(|before| format!(" AND t.term < {}", arg(Arg::Text(before))))
                .unwrap_or_default();
            conditions.push(format!(
                "r.id IN (SELECT DISTINCT t.request_id FROM request_terms t WHERE t.term >= {from}{before} LIMIT {})",
                search::MAX_FOUND
            ));
            "r.received_at DESC, r.reference DESC"
        }
        None | Some(Search::TooShort) if filter.newest_first() => {
            if let Some((key, reference)) = &filter.after {
                let at = key.parse::<i64>().unwrap_or(i64::MAX);
                conditions.push(format!(
                    "(r.received_at, r.reference) < ({}, {})",
                    arg(Arg::Int(at)),
                    arg(Arg::Text(reference.clone()))
                ));
            }
            "r.received_at DESC, r.reference DESC"
        }
        None | Some(Search::TooShort) => {
            conditions.push("r.open_due IS NOT NULL".to_owned());
            if let Some((key, reference)) = &filter.after {
                conditions.push(format!(
                    "(r.open_due, r.reference) > ({}, {})",
                    arg(Arg::Text(key.clone())),
                    arg(Arg::Text(reference.clone()))
                ));
            }
            "r.open_due, r.reference"
        }
    };
    if !filter.searching() {
        if let StatusFilter::One(status) = filter.status {
            conditions.push(format!(
                "r.status = {}",
                arg(Arg::Text(status.slug().to_owned()))
            ));
        }
        if let Some(right) = filter.right {
            conditions.push(format!(
                "r.right_kind = {}",
                arg(Arg::Text(right.slug().to_owned()))
            ));
        }
        match filter.due {
            Some(DueFilter::Overdue) => {
                conditions.push(format!("r.open_due < {}", arg(Arg::Text(today.iso()))));
            }
            Some(DueFilter::Week) => {
                conditions.push(format!(
                    "r.open_due >= {} AND r.open_due <= {}",
                    arg(Arg::Text(today.iso())),
                    arg(Arg::Text(today.add_days(7).iso()))
                ));
            }
            Some(DueFilter::Waiting) => {
                conditions.push(format!(
                    "r.open_due = {} AND r.paused_since < {}",
                    arg(Arg::Text(PAUSED_KEY.to_owned())),
                    arg(Arg::Text(today.add_days(-WAITING_DAYS).iso()))
                ));
            }
            Some(DueFilter::Letters) => conditions.push(
                "r.id IN (SELECT l.request_id FROM letters l WHERE l.posted_on IS NULL)".to_owned(),
            ),
            None => {}
        }
        match filter.who {
            Some(WhoFilter::Mine) => {
                conditions.push(format!("r.assignee_id = {}", arg(Arg::Text(me.to_owned()))));
            }
            Some(WhoFilter::Unassigned) => conditions.push("r.assignee_id IS NULL".to_owned()),
            None => {}
        }
    }
    let sql = format!(
        "SELECT r.reference, r.right_kind, r.status, r.received_on, r.received_at, r.open_due, r.paused_since, \
         r.extension_months, r.paused_days, r.email, a.email AS assignee, \
         (SELECT COUNT(*) FROM letters l WHERE l.request_id = r.id AND l.posted_on IS NULL) AS letters_waiting \
         FROM requests r LEFT JOIN dpo_accounts a ON a.id = r.assignee_id \
         WHERE {} ORDER BY {order} LIMIT {}",
        if conditions.is_empty() {
            "1 = 1".to_owned()
        } else {
            conditions.join(" AND ")
        },
        PAGE_SIZE + 1
    );
    (sql, args)
}

/// One page of the queue; `true` when there is a next one.
pub async fn page(
    pool: &crate::db::Pool,
    filter: &Filter,
    me: &str,
    today: Date,
) -> anyhow::Result<(Vec<QueueRow>, bool)> {
    let (sql, args) = page_sql(filter, me, today);
    let mut query = sqlx::query_as::<_, QueueRow>(&sql);
    for arg in args {
        query = match arg {
            Arg::Text(text) => query.bind(text),
            Arg::Int(int) => query.bind(int),
        };
    }
    let mut rows = query.fetch_all(pool).await.context("queue: read a page")?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    Ok((rows, more))
}

/// The request after the line whose cursor is `at` in the list `query`
/// shows (its search and page left out), with its own cursor: "next
/// request" on a request page. Never `current`: a step just done may
/// have moved it further down the same list.
pub async fn next_after(
    pool: &crate::db::Pool,
    query: &QueueQuery,
    at: &str,
    current: &str,
    me: &str,
    today: Date,
) -> anyhow::Result<Option<(Reference, String)>> {
    let filter = Filter::parse(&QueueQuery {
        q: String::new(),
        after: at.to_owned(),
        ..query.clone()
    });
    if filter.after.is_none() {
        return Ok(None);
    }
    let (rows, _) = page(pool, &filter, me, today).await?;
    let newest_first = filter.newest_first();
    Ok(rows
        .into_iter()
        .find(|row| row.reference.as_str() != current)
        .map(|row| (row.cursor(newest_first), row.reference))
        .map(|(at, reference)| (reference, at)))
}

/// How many open requests each filter would show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: i64,
    pub overdue: i64,
    pub week: i64,
    pub mine: i64,
    pub unassigned: i64,
    /// Awaiting the subject for more than `WAITING_DAYS`.
    pub waiting: i64,
    pub by_status: Vec<(Status, i64)>,
    pub by_right: Vec<(RightKind, i64)>,
}

/// Every count in one pass over the open requests, grouped by status and
/// right (at most 36 rows), from the `requests_open_counts` index alone.
/// SQLite is told to use it: without statistics it would rather read the
/// whole `(status, …)` index for the GROUP BY's order.
pub fn counts_sql(sqlite: bool) -> String {
    let from = if sqlite {
        "requests INDEXED BY requests_open_counts"
    } else {
        "requests"
    };
    COUNTS_SQL.replace("FROM requests", &format!("FROM {from}"))
}

const COUNTS_SQL: &str = "SELECT status, right_kind, COUNT(*) AS n, \
     COALESCE(SUM(CASE WHEN open_due < $1 THEN 1 ELSE 0 END), 0) AS overdue, \
     COALESCE(SUM(CASE WHEN open_due >= $1 AND open_due <= $2 THEN 1 ELSE 0 END), 0) AS week, \
     COALESCE(SUM(CASE WHEN assignee_id = $3 THEN 1 ELSE 0 END), 0) AS mine, \
     COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0) AS unassigned \
     FROM requests WHERE open_due IS NOT NULL GROUP BY status, right_kind";

/// The counts as kept (`requests::tally`): a few hundred rows read,
/// however many requests there are.
pub async fn counts(pool: &crate::db::Pool, me: &str, today: Date) -> anyhow::Result<Counts> {
    let rows =
        sqlx::query("SELECT status, right_kind, assignee_id, n FROM queue_tally WHERE n <> 0")
            .fetch_all(pool)
            .await
            .context("queue: read the kept counts")?;
    let mut counts = Counts::default();
    let mut by_status: Vec<(Status, i64)> = Vec::new();
    let mut by_right: Vec<(RightKind, i64)> = Vec::new();
    for row in &rows {
        let n: i64 = row.get("n");
        let assignee: String = row.get("assignee_id");
        counts.open += n;
        if assignee.is_empty() {
            counts.unassigned += n;
        } else if assignee == me {
            counts.mine += n;
        }
        add_by_kind(
            &mut by_status,
            &mut by_right,
            &row.get::<String, _>("status"),
            &row.get::<String, _>("right_kind"),
            n,
        );
    }
    // Per day: sums over a row per due date, against today.
    let days = sqlx::query(
        "SELECT CAST(COALESCE(SUM(CASE WHEN day < $1 THEN n ELSE 0 END), 0) AS BIGINT) AS overdue, \
         CAST(COALESCE(SUM(CASE WHEN day >= $1 AND day <= $2 THEN n ELSE 0 END), 0) AS BIGINT) AS week \
         FROM queue_days WHERE kind = 'due'",
    )
    .bind(today.iso())
    .bind(today.add_days(7).iso())
    .fetch_one(pool)
    .await
    .context("queue: read the kept counts by due date")?;
    counts.overdue = days.get("overdue");
    counts.week = days.get("week");
    counts.waiting = sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM queue_days WHERE kind = 'paused' AND day < $1",
    )
    .bind(today.add_days(-WAITING_DAYS).iso())
    .fetch_one(pool)
    .await
    .context("queue: read the kept count of those awaiting the subject")?;
    counts.by_status = in_slug_order(by_status, |s| s.slug());
    counts.by_right = in_slug_order(by_right, |r| r.slug());
    Ok(counts)
}

fn add_by_kind(
    by_status: &mut Vec<(Status, i64)>,
    by_right: &mut Vec<(RightKind, i64)>,
    status: &str,
    right: &str,
    n: i64,
) {
    if let Some(status) = Status::parse(status) {
        match by_status.iter_mut().find(|(s, _)| *s == status) {
            Some((_, total)) => *total += n,
            None => by_status.push((status, n)),
        }
    }
    if let Some(right) = RightKind::parse(right) {
        match by_right.iter_mut().find(|(r, _)| *r == right) {
            Some((_, total)) => *total += n,
            None => by_right.push((right, n)),
        }
    }
}

/// In the order the GROUP BYs gave them before: by name, zeros left out.
fn in_slug_order<T>(mut counts: Vec<(T, i64)>, slug: fn(&T) -> &'static str) -> Vec<(T, i64)> {
    counts.retain(|(_, n)| *n != 0);
    counts.sort_by_key(|(kind, _)| slug(kind));
    counts
}

/// The same counts from a scan of every open request: what the kept
/// counts must equal (the test on both databases), and what the bench
/// sets them beside.
#[doc(hidden)]
pub async fn counts_by_scan(
    pool: &crate::db::Pool,
    me: &str,
    today: Date,
) -> anyhow::Result<Counts> {
    let sqlite = pool.connect_options().database_url.scheme() == "sqlite";
    let rows = sqlx::query(&counts_sql(sqlite))
        .bind(today.iso())
        .bind(today.add_days(7).iso())
        .bind(me)
        .fetch_all(pool)
        .await
        .context("queue: count")?;
    let mut counts = Counts::default();
    let mut by_status: Vec<(Status, i64)> = Vec::new();
    let mut by_right: Vec<(RightKind, i64)> = Vec::new();
    for row in &rows {
        let n: i64 = row.get("n");
        counts.open += n;
        counts.overdue += row.get::<i64, _>("overdue");
        counts.week += row.get::<i64, _>("week");
        counts.mine += row.get::<i64, _>("mine");
        counts.unassigned += row.get::<i64, _>("unassigned");
        add_by_kind(
            &mut by_status,
            &mut by_right,
            &row.get::<String, _>("status"),
            &row.get::<String, _>("right_kind"),
            n,
        );
    }
    // Paused requests share one key in the index: few, read by it.
    counts.waiting = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM requests WHERE open_due = $1 AND paused_since < $2",
    )
    .bind(PAUSED_KEY)
    .bind(today.add_days(-WAITING_DAYS).iso())
    .fetch_one(pool)
    .await
    .context("queue: count those awaiting the subject")?;
    counts.by_status = in_slug_order(by_status, |s| s.slug());
    counts.by_right = in_slug_order(by_right, |r| r.slug());
    Ok(counts)
}
/// The queries whose plans the index test checks: the default view, each
/// filter and each search.
#[doc(hidden)]
pub fn plans_to_check(today: Date) -> Vec<(String, String)> {
    let base = QueueQuery::default();
    let views = [
        ("default", base.clone()),
        (
            "status",
            QueueQuery {
                status: "in_progress".into(),
                ..base.clone()
            },
        ),
        (
            "closed",
            QueueQuery {
                status: "completed".into(),
                ..base.clone()
            },
        ),
        (
            "right",
            QueueQuery {
                right: "erasure".into(),
                ..base.clone()
            },
        ),
        (
            "overdue",
            QueueQuery {
                due: "overdue".into(),
                ..base.clone()
            },
        ),
        (
            "week",
            QueueQuery {
                due: "week".into(),
                ..base.clone()
            },
        ),
        (
            "waiting",
            QueueQuery {
                due: "waiting".into(),
                ..base.clone()
            },
        ),
        (
            "letters",
            QueueQuery {
                due: "letters".into(),
                ..base.clone()
            },
        ),
        (
            "mine",
            QueueQuery {
                who: "mine".into(),
                ..base.clone()
            },
        ),
        (
            "unassigned",
            QueueQuery {
                who: "unassigned".into(),
                ..base.clone()
            },
        ),
        (
            "next page",
            QueueQuery {
                after: "2026-12-01|R-0000-0000".into(),
                ..base.clone()
            },
        ),
        (
            "reference",
            QueueQuery {
                q: "r-7k3m-9qx2".into(),
                ..base.clone()
            },
        ),
        (
            "email",
            QueueQuery {
                q: "jane@example.org".into(),
                ..base.clone()
            },
        ),
        (
            "name",
            QueueQuery {
                q: "Dupont".into(),
                ..base
            },
        ),
    ];
    views
        .into_iter()
        .map(|(name, query)| {
            let (sql, args) = page_sql(&Filter::parse(&query), "account", today);
            // Inline the arguments: EXPLAIN is run without binding.
            let mut inlined = sql;
            for (i, arg) in args.iter().enumerate().rev() {
                let value = match arg {
                    Arg::Text(text) => format!("'{}'", text.replace('\'', "''")),
                    Arg::Int(int) => int.to_string(),
                };
                inlined = inlined.replace(&format!("${}", i + 1), &value);
            }
            (name.to_owned(), inlined)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_its_folded_range_and_ignores_the_filters() {
        let filter = Filter::parse(&QueueQuery {
            q: " r-7k3m 9qx2 ".into(),
            status: "completed".into(),
            ..Default::default()
        });
        assert_eq!(
            filter.search,
            Some(Search::Terms(Range {
                from: "r7k3m9qx2".into(),
                before: Some("r7k3m9qx3".into()),
            }))
        );
        let (sql, args) = page_sql(&filter, "me", Date::new(2026, 11, 26).unwrap());
        assert!(
            sql.contains("SELECT DISTINCT t.request_id FROM request_terms t WHERE t.term >= $1 AND t.term < $2 LIMIT 500"),
            "{sql}"
        );
        assert!(!sql.contains("r.status ="), "{sql}");
        assert_eq!(args.len(), 2);
        let short = Filter::parse(&QueueQuery {
            q: "é".into(),
            ..Default::default()
        });
        assert_eq!(short.search, Some(Search::TooShort));
        assert!(!short.searching());
    }

    #[test]
    fn the_default_view_is_open_requests_soonest_due_first() {
        let filter = Filter::parse(&QueueQuery::default());
        assert_eq!(filter.status, StatusFilter::Open);
        let (sql, args) = page_sql(&filter, "me", Date::new(2026, 11, 26).unwrap());
        assert!(
            sql.contains("WHERE r.open_due IS NOT NULL ORDER BY r.open_due, r.reference"),
            "{sql}"
        );
        assert!(args.is_empty());
    }
}
