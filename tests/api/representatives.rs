//! Someone acting for the person concerned (SPEC §3): an agent with a
//! mandate, a parent or guardian, an heir. The requester is stored apart
//! from the subject; the DPO sees both, the proof, and can ask the subject
//! to confirm at the address the agent gave; the answers go where the
//! mandate says.

use crate::helpers::{Backend, Dpo, Mail, Subject, TestApp, reference_of, stored};
use crate::on_both_databases;

const MANDATE: &[u8] = b"%PDF-1.7 mandat signe";

async fn an_agent_files_with_a_mandate_and_the_dpo_sees_both_people(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let sink = app.smtp.as_ref().unwrap();
    let agent = Subject::new(&app, "luc.bernard@cabinet.example");
    agent.verify("access").await;
    let key = agent.form_key("access").await;
    let until = privacy_portal::domain::Date::paris_of(app.clock_now())
        .add_days(90)
        .iso();
    let acting = [
        ("form[scope]", "all"),
        ("form[acting]", "agent"),
        ("form[rep_first_name]", "Luc"),
        ("form[rep_last_name]", "Bernard"),
        ("form[replies_to]", "representative"),
        ("form[subject_email]", "jeanne.martin@example.org"),
    ];

    // A mandate has an end; the form says so and keeps what was typed.
    let missing = agent.submit("access", &key, &acting).await;
    assert_eq!(missing.status(), 200);
    let page = missing.text().await.unwrap();
    assert!(
        page.contains(r#"value="Bernard""#),
        "what was typed stays: {page}"
    );
    let error = page
        .split(r#"id="mandate_until-error""#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or_default();
    assert!(error.contains("Ce champ est obligatoire"), "{page}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);
    // Answers to the subject go by post, not to an unverified address.
    let mut to_subject = acting.to_vec();
    to_subject.retain(|(name, _)| *name != "form[replies_to]");
    to_subject.push(("form[replies_to]", "subject"));
    to_subject.push(("form[mandate_until]", &until));
    let by_email = agent.submit("access", &key, &to_subject).await;
    assert_eq!(by_email.status(), 200);
    assert!(
        by_email
            .text()
            .await
            .unwrap()
            .contains("partent par courrier"),
        "answers to the subject by email are refused"
    );

    let mut fields = acting.to_vec();
    fields.push(("form[mandate_until]", &until));
    let filed = agent.submit("access", &key, &fields).await;
    assert_eq!(filed.status(), 303);
    let reference = reference_of(&filed).unwrap();
    // Stored apart: the subject's names, the agent's in their own column.
    assert_eq!(
        stored(&app, &reference, "acting").await.as_deref(),
        Some("agent")
    );
    assert_eq!(
        stored(&app, &reference, "last_name").await.as_deref(),
        Some("Martin")
    );
    let representative = stored(&app, &reference, "representative").await.unwrap();
    assert!(representative.contains("Bernard"), "{representative}");
    assert!(representative.contains("mandate_until"), "{representative}");
    // The agent verified their address: the acknowledgment goes there.
    sink.wait_for_text("luc.bernard@cabinet.example", "Nous avons bien reçu")
        .await;

    // The follow page asks the agent for the mandate.
    let follow = agent.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains(r#"id="proof""#), "{follow}");
    assert!(follow.contains("Joignez le mandat"), "{follow}");
    let sent = agent
        .send_proof(&reference, "mandat.pdf", MANDATE.to_vec())
        .await;
    assert_eq!(sent.status(), 303);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM request_files WHERE purpose = 'proof'")
            .await,
        1
    );

    // The DPO sees both people and the proof.
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains(r#"data-acting="agent""#), "{page}");
    assert!(page.contains("Luc Bernard"), "{page}");
    assert!(page.contains("Jeanne Martin"), "{page}");
    assert!(page.contains("jeanne.martin@example.org"), "{page}");
    assert!(page.contains(r#"data-purpose="proof""#), "{page}");
    assert!(page.contains("reçu : voir les fichiers"), "{page}");
    assert!(!page.contains("data-mandate-expired"), "{page}");
    // The queue's search finds it by either person.
    for typed in ["bernard luc", "Jeanne Martin", "jeanne.martin@"] {
        let found = dpo.page(&format!("/dpo?q={typed}")).await;
        assert!(
            found.contains(&format!("/dpo/requests/{reference}")),
            "{typed}: {found}"
        );
    }

    // And asks the subject, at the address the agent gave, to confirm.
    dpo.done(&reference, "ask-subject", "received", &[]).await;
    let question = sink
        .wait_for_text("jeanne.martin@example.org", "Luc Bernard")
        .await;
    assert!(question.contains(&reference), "{question}");
    assert!(question.contains("dpo@sofacto.com"), "{question}");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'request.subject_asked_to_confirm' AND reference = '{reference}'"
        ))
        .await,
        1
    );
    // Established through the representative's proof.
    dpo.done(
        &reference,
        "start",
        "received",
        &[("form[identity_method]", "representative")],
    )
    .await;
    // Once the mandate ends, the page says so.
    app.clock
        .advance(std::time::Duration::from_secs(91 * 86_400));
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
    assert!(page.contains("data-mandate-expired"), "{page}");
}

async fn a_parent_and_an_heir_file_for_someone(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    // A parent, for a minor, wanting the answers posted to the child.
    let parent = Subject::new(&app, "parent@example.org");
    parent.verify("erasure").await;
    let key = parent.form_key("erasure").await;
    let mut fields = crate::helpers::right_fields("erasure");
    fields.retain(|(name, _)| *name != "form[reply_channel]");
    let filed = parent
        .post(
            "/request/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "erasure"),
                ("form[first_name]", "Léo"),
                ("form[last_name]", "Martin"),
                ("form[relation]", "prospect"),
                ("form[lang]", "fr"),
                ("form[reply_channel]", "postal"),
                ("form[reply_postal]", "3 rue des Lilas, 34000 Montpellier"),
                ("form[acting]", "guardian"),
                ("form[rep_first_name]", "Anne"),
                ("form[rep_last_name]", "Martin"),
                ("form[replies_to]", "subject"),
                ("form[scope]", "some"),
                ("form[cat_prospect]", "on"),
                ("form[erasure_ground]", "consent_withdrawn"),
            ],
        )
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let minor = reference_of(&filed).unwrap();
    assert_eq!(
        stored(&app, &minor, "acting").await.as_deref(),
        Some("guardian")
    );
    // Answers to the child go by post: the acknowledgment is a letter.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM letters l JOIN requests r ON r.id = l.request_id WHERE r.reference = '{minor}'"
        ))
        .await,
        1
    );

    // An heir: the person concerned died, so the answers go to the heir
    // whatever was posted.
    let heir = Subject::new(&app, "heir@example.org");
    heir.verify("erasure").await;
    let key = heir.form_key("erasure").await;
    let filed = heir
        .submit(
            "erasure",
            &key,
            &[
                ("form[scope]", "all"),
                ("form[erasure_ground]", "no_longer_necessary"),
                ("form[acting]", "heir"),
                ("form[rep_first_name]", "Marc"),
                ("form[rep_last_name]", "Martin"),
                ("form[replies_to]", "subject"),
            ],
        )
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let reference = reference_of(&filed).unwrap();
    let representative = stored(&app, &reference, "representative").await.unwrap();
    assert!(
        representative.contains(r#""replies_to":"representative""#),
        "{representative}"
    );
    let follow = heir.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains("acte de notoriété"), "{follow}");

    // An heir answered by post: the letter is addressed to the heir, on
    // the deceased's behalf; the child's, to the child.
    let by_post = Subject::new(&app, "heir.by.post@example.org");
    by_post.verify("erasure").await;
    let key = by_post.form_key("erasure").await;
    let filed = by_post
        .post(
            "/request/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "erasure"),
                ("form[first_name]", "Paul"),
                ("form[last_name]", "Durand"),
                ("form[relation]", "client"),
                ("form[lang]", "fr"),
                ("form[reply_channel]", "postal"),
                ("form[reply_postal]", "8 rue Haute, 34000 Montpellier"),
                ("form[acting]", "heir"),
                ("form[rep_first_name]", "Claire"),
                ("form[rep_last_name]", "Durand"),
                ("form[scope]", "all"),
                ("form[erasure_ground]", "no_longer_necessary"),
            ],
        )
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let posted = reference_of(&filed).unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    for (reference, to, not) in [
        (
            &posted,
            "Claire Durand\npour le compte de Paul Durand",
            r#"letter__to pre">Paul"#,
        ),
        (&minor, r#"letter__to pre">Léo Martin"#, "pour le compte de"),
    ] {
        let id: String = sqlx::query_scalar(
            "SELECT l.id FROM letters l JOIN requests r ON r.id = l.request_id WHERE r.reference = $1",
        )
        .bind(reference)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let letter = dpo.page(&format!("/dpo/letters/{id}")).await;
        assert!(letter.contains(to), "{to}: {letter}");
        assert!(!letter.contains(not), "{not}: {letter}");
    }
}

