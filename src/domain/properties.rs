//! Property tests (issue 10 §3): the parsers and the date arithmetic on
//! inputs nobody thought of. A fixed seed and a bounded number of cases
//! keep `make test` repeatable; `PROPTEST_CASES` runs more.

use super::request::{RectificationRow, RequestForm, ValidRequest};
use super::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// 512 cases from a fixed seed; `PROPTEST_CASES=…` (`make fuzz`) runs more.
pub fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(512),
        rng_seed: RngSeed::Fixed(0x050F_AC70),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Text as people and attackers type it: the choices the form knows,
/// everyday text, control characters, bidi overrides, very long runs.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        prop::sample::select(vec![
            "access",
            "rectification",
            "erasure",
            "restriction",
            "portability",
            "objection",
            "email",
            "phone",
            "postal",
            "meeting",
            "all",
            "some",
            "on",
            "fr",
            "en",
            "client",
            "prospect",
            "organisation",
            "myself",
            "csv",
            "json",
            "marketing",
            "agent",
            "heir",
            "representative",
            "subject",
            "2027-03-01",
        ])
        .prop_map(str::to_owned),
        any::<String>(),
        "[ -~]{0,40}",
        "[\u{0}-\u{1f}\u{202a}-\u{202e}\u{2066}-\u{2069}a-z\r\n]{0,20}",
        (any::<char>(), 0usize..6000).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn optional_box() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn row() -> impl Strategy<Value = RectificationRow> {
    (text(), text(), text()).prop_map(|(item, current, corrected)| RectificationRow {
        item,
        current,
        corrected,
    })
}

prop_compose! {
    fn request_form()(
        head in prop::collection::vec(text(), 12),
        boxes in prop::collection::vec(optional_box(), 5),
        tail in prop::collection::vec(text(), 17),
        rows in prop::collection::vec(row(), 0..40),
    ) -> RequestForm {
        RequestForm {
            submission_key: head[0].clone(),
            right: head[1].clone(),
            first_name: head[2].clone(),
            last_name: head[3].clone(),
            relation: head[4].clone(),
            customer_number: head[5].clone(),
            reply_channel: head[6].clone(),
            reply_phone: head[7].clone(),
            reply_postal: head[8].clone(),
            lang: head[9].clone(),
            scope: head[10].clone(),
            cat_navigation: boxes[0].clone(),
            cat_prospect: boxes[1].clone(),
            cat_client: boxes[2].clone(),
            cat_contact: boxes[3].clone(),
            add_row: boxes[4].clone(),
            rows,
            statement: head[11].clone(),
            erasure_ground: tail[0].clone(),
            restriction_ground: tail[1].clone(),
            format: tail[2].clone(),
            destination: tail[3].clone(),
            org_name: tail[4].clone(),
            org_email: tail[5].clone(),
            processing: tail[6].clone(),
            reason: tail[7].clone(),
            details: tail[8].clone(),
            acting: tail[9].clone(),
            rep_first_name: tail[10].clone(),
            rep_last_name: tail[11].clone(),
            mandate_until: tail[12].clone(),
            replies_to: tail[13].clone(),
            subject_email: tail[14].clone(),
        }
    }
}

fn date() -> impl Strategy<Value = Date> {
    (1970i32..2200, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| Date::new(y, m, d))
}

proptest! {
    #![proptest_config(config())]

    /// Any form gives a request or errors, never a panic, the same twice;
    /// what it accepts is within the declared limits and free of hidden
    /// characters.
    #[test]
    fn the_request_form_parser_is_total_and_deterministic(form in request_form()) {
        let first = ValidRequest::parse(&form);
        prop_assert_eq!(&first, &ValidRequest::parse(&form));
        match first {
            Ok(_) => {
                prop_assert!(form.first_name.chars().count() <= 200);
                prop_assert!(clean_text(&form.first_name).is_ok());
                prop_assert!(clean_text(&form.details).is_ok());
                prop_assert!(form.details.chars().count() <= 5000);
            }
            Err(errors) => prop_assert!(!errors.is_empty()),
        }
    }

    /// An address is accepted or refused, never a panic; an accepted one
    /// parses again to itself, and its masked form hides the local part.
    #[test]
    fn addresses_parse_to_themselves(input in text()) {
        if let Ok(email) = Email::parse(&input) {
            let again = Email::parse(email.as_str());
            prop_assert_eq!(again.as_ref(), Ok(&email));
            let masked = email.masked();
            prop_assert!(masked.contains("***@"));
            let local = email.as_str().split('@').next().unwrap();
            if local.chars().count() > 1 {
                prop_assert!(!masked.starts_with(local));
            }
        }
    }

    /// Stored text has no CR, no control character but newline and tab,
    /// no direction override, and cleaning it again changes nothing.
    #[test]
    fn cleaned_text_is_clean_and_stable(input in text()) {
        if let Ok(clean) = clean_text(&input) {
            prop_assert!(!clean.contains('\r'));
            prop_assert!(clean.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
            prop_assert_eq!(clean_text(&clean), Ok(clean.clone()));
        }
    }

    /// Every reference the portal issues reads back, also typed in lower
    /// case or with spaces; anything else reads as nothing, without a panic.
    #[test]
    fn references_read_back(bytes in any::<[u8; 5]>(), noise in text()) {
        let reference = Reference::from_random(bytes);
        prop_assert_eq!(Reference::parse(reference.as_str()), Some(reference.clone()));
        prop_assert_eq!(
            Reference::parse(&format!(" {} ", reference.as_str().to_lowercase())),
            Some(reference.clone())
        );
        if let Some(parsed) = Reference::parse(&noise) {
            prop_assert_eq!(Reference::parse(parsed.as_str()), Some(parsed));
        }
    }

    /// Days and back; months land on a real day, never later in the month
    /// than the day they started from.
    #[test]
    fn date_arithmetic_holds(day in date(), shift in -40_000i64..40_000, months in 0u32..40) {
        prop_assert_eq!(Date::from_days(day.to_days()), day);
        prop_assert_eq!(day.add_days(shift).to_days(), day.to_days() + shift);
        let later = day.add_months(months);
        prop_assert!(Date::new(later.year, later.month, later.day).is_some());
        prop_assert!(later.day <= day.day);
        prop_assert_eq!(Date::parse_iso(&day.iso()), Some(day));
    }

    /// The due date is a French working day, at least the month (and any
    /// extension and pause) after receipt, at most a few days more, and
    /// never earlier for a later receipt.
    #[test]
    fn due_dates_are_working_days_after_the_month(
        received in date(),
        extension in 0u32..=2,
        paused in 0i64..400,
    ) {
        let due = due_date(received, extension, paused);
        prop_assert!(due.is_french_working_day());
        // The extension counts from the end of the first month.
        let floor = received.add_months(1).add_months(extension).add_days(paused);
        prop_assert!(due.to_days() >= floor.to_days());
        prop_assert!(due.to_days() - floor.to_days() <= 5, "{:?} -> {:?}", floor, due);
        let next = received.add_days(1);
        prop_assert!(due_date(next, extension, paused).to_days() >= due.to_days());
    }
}
