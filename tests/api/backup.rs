//! `privacy-portal backup` (issue 10 §2): taken while requests are being
//! filed, restored into a fresh portal, it holds every request acknowledged
//! before it started, their files, and an audit chain that verifies.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, reference_of, right_fields};
use sqlx::Row;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};

fn portal(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privacy-portal"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTAL_DATABASE_URL", database_url)
        .output()
        .expect("run privacy-portal")
}

/// Files one more request for `subject` (already verified); its reference.
async fn file_one(subject: &Subject) -> String {
    let key = subject.form_key("access").await;
    let response = subject
        .submit("access", &key, &right_fields("access"))
        .await;
    assert_eq!(response.status(), 303);
    reference_of(&response).expect("a reference")
}

#[tokio::test]
async fn a_backup_taken_while_filing_restores_every_acknowledged_request_and_file() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Smtp, |c| {
        c.limits.open_requests_per_address = 1000;
        c.limits.requests_per_address_per_day = 1000;
        c.limits.requests_per_ip_per_day = 1000;
    })
    .await;
    let live_url = format!(
        "sqlite://{}",
        app.data_dir.path().join("portal.db").display()
    );
    let subject = Subject::new(&app, "backup@example.org");
    let mut before = vec![subject.file("access").await];
    for _ in 0..4 {
        before.push(file_one(&subject).await);
    }
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    dpo.done(&before[0], "check-identity", "received", &[])
        .await;
    let reply = b"{\"donnees\": \"copie\"}";
    assert_eq!(
        dpo.attach(&before[0], "identity_check", "copie.json", reply)
            .await
            .status(),
        303
    );

    // Filing goes on while the backup is taken.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("portal-backup.db");
    let done = AtomicBool::new(false);
    let filer = async {
        let mut during = Vec::new();
        while !done.load(Ordering::SeqCst) {
            during.push(file_one(&subject).await);
        }
        during
    };
    let backup = async {
        let (url, file) = (live_url.clone(), copy.display().to_string());
        let output = tokio::task::spawn_blocking(move || portal(&url, &["backup", &file]))
            .await
            .unwrap();
        done.store(true, Ordering::SeqCst);
        output
    };
    let (during, output) = tokio::join!(filer, backup);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.contains("backup written to") && said.contains("1 files"),
        "{said}"
    );
    assert!(!during.is_empty(), "requests were filed during the backup");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "readable by its owner only: {mode:o}");
    }
    // Never over an existing file.
    let again = portal(&live_url, &["backup", &copy.display().to_string()]);
    assert!(!again.status.success());

    // Restored: the copy becomes a fresh portal's database.
    let restored_dir = tempfile::tempdir().unwrap();
    let restored_db = restored_dir.path().join("portal.db");
    std::fs::copy(&copy, &restored_db).unwrap();
    let restored_url = format!("sqlite://{}", restored_db.display());
    let verify = portal(&restored_url, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let restored = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| {
        c.database_url = privacy_portal::config::DatabaseUrl::parse(&restored_url).unwrap();
    })
    .await;
    for reference in &before {
        let found = restored
            .scalar(&format!(
                "SELECT COUNT(*) FROM requests WHERE reference = '{reference}'"
            ))
            .await;
        assert_eq!(found, 1, "{reference} is in the backup once");
    }
    // Those filed during the backup are in it whole or not at all.
    for reference in &during {
        let events = restored
            .scalar(&format!(
                "SELECT COUNT(*) FROM request_events e JOIN requests r ON r.id = e.request_id \
                 WHERE r.reference = '{reference}'"
            ))
            .await;
        let rows = restored
            .scalar(&format!(
                "SELECT COUNT(*) FROM requests WHERE reference = '{reference}'"
            ))
            .await;
        assert!(
            rows == 0 && events == 0 || rows == 1 && events >= 1,
            "{reference}"
        );
    }
    let file = sqlx::query("SELECT sha256, data FROM request_files")
        .fetch_one(&restored.pool)
        .await
        .unwrap();
    assert_eq!(file.get::<Vec<u8>, _>("data"), reply.to_vec());
    let live_sha: String = sqlx::query("SELECT sha256 FROM request_files")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .get(0);
    assert_eq!(file.get::<String, _>("sha256"), live_sha);
    // The DPO signs in to the restored portal and finds the request.
    let dpo = Dpo::browser(&restored, "dpo@sofacto.com");
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{}", before[0])).await;
    assert!(page.contains(&before[0]) && page.contains("copie.json"));
}

/// On PostgreSQL, `pg_dump` writes the copy; it too is readable by its
/// owner only.
#[tokio::test]
async fn a_postgres_backup_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn(Backend::Postgres, Mail::Smtp).await;
    Subject::new(&app, "pg-backup@example.org")
        .file("access")
        .await;
    let url = app.state.config.database_url.expose().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("portal.dump");
    let output = portal(&url, &["backup", &copy.display().to_string()]);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    assert!(std::fs::metadata(&copy).unwrap().len() > 0);
}
