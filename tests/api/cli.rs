//! The binary itself, as an operator runs it.

use crate::helpers::run_portal as portal;
use sqlx::Row;
use std::process::Output;

#[tokio::test]
async fn dpo_add_stores_an_argon2id_hash_of_the_password_read_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let output = portal(
        dir.path(),
        &["dpo", "add", "Claire.DPO@sofacto.com"],
        "a long enough passphrase\n",
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let url = privacy_portal::config::DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("portal.db").display()
    ))
    .unwrap();
    let pool = privacy_portal::db::connect(&url).await.unwrap();
    let row = sqlx::query("SELECT email, password_hash FROM dpo_accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("email"), "claire.dpo@sofacto.com");
    let hash: String = row.get("password_hash");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("passphrase"));
    assert!(privacy_portal::accounts::verify_password(
        "a long enough passphrase",
        &hash
    ));

    let again = portal(
        dir.path(),
        &["dpo", "add", "claire.dpo@sofacto.com"],
        "another long passphrase\n",
        &[],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn dpo_add_refuses_a_short_password_and_a_bad_address() {
    let dir = tempfile::tempdir().unwrap();
    let short = portal(
        dir.path(),
        &["dpo", "add", "claire@sofacto.com"],
        "short\n",
        &[],
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 15 characters"));

    let bad = portal(
        dir.path(),
        &["dpo", "add", "not-an-address"],
        "a long enough passphrase\n",
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not valid"));
}

#[test]
fn a_bad_setting_stops_the_program_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = portal(
        dir.path(),
        &["serve"],
        "",
        &[("PORTAL_SMTP_URL", "smtx://user:hunter2@mail.example.com")],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("configuration error: PORTAL_SMTP_URL: "),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "the secret is not printed");
}

#[test]
fn purge_runs_on_its_own_and_says_what_it_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let output = portal(dir.path(), &["purge"], "", &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "deleted 0 verifications, 0 code emails, 0 send counters, 0 sessions, 0 DPO sessions\n\
         anonymised 0 requests closed more than 1095 days ago; deleted 0 .eml files older than a day"
    );
}

#[tokio::test]
async fn dpo_accounts_are_listed_disabled_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let ok = |output: Output| {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    ok(portal(
        dir.path(),
        &["dpo", "add", "anne@sofacto.com"],
        "a long enough passphrase\n",
        &[],
    ));
    ok(portal(
        dir.path(),
        &["dpo", "add", "bruno@sofacto.com"],
        "another long passphrase\n",
        &[],
    ));

    let url = privacy_portal::config::DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("portal.db").display()
    ))
    .unwrap();
    let pool = privacy_portal::db::connect(&url).await.unwrap();
    let session = |account: &str| {
        let pool = pool.clone();
        let account = account.to_owned();
        async move {
            let id: String = sqlx::query("SELECT id FROM dpo_accounts WHERE email = $1")
                .bind(&account)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get(0);
            sqlx::query(
                "INSERT INTO dpo_sessions (token_hash, account_id, created_at, last_seen_at) VALUES ($1, $2, 0, 0)",
            )
            .bind(format!("hash-{account}"))
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    let sessions_of = |account: &str| {
        let pool = pool.clone();
        let account = account.to_owned();
        async move {
            sqlx::query(
                "SELECT COUNT(*) FROM dpo_sessions s JOIN dpo_accounts a ON a.id = s.account_id WHERE a.email = $1",
            )
            .bind(account)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get::<i64, _>(0)
        }
    };

    let list = ok(portal(dir.path(), &["dpo", "list"], "", &[]));
    assert!(
        list.contains("anne@sofacto.com\tsecond factor off"),
        "{list}"
    );
    assert!(list.contains("bruno@sofacto.com"), "{list}");

    session("anne@sofacto.com").await;
    ok(portal(
        dir.path(),
        &["dpo", "disable", "anne@sofacto.com"],
        "",
        &[],
    ));
    assert_eq!(
        sessions_of("anne@sofacto.com").await,
        0,
        "disabling ends the sessions at once"
    );
    assert!(
        ok(portal(dir.path(), &["dpo", "list"], "", &[]))
            .contains("anne@sofacto.com\tsecond factor off, disabled")
    );
    // A new password does not bring a disabled account back; enable does.
    ok(portal(
        dir.path(),
        &["dpo", "reset-password", "anne@sofacto.com"],
        "a brand new passphrase here\n",
        &[],
    ));
    assert!(
        ok(portal(dir.path(), &["dpo", "list"], "", &[]))
            .contains("anne@sofacto.com\tsecond factor off, disabled")
    );
    ok(portal(
        dir.path(),
        &["dpo", "enable", "anne@sofacto.com"],
        "",
        &[],
    ));
    assert!(
        !ok(portal(dir.path(), &["dpo", "list"], "", &[]))
            .contains("anne@sofacto.com\tsecond factor off, disabled")
    );

    sqlx::query("UPDATE dpo_accounts SET failed_logins = 9, locked_until = 99999999999999 WHERE email = 'bruno@sofacto.com'")
        .execute(&pool)
        .await
        .unwrap();
    session("bruno@sofacto.com").await;
    ok(portal(
        dir.path(),
        &["dpo", "reset-password", "bruno@sofacto.com"],
        "a brand new passphrase here\n",
        &[],
    ));
    assert_eq!(sessions_of("bruno@sofacto.com").await, 0);
    let row = sqlx::query("SELECT password_hash, locked_until, failed_logins FROM dpo_accounts WHERE email = 'bruno@sofacto.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(privacy_portal::accounts::verify_password(
        "a brand new passphrase here",
        &row.get::<String, _>("password_hash")
    ));
    assert_eq!(row.get::<Option<i64>, _>("locked_until"), None, "unlocked");
    assert_eq!(row.get::<i64, _>("failed_logins"), 0);

    sqlx::query("UPDATE dpo_accounts SET totp_secret = 'JBSWY3DPEHPK3PXP' WHERE email = 'bruno@sofacto.com'")
        .execute(&pool)
        .await
        .unwrap();
    session("bruno@sofacto.com").await;
    ok(portal(
        dir.path(),
        &["dpo", "reset-totp", "bruno@sofacto.com"],
        "",
        &[],
    ));
    assert_eq!(sessions_of("bruno@sofacto.com").await, 0);
    assert!(
        ok(portal(dir.path(), &["dpo", "list"], "", &[]))
            .contains("bruno@sofacto.com\tsecond factor off")
    );

    let unknown = portal(
        dir.path(),
        &["dpo", "disable", "nobody@sofacto.com"],
        "",
        &[],
    );
    assert_eq!(unknown.status.code(), Some(2));
}

