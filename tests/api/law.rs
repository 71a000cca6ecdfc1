//! The readings of the law the console enforces (SPEC §4), each on both
//! databases: here, an objection to direct marketing, which needs no
//! reason and cannot be refused (GDPR Art. 21(2)–(3)).

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, reference_of};
use crate::on_both_databases;

async fn an_objection_to_direct_marketing_cannot_be_refused(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "no-more-mail@example.org");
    let prospecting = subject.file("objection").await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;

    // The request page offers no refusal, and says why.
    let page = dpo.page(&format!("/dpo/requests/{prospecting}")).await;
    assert!(!page.contains(&format!("/dpo/requests/{prospecting}/refuse")));
    assert!(page.contains("ne peut pas être refusée"), "{page}");
    assert!(page.contains(&format!("/dpo/requests/{prospecting}/start")));

    // Posting one anyway is refused by the server, and nothing changes.
    let refused = dpo
        .act(
            &prospecting,
            "refuse",
            "received",
            &[
                ("form[refuse_reason]", "manifestly_unfounded"),
                ("form[refuse_explanation]", "Nous tenons à vous écrire."),
            ],
        )
        .await;
    assert_eq!(refused.status(), 200);
    assert!(refused.text().await.unwrap().contains("pas possible"));
    let status: String = sqlx::query_scalar("SELECT status FROM requests WHERE reference = $1")
        .bind(&prospecting)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "received");

    // Statistics and segmentation used to tailor offers is direct
    // marketing too: no reason asked, no refusal offered.
    let other = Subject::new(&app, "no-profiling@example.org");
    other.verify("objection").await;
    let key = other.form_key("objection").await;
    let filed = other
        .submit("objection", &key, &[("form[processing]", "statistics")])
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let statistics = reference_of(&filed).expect("a reference");
    let page = dpo.page(&format!("/dpo/requests/{statistics}")).await;
    assert!(!page.contains(&format!("/dpo/requests/{statistics}/refuse")));

    // Any other objection states a reason and may be refused.
    let third = Subject::new(&app, "legitimate@example.org");
    third.verify("objection").await;
    let key = third.form_key("objection").await;
    let without_reason = third
        .submit(
            "objection",
            &key,
            &[("form[processing]", "other_legitimate_interest")],
        )
        .await;
    assert_eq!(without_reason.status(), 200);
    let with_reason = third
        .submit(
            "objection",
            &key,
            &[
                ("form[processing]", "other_legitimate_interest"),
                ("form[reason]", "Je ne veux plus figurer dans vos fichiers."),
            ],
        )
        .await;
    assert_eq!(with_reason.status(), 303);
    let legitimate = reference_of(&with_reason).expect("a reference");
    let page = dpo.page(&format!("/dpo/requests/{legitimate}")).await;
    assert!(page.contains(&format!("/dpo/requests/{legitimate}/refuse")));
}

on_both_databases!(an_objection_to_direct_marketing_cannot_be_refused);
