//! Files the DPO attaches in the console: limited in size, and refused when
//! their content is not of an accepted type, whatever their name says.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp};
use crate::on_both_databases;

async fn files_are_limited_in_size_and_type(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |config| config.max_file_mb = 1).await;
    let subject = Subject::new(&app, "files@example.org");
    let reference = subject.file("portability").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let big = vec![b'a'; 1024 * 1024 + 10];
    let too_large = dpo.attach(&reference, "received", "big.txt", &big).await;
    assert!(
        matches!(too_large.status().as_u16(), 200 | 413),
        "{}",
        too_large.status()
    );
    let exe = dpo
        .attach(&reference, "received", "tool.pdf", b"MZ\x90\x00\x03\x00")
        .await;
    assert_eq!(exe.status(), 200);
    assert!(exe.text().await.unwrap().contains("n'est pas accepté"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM request_files").await, 0);
    let ok = dpo
        .attach(
            &reference,
            "received",
            "export.csv",
            b"nom,prenom\nMartin,Jeanne\n",
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE content_type = 'text/csv'")
            .await,
        1
    );
}

on_both_databases!(files_are_limited_in_size_and_type);