/// `audit verify` walks the chain (exit 0 or 1) and checks an evidence file
/// exported from the console against the log.
#[tokio::test]
async fn audit_verify_prints_the_head_and_checks_an_evidence_file() {
    use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let subject = Subject::new(&app, "cli.evidence@example.org");
    let reference = subject.file("erasure").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&reference, "check-identity", "received", &[])
        .await;
    let evidence = dpo
        .post(&format!("/dpo/requests/{reference}/evidence"), &[])
        .await
        .text()
        .await
        .unwrap();
    let file = app.data_dir.path().join("evidence.json");
    std::fs::write(&file, &evidence).unwrap();
    let url = app.state.config.database_url.expose().to_owned();
    let env = [("PORTAL_DATABASE_URL", url.as_str())];
    let run = |args: &[&str]| portal(app.data_dir.path(), args, "", &env);

    let output = run(&["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}");
    let head: String = sqlx::query("SELECT hash FROM audit_head")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get("hash");
    let entries = app.scalar("SELECT COUNT(*) FROM audit_log").await;
    assert!(stdout.contains(&format!("entries: {entries}")), "{stdout}");
    assert!(stdout.contains(&format!("head: {head}")), "{stdout}");
    assert!(stdout.trim_end().ends_with("ok"), "{stdout}");
    // The head as the digest prints it anchors the log; another does not.
    let anchor = format!("{entries}:{head}");
    assert!(
        run(&["audit", "verify", "--anchor", &anchor])
            .status
            .success()
    );
    let wrong = format!("{entries}:{}", "0".repeat(64));
    let output = run(&["audit", "verify", "--anchor", &wrong]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("rewritten"));
    assert!(
        !run(&["audit", "verify", "--anchor", "nonsense"])
            .status
            .success()
    );

    let output = run(&["audit", "verify", "--evidence", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let changed = app.data_dir.path().join("changed.json");
    std::fs::write(&changed, evidence.replace("Jeanne", "Jeanna")).unwrap();
    let output = run(&["audit", "verify", "--evidence", changed.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("changed after it was exported"));

    // The page to read and print is checked the same way.
    let page = dpo
        .post(&format!("/dpo/requests/{reference}/evidence/page"), &[])
        .await
        .text()
        .await
        .unwrap();
    let page_file = app.data_dir.path().join("evidence.html");
    std::fs::write(&page_file, &page).unwrap();
    let output = run(&["audit", "verify", "--evidence", page_file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    std::fs::write(&page_file, page.replacen("Jeanne", "Jeanna", 1)).unwrap();
    let output = run(&["audit", "verify", "--evidence", page_file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("the page differs"));

    sqlx::query("UPDATE audit_log SET at = at + 1 WHERE seq = 2")
        .execute(&app.pool)
        .await
        .unwrap();
    let output = run(&["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("broken: entry 2 was changed"), "{stdout}");
}

/// With PORTAL_AUDIT_KEY (kept outside the database), every hash is an
/// HMAC: whoever can write to the database can rewrite the chain and
/// recompute plain hashes, and `audit verify` with the key still sees it.
async fn a_keyed_audit_log_cannot_be_rewritten_without_the_key(backend: crate::helpers::Backend) {
    use crate::helpers::{Mail, TestApp};
    let app = TestApp::spawn(backend, Mail::Files).await;
    let url = app.state.config.database_url.expose().to_owned();
    let key = "an audit key kept outside the database, 32+";
    let keyed = [
        ("PORTAL_DATABASE_URL", url.as_str()),
        ("PORTAL_AUDIT_KEY", key),
    ];
    let plain = [("PORTAL_DATABASE_URL", url.as_str())];
    let dir = app.data_dir.path();
    let ok = |output: Output| {
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    ok(portal(
        dir,
        &["dpo", "add", "keyed@sofacto.com"],
        "a long enough passphrase\n",
        &keyed,
    ));
    // The key alone starts nothing: the operator starts keyed hashing once.
    let unstarted = portal(dir, &["audit", "verify"], "", &keyed);
    assert_eq!(unstarted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unstarted.stdout).contains("key-start"));
    ok(portal(dir, &["audit", "key-start"], "", &keyed));
    let twice = portal(dir, &["audit", "key-start"], "", &keyed);
    assert!(!twice.status.success(), "once");
    ok(portal(
        dir,
        &["dpo", "disable", "keyed@sofacto.com"],
        "",
        &keyed,
    ));
    ok(portal(dir, &["audit", "verify"], "", &keyed));
    let unkeyed = portal(dir, &["audit", "verify"], "", &plain);
    assert_eq!(unkeyed.status.code(), Some(1), "keyed entries need the key");
    let short = portal(
        dir,
        &["audit", "verify"],
        "",
        &[plain[0], ("PORTAL_AUDIT_KEY", "short")],
    );
    assert_eq!(
        short.status.code(),
        Some(2),
        "a key of 32 characters at least"
    );

    // An insider rewrites the tail with plain hashes: caught.
    let rewrite = |from: i64| {
        let pool = app.pool.clone();
        async move {
            let mut rows: Vec<privacy_portal::audit::AuditRow> = sqlx::query_as(&format!(
                "SELECT {} FROM audit_log WHERE seq >= {from} ORDER BY seq",
                privacy_portal::audit::AUDIT_COLUMNS
            ))
            .fetch_all(&pool)
            .await
            .unwrap();
            let mut prev: String = if from == 1 {
                privacy_portal::audit::GENESIS.to_owned()
            } else {
                sqlx::query_scalar(&format!(
                    "SELECT hash FROM audit_log WHERE seq = {}",
                    from - 1
                ))
                .fetch_one(&pool)
                .await
                .unwrap()
            };
            for row in &mut rows {
                row.prev_hash = prev.clone();
                row.hash = row.expected_hash();
                prev = row.hash.clone();
                sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
                    .bind(&row.prev_hash)
                    .bind(&row.hash)
                    .bind(row.seq)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                .bind(&prev)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    rewrite(3).await;
    let tail = portal(dir, &["audit", "verify"], "", &keyed);
    assert_eq!(tail.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&tail.stdout).contains("entry 3 is not keyed"));
    rewrite(1).await;
    let whole = portal(dir, &["audit", "verify"], "", &keyed);
    assert_eq!(whole.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&whole.stdout).contains("no entry is keyed"));
    ok(portal(dir, &["audit", "verify"], "", &plain));
    // The next entry, keyed on top of the rewritten chain, does not bless it.
    ok(portal(
        dir,
        &["dpo", "enable", "keyed@sofacto.com"],
        "",
        &keyed,
    ));
    let after = portal(dir, &["audit", "verify"], "", &keyed);
    assert_eq!(after.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&after.stdout).contains("never started"));
}

crate::on_both_databases!(a_keyed_audit_log_cannot_be_rewritten_without_the_key);

#[tokio::test]
async fn systems_are_declared_listed_given_new_keys_and_disabled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let secret = [("PORTAL_SECRET_KEY", "0123456789abcdef0123456789abcdef-test")];
    let added = portal(
        dir.path(),
        &[
            "system",
            "add",
            "crm",
            "--rights",
            "access,erasure",
            "--webhook",
            "https://crm.sofacto.com/hooks/privacy",
        ],
        "",
        &secret,
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let printed = String::from_utf8_lossy(&added.stdout).to_string();
    let key = printed
        .lines()
        .find_map(|l| l.strip_prefix("api key: "))
        .expect("the key is printed")
        .to_owned();
    let webhook_secret = printed
        .lines()
        .find_map(|l| l.strip_prefix("webhook secret: "))
        .expect("the secret is printed")
        .to_owned();
    assert!(key.starts_with("spp_") && webhook_secret.starts_with("whsec_"));

    // Neither is stored as printed: the key as a hash, the secret sealed.
    let url = privacy_portal::config::DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("portal.db").display()
    ))
    .unwrap();
    let pool = privacy_portal::db::connect(&url).await.unwrap();
    let row = sqlx::query("SELECT key_hash, webhook_secret FROM systems WHERE name = 'crm'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (hash, sealed): (String, String) = (row.get("key_hash"), row.get("webhook_secret"));
    assert_eq!(hash, privacy_portal::systems::keys::key_hash(&key));
    assert!(
        !sealed.contains(webhook_secret.trim_start_matches("whsec_")) && sealed.starts_with("v1:")
    );
    let opened = privacy_portal::secure::SecretBox::new(Some(secret[0].1)).open(&sealed);
    assert_eq!(opened.as_deref(), Some(webhook_secret.as_str()));

    let pull = portal(
        dir.path(),
        &["system", "add", "billing", "--rights", "erasure", "--pull"],
        "",
        &secret,
    );
    assert!(pull.status.success());
    assert!(!String::from_utf8_lossy(&pull.stdout).contains("webhook secret"));

    // Mistakes are refused with what to do.
    for (args, needle) in [
        (
            vec!["system", "add", "crm", "--rights", "access", "--pull"],
            "already",
        ),
        (
            vec!["system", "add", "Billing 2", "--rights", "access", "--pull"],
            "lower-case",
        ),
        (
            vec![
                "system",
                "add",
                "news",
                "--rights",
                "access,complaint",
                "--pull",
            ],
            "complaint",
        ),
        (
            vec!["system", "add", "news", "--rights", "access"],
            "--webhook URL or --pull",
        ),
        (
            vec![
                "system",
                "add",
                "news",
                "--rights",
                "access",
                "--webhook",
                "http://news.example/hook",
            ],
            "https",
        ),
        (vec!["system", "rotate-key", "nothing"], "no system"),
    ] {
        let refused = portal(dir.path(), &args, "", &secret);
        assert!(!refused.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains(needle),
            "{args:?}: {}",
            String::from_utf8_lossy(&refused.stderr)
        );
    }

    let list = portal(dir.path(), &["system", "list"], "", &secret);
    let listed = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(
        listed.contains("crm\taccess,erasure\thttps://crm.sofacto.com/hooks/privacy\tenabled"),
        "{listed}"
    );
    assert!(
        listed.contains("billing\terasure\tpull\tenabled"),
        "{listed}"
    );
    assert!(
        listed.contains(&key[..8]) && !listed.contains(&key),
        "the key's first characters only"
    );

    let rotated = portal(dir.path(), &["system", "rotate-key", "crm"], "", &secret);
    assert!(rotated.status.success());
    let new_key = String::from_utf8_lossy(&rotated.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("api key: ").map(str::to_owned))
        .unwrap();
    assert_ne!(new_key, key);
    assert!(
        privacy_portal::systems::by_key(&pool, &key)
            .await
            .unwrap()
            .is_none(),
        "the old key stops at once"
    );
    assert!(
        privacy_portal::systems::by_key(&pool, &new_key)
            .await
            .unwrap()
            .is_some()
    );

    let disabled = portal(dir.path(), &["system", "disable", "crm"], "", &secret);
    assert!(disabled.status.success());
    assert!(
        privacy_portal::systems::by_key(&pool, &new_key)
            .await
            .unwrap()
            .is_none()
    );
    let listed =
        String::from_utf8_lossy(&portal(dir.path(), &["system", "list"], "", &secret).stdout)
            .to_string();
    assert!(
        listed.contains("crm\taccess,erasure\thttps://crm.sofacto.com/hooks/privacy\tdisabled"),
        "{listed}"
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'system.%' ORDER BY seq",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "system.added",
            "system.added",
            "system.key_rotated",
            "system.disabled"
        ]
    );
}
