//! Every channel in (SPEC §3): a request recorded from a letter, an email
//! to the DPO, a call or a visit, on the day it arrived (60 days back at
//! most, saying why it is recorded late).

use crate::helpers::{Backend, Dpo, Mail, TestApp, stored};
use crate::on_both_databases;
use privacy_portal::domain::Date;

/// The fields of a request recorded from `channel`, arrived on `arrived`.
fn recorded<'a>(
    key: &'a str,
    channel: &'a str,
    arrived: &'a str,
    late_reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form[submission_key]", key),
        ("form[right]", "objection"),
        ("form[first_name]", "Paul"),
        ("form[last_name]", "Durand"),
        ("form[relation]", "prospect"),
        ("form[reply_channel]", "postal"),
        ("form[reply_postal]", "3 rue Basse, 34000 Montpellier"),
        ("form[lang]", "fr"),
        ("form[processing]", "prospecting"),
        ("intake[channel]", channel),
        ("intake[arrived_on]", arrived),
        ("intake[email]", ""),
        ("intake[late_reason]", late_reason),
    ]
}

async fn a_request_is_recorded_from_any_channel_on_the_day_it_arrived(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let dpo = Dpo::create(&app, "dpo@sofacto.com").await;
    dpo.sign_in().await;
    let today = Date::paris_of(app.clock_now());
    let (ten_back, too_old) = (today.add_days(-10).iso(), today.add_days(-61).iso());

    // 61 days back: refused; 10 days back without a reason: refused, and
    // the page keeps what was typed.
    for (arrived, reason, field) in [
        (
            too_old.as_str(),
            "Retrouvée au fond d'un tiroir.",
            "intake_arrived_on",
        ),
        (ten_back.as_str(), "", "intake_late_reason"),
    ] {
        let refused = dpo
            .post(
                "/dpo/new",
                &recorded("k-refused", "letter", arrived, reason),
            )
            .await;
        assert_eq!(refused.status(), 200);
        let page = refused.text().await.unwrap();
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{page}");
        assert!(page.contains("3 rue Basse, 34000 Montpellier"), "{page}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM requests").await, 0);

    for (key, channel, arrived, reason) in [
        (
            "k-letter",
            "letter",
            ten_back.as_str(),
            "Reçue pendant la fermeture du bureau.",
        ),
        ("k-phone", "phone", today.iso().as_str(), ""),
        ("k-visit", "in_person", today.iso().as_str(), ""),
    ] {
        let response = dpo
            .post("/dpo/new", &recorded(key, channel, arrived, reason))
            .await;
        assert_eq!(response.status(), 303, "{channel}");
        let reference = response.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/dpo/requests/")
            .to_owned();
        assert_eq!(
            stored(&app, &reference, "intake").await.as_deref(),
            Some(channel)
        );
        assert_eq!(
            stored(&app, &reference, "received_on").await.as_deref(),
            Some(arrived)
        );
        let page = dpo.page(&format!("/dpo/requests/{reference}")).await;
        let words = match channel {
            "letter" => "par courrier",
            "phone" => "par téléphone",
            _ => "en personne",
        };
        assert!(page.contains(words), "{page}");
        if !reason.is_empty() {
            assert!(page.contains(reason), "the late reason is on the timeline");
        }
    }
}

on_both_databases!(a_request_is_recorded_from_any_channel_on_the_day_it_arrived);
