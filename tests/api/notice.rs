//! The portal's own privacy notice (issue 23): linked from the home page,
//! every form and every email; its periods follow the settings; open
//! requests nobody acts on are listed until the DPO acts.

use crate::helpers::{Backend, DAY, Dpo, Mail, Subject, TestApp};
use crate::on_both_databases;
use reqwest::header;

const NOTICE_LINK: &str = r#"href="/privacy""#;

async fn page_in(app: &TestApp, path: &str, lang: &str) -> String {
    app.http
        .get(format!("{}{path}", app.address))
        .header(header::ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The part of `html` from the element with `id` to the end of its section.
fn section<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id}: {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_notice_is_linked_from_the_home_page_every_form_and_every_email() {
    let app = TestApp::spawn(Backend::Sqlite, Mail::Smtp).await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains(NOTICE_LINK), "{home}");

    let subject = Subject::new(&app, "notice@example.org");
    let verify = subject.page("/verify?right=erasure").await;
    assert!(verify.contains(r#"class="muted notice-link""#), "{verify}");
    subject.ask_code("erasure").await;
    let code = subject.page("/verify/code").await;
    assert!(code.contains(r#"class="muted notice-link""#), "{code}");
    let code_email = subject
        .sink()
        .wait_for_text(&subject.email, "/verify/link/")
        .await;
    assert!(code_email.contains("/privacy"), "{code_email}");

    subject.enter_code(&subject.latest_code().await).await;
    let form = subject.page("/request/new?right=erasure").await;
    assert!(form.contains(r#"class="muted notice-link""#), "{form}");
    let key = crate::helpers::submission_key_in(&form).unwrap();
    let filed = subject
        .submit("erasure", &key, &crate::helpers::right_fields("erasure"))
        .await;
    let reference = crate::helpers::reference_of(&filed).expect("a reference");
    let follow = subject.page(&format!("/my-requests/{reference}")).await;
    assert!(follow.contains(r#"class="muted notice-link""#), "{follow}");
    let receipt = subject
        .sink()
        .wait_for_text(&subject.email, &reference)
        .await;
    assert!(receipt.contains("/privacy"), "{receipt}");
    let to_dpo = subject
        .sink()
        .wait_for_text("dpo@sofacto.com", &reference)
        .await;
    assert!(to_dpo.contains("/privacy"), "{to_dpo}");

    for (lang, title) in [
        ("fr", "Vos données dans ce portail"),
        ("en", "Your data in this portal"),
    ] {
        let notice = page_in(&app, "/privacy", lang).await;
        assert!(notice.contains(&format!("<h1>{title}</h1>")), "{notice}");
        // Each purpose with its legal basis, the DPO, the CNIL.
        for needle in [
            "6(1)(c)",
            "5(2)",
            "6(1)(f)",
            "dpo@sofacto.com",
            "https://www.cnil.fr/fr/agir",
        ] {
            assert!(notice.contains(needle), "{lang}: {needle}");
        }
        // Field by field, from the list the unit test holds against the forms.
        for fields in [
            "customer_number",
            "reply_channel reply_phone reply_postal",
            "file",
        ] {
            assert!(
                notice.contains(&format!(r#"data-fields="{fields}""#)),
                "{lang}: {fields}"
            );
        }
    }
}

#[tokio::test]
async fn the_notices_periods_follow_the_settings() {
    let app = TestApp::spawn_with(Backend::Sqlite, Mail::Files, |c| {
        c.retention_days = 365;
        c.stale_days = 60;
        c.backup_retention_days = 14;
    })
    .await;
    let fr = page_in(&app, "/privacy", "fr").await;
    assert!(fr.contains("un an après la clôture"), "{fr}");
    assert!(fr.contains("depuis 60 jours"), "{fr}");
    assert!(fr.contains("<td>14 jours</td>"), "{fr}");
    let en = page_in(&app, "/privacy", "en").await;
    assert!(en.contains("one year after closing"), "{en}");
    assert!(en.contains("<td>24 hours at most</td>"), "{en}");
    // No SMTP server: no email provider receives anything.
    assert!(en.contains("no email provider"), "{en}");
    assert!(
        en.contains("None: your data stays in the European Union."),
        "{en}"
    );

    let default = TestApp::spawn_with(Backend::Sqlite, Mail::Smtp, |c| {
        c.email_provider = Some("Mailo SAS, France".into());
        c.transfers =
            Some("Backups copied to a provider in Switzerland (adequacy decision).".into());
    })
    .await;
    let en = page_in(&default, "/privacy", "en").await;
    assert!(en.contains("3 years after closing"), "{en}");
    assert!(
        en.contains("the provider that carries our emails: Mailo SAS, France"),
        "{en}"
    );
    assert!(en.contains("Switzerland (adequacy decision)"), "{en}");
}

/// An open request with no DPO action for `PORTAL_STALE_DAYS` is listed on
/// the dashboard and in the digest until the DPO acts; nothing closes it.
async fn open_requests_without_action_are_listed_until_the_dpo_acts(backend: Backend) {
    let app = TestApp::spawn_with(backend, Mail::Smtp, |c| c.digest_hour = 0).await;
    let silent = Subject::new(&app, "silent@example.org")
        .file("access")
        .await;
    let worked = Subject::new(&app, "worked@example.org")
        .file("erasure")
        .await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    app.clock.advance(DAY * 50);
    dpo.sign_in().await;
    dpo.done(
        &worked,
        "note",
        "received",
        &[("form[note]", "Appelé le client.")],
    )
    .await;
    app.clock.advance(DAY * 41);
    dpo.sign_in().await;

    let dashboard = dpo.page("/dpo/dashboard").await;
    let stale = section(&dashboard, "stale");
    assert!(stale.contains(&silent), "{stale}");
    assert!(!stale.contains(&worked), "acted on 41 days ago: {stale}");

    privacy_portal::daily::run_due(&app.state).await.unwrap();
    let digest = app
        .smtp
        .as_ref()
        .unwrap()
        .wait_for_text("dpo@sofacto.com", "sans action depuis 91 jours")
        .await;
    let line = digest
        .lines()
        .find(|line| line.contains("sans action depuis"))
        .unwrap();
    assert!(line.starts_with(&silent), "{digest}");
    assert!(
        digest.contains("1 demande(s) ouverte(s) sans aucune action"),
        "{digest}"
    );

    // Nothing closed it or emptied it.
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM requests WHERE reference = '{silent}' AND closed_at IS NULL AND first_name <> ''"
        ))
        .await,
        1
    );
    dpo.done(&silent, "note", "received", &[("form[note]", "Relu.")])
        .await;
    let dashboard = dpo.page("/dpo/dashboard").await;
    assert!(
        !section(&dashboard, "stale").contains(&silent),
        "{dashboard}"
    );
}

on_both_databases!(open_requests_without_action_are_listed_until_the_dpo_acts);