on_both_databases!(
    an_agent_files_with_a_mandate_and_the_dpo_sees_both_people,
    a_parent_and_an_heir_file_for_someone,
);

/// A subject records directives for after death; an heir files; the DPO
/// finds them (by the address the heir gave, else by name); revoking them
/// deletes them; each change is audited.
async fn directives_left_by_a_subject_reach_the_dpo_when_an_heir_files(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Smtp).await;
    let subject = Subject::new(&app, "paul.durand@example.org");
    subject.verify_again().await;
    let page = subject.page("/my-requests").await;
    assert!(page.contains(r#"id="directives""#), "{page}");

    // Communicating needs a designated person.
    let refused = subject
        .post(
            "/my-requests/directives",
            &[
                ("form[first_name]", "Paul"),
                ("form[last_name]", "Durand"),
                ("form[choice]", "communicate"),
                ("form[note]", "Mes factures à ma fille."),
            ],
        )
        .await;
    assert_eq!(refused.status(), 200);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Mes factures à ma fille."), "kept: {page}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM directives").await, 0);
    let saved = subject
        .post(
            "/my-requests/directives",
            &[
                ("form[first_name]", "Paul"),
                ("form[last_name]", "Durand"),
                ("form[choice]", "communicate"),
                ("form[person_name]", "Claire Durand"),
                ("form[person_email]", "claire.durand@example.org"),
                ("form[note]", "Mes factures à ma fille."),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page = subject.page("/my-requests").await;
    assert!(page.contains(r#"data-directives="communicate""#), "{page}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'directives.recorded'")
            .await,
        1
    );

    // The designated person files as heir, giving the deceased's address.
    let claire = Subject::new(&app, "claire.durand@example.org");
    claire.verify("access").await;
    let key = claire.form_key("access").await;
    let filed = claire
        .post(
            "/request/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "access"),
                ("form[first_name]", "Paul"),
                ("form[last_name]", "Durand"),
                ("form[relation]", "client"),
                ("form[reply_channel]", "email"),
                ("form[lang]", "fr"),
                ("form[scope]", "all"),
                ("form[acting]", "heir"),
                ("form[rep_first_name]", "Claire"),
                ("form[rep_last_name]", "Durand"),
                ("form[subject_email]", "paul.durand@example.org"),
            ],
        )
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let by_email = reference_of(&filed).unwrap();
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let page = dpo.page(&format!("/dpo/requests/{by_email}")).await;
    assert!(page.contains(r#"data-directives="communicate""#), "{page}");
    assert!(
        page.contains("Claire Durand &lt;claire.durand@example.org&gt;")
            || page.contains("claire.durand@example.org"),
        "{page}"
    );
    assert!(
        page.contains("trouvées par l&#x27;adresse") || page.contains("trouvées par l'adresse"),
        "{page}"
    );

    // Without the address, by name (case aside), with a warning.
    let heir = Subject::new(&app, "other-heir@example.org");
    heir.verify("erasure").await;
    let key = heir.form_key("erasure").await;
    let filed = heir
        .post(
            "/request/new",
            &[
                ("form[submission_key]", key.as_str()),
                ("form[right]", "erasure"),
                ("form[first_name]", "paul"),
                ("form[last_name]", "DURAND"),
                ("form[relation]", "client"),
                ("form[reply_channel]", "email"),
                ("form[lang]", "fr"),
                ("form[scope]", "all"),
                ("form[erasure_ground]", "no_longer_necessary"),
                ("form[acting]", "heir"),
                ("form[rep_first_name]", "Jean"),
                ("form[rep_last_name]", "Durand"),
            ],
        )
        .await;
    assert_eq!(filed.status(), 303, "{}", filed.text().await.unwrap());
    let by_name = reference_of(&filed).unwrap();
    let page = dpo.page(&format!("/dpo/requests/{by_name}")).await;
    assert!(page.contains(r#"data-directives="communicate""#), "{page}");
    assert!(page.contains("trouvées par le nom"), "{page}");

    // Revoked: gone, audited; the heir's page now says there are none.
    let revoked = subject.post("/my-requests/directives/revoke", &[]).await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM directives").await, 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'directives.revoked'")
            .await,
        1
    );
    let page = dpo.page(&format!("/dpo/requests/{by_name}")).await;
    assert!(page.contains(r#"data-directives="none""#), "{page}");
}

on_both_databases!(directives_left_by_a_subject_reach_the_dpo_when_an_heir_files);
