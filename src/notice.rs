//! What the portal itself does with personal data, described once: the
//! data each form collects, field by field, the purposes and their legal
//! bases, the recipients, the transfers and every retention period, read
//! from the settings. The privacy notice page (GDPR Art. 13) and the
//! portal's entry in SOFACTO's record of processing (Art. 30, written by
//! `privacy-portal record` to `docs/RECORD-OF-PROCESSING.md`) are both
//! rendered from here, so they cannot disagree with each other or with the
//! settings; a test fails when a form gains a field this list leaves out.

use crate::config::Config;
use crate::i18n::notice::*;
use crate::i18n::{Lang, Text};

/// One thing the notice says is collected, and the form fields that carry
/// it.
pub struct Datum {
    pub fields: &'static [&'static str],
    pub what: Text,
}

/// Where data comes from, and what it brings.
pub struct Source {
    pub title: Text,
    pub data: &'static [Datum],
}

/// `/verify`, `/verify/code` and the link page (`EmailForm`, `CodeForm`,
/// `LinkForm`).
pub const VERIFY_FORM: Source = Source {
    title: FROM_VERIFY,
    data: &[
        Datum {
            fields: &["email"],
            what: D_EMAIL,
        },
        Datum {
            fields: &["right"],
            what: D_START_RIGHT,
        },
        Datum {
            fields: &["code", "token"],
            what: D_CODE,
        },
    ],
};

/// `/request/new` (`RequestForm`, its `RectificationRow`s).
pub const REQUEST_FORM: Source = Source {
    title: FROM_REQUEST,
    data: &[
        Datum {
            fields: &["first_name", "last_name"],
            what: D_NAME,
        },
        Datum {
            fields: &["relation"],
            what: D_RELATION,
        },
        Datum {
            fields: &["customer_number"],
            what: D_CUSTOMER,
        },
        Datum {
            fields: &[
                "acting",
                "rep_first_name",
                "rep_last_name",
                "mandate_until",
                "replies_to",
                "subject_email",
            ],
            what: D_REPRESENTATIVE,
        },
        Datum {
            fields: &["reply_channel", "reply_phone", "reply_postal"],
            what: D_REPLY,
        },
        Datum {
            fields: &["lang"],
            what: D_LANG,
        },
        Datum {
            fields: &["right"],
            what: D_RIGHT,
        },
        Datum {
            fields: &[
                "scope",
                "cat_navigation",
                "cat_prospect",
                "cat_client",
                "cat_contact",
            ],
            what: D_CATEGORIES,
        },
        Datum {
            fields: &["rows", "item", "current", "corrected", "statement"],
            what: D_RECTIFICATION,
        },
        Datum {
            fields: &["erasure_ground", "restriction_ground"],
            what: D_GROUNDS,
        },
        Datum {
            fields: &["format", "destination", "org_name", "org_email"],
            what: D_PORTABILITY,
        },
        Datum {
            fields: &["processing", "reason"],
            what: D_OBJECTION,
        },
        Datum {
            fields: &["details"],
            what: D_DETAILS,
        },
    ],
};

/// The follow page's message form (multipart: `MESSAGE_FIELD`, `FILE_FIELD`).
pub const MESSAGE_FORM: Source = Source {
    title: FROM_MESSAGE,
    data: &[
        Datum {
            fields: &[crate::features::follow::MESSAGE_FIELD],
            what: D_MESSAGE,
        },
        Datum {
            fields: &[crate::features::follow::FILE_FIELD],
            what: D_FILE,
        },
        Datum {
            fields: &[crate::features::follow::PURPOSE_FIELD],
            what: D_PROOF,
        },
    ],
};

/// The directives for after death, on the "my requests" page
/// (`features::follow::directives::FIELDS`).
pub const DIRECTIVES_FORM: Source = Source {
    title: FROM_DIRECTIVES,
    data: &[
        Datum {
            fields: &["first_name", "last_name"],
            what: D_DIRECTIVES_NAME,
        },
        Datum {
            fields: &["choice", "note"],
            what: D_DIRECTIVES,
        },
        Datum {
            fields: &["person_name", "person_email"],
            what: D_DIRECTIVES_PERSON,
        },
    ],
};

/// What no form carries: the portal records it.
pub const RECORDED: Source = Source {
    title: FROM_PORTAL,
    data: &[
        Datum {
            fields: &[],
            what: D_NETWORK,
        },
        Datum {
            fields: &[],
            what: D_TIMELINE,
        },
        Datum {
            fields: &[],
            what: D_DPO,
        },
        Datum {
            fields: &[],
            what: D_COOKIES,
        },
    ],
};

pub const SOURCES: [&Source; 5] = [
    &VERIFY_FORM,
    &REQUEST_FORM,
    &MESSAGE_FORM,
    &DIRECTIVES_FORM,
    &RECORDED,
];

/// Form fields that carry nothing about anyone: a double-submission key
/// and the "add a row" button of the form without JavaScript.
pub const TECHNICAL_FIELDS: &[&str] = &["submission_key", "add_row"];

/// The purposes, each with its legal basis.
pub const PURPOSES: [(Text, Text); 3] = [
    (PURPOSE_HANDLE, BASIS_HANDLE),
    (PURPOSE_PROVE, BASIS_PROVE),
    (PURPOSE_ABUSE, BASIS_ABUSE),
];

/// A period in words: whole years when it is some, else days.
pub fn period(lang: Lang, days: i64) -> String {
    use crate::i18n::site;
    match days {
        365 => site::PERIOD_ONE_YEAR.get(lang).to_owned(),
        1 => site::PERIOD_ONE_DAY.get(lang).to_owned(),
        d if d % 365 == 0 => site::PERIOD_YEARS.with(lang, &[("count", &(d / 365))]),
        d => site::PERIOD_DAYS.with(lang, &[("count", &d)]),
    }
}

/// A cookie's lifetime in hours: "1 heure", "23 hours".
pub fn lifetime(lang: Lang, secs: u64) -> String {
    use crate::i18n::site;
    match secs / 3600 {
        1 => site::ONE_HOUR.get(lang).to_owned(),
        n => site::HOURS.with(lang, &[("count", &n)]),
    }
}

/// The longest a cookie or a session lives, in hours (all under 24).
pub fn longest_cookie_hours() -> u64 {
    cookies()
        .iter()
        .map(|(_, _, secs)| secs.div_ceil(3600))
        .max()
        .unwrap_or(0)
}

/// Each cookie the portal may set: its name, its purpose, its lifetime in
/// seconds.
pub fn cookies() -> [(&'static str, Text, u64); 5] {
    use crate::i18n::site;
    [
        (
            crate::web::lang::LANG_COOKIE,
            site::COOKIE_LANG,
            crate::web::lang::LANG_COOKIE_MAX_AGE_SECS,
        ),
        (
            crate::features::verify::ssr::PENDING_COOKIE,
            site::COOKIE_VERIFICATION,
            crate::features::verify::ssr::PENDING_COOKIE_SECS,
        ),
        (
            crate::web::subject_session::SESSION_COOKIE,
            site::COOKIE_SESSION,
            (crate::web::subject_session::SESSION_TTL_MS / 1000) as u64,
        ),
        (
            crate::features::dpo::signin::console_session::COOKIE,
            site::COOKIE_DPO,
            (crate::features::dpo::signin::console_session::ABSOLUTE_MS / 1000) as u64,
        ),
        (
            crate::features::dpo::signin::login::DEVICE_COOKIE,
            site::COOKIE_DPO_DEVICE,
            crate::features::dpo::signin::login::DEVICE_MAX_AGE_SECS,
        ),
    ]
}

/// Every retention period, as (what, how long), in `lang`, from `config`.
pub fn retention(config: &Config, lang: Lang) -> Vec<(&'static str, String)> {
    let hours = |h: u64| HOURS_AT_MOST.with(lang, &[("hours", &h)]);
    let closed = period(lang, config.retention_days);
    vec![
        (
            K_VERIFICATION.get(lang),
            hours(crate::purge::VERIFICATION_KEPT_MS as u64 / 3_600_000),
        ),
        (K_SESSIONS.get(lang), hours(longest_cookie_hours())),
        (
            K_COUNTERS.get(lang),
            period(lang, crate::purge::COUNTERS_KEPT_MS / 86_400_000),
        ),
        (
            K_CLOSED.get(lang),
            K_CLOSED_PERIOD.with(lang, &[("period", &closed)]),
        ),
        (
            K_OPEN.get(lang),
            K_OPEN_PERIOD.with(lang, &[("days", &config.stale_days)]),
        ),
        (
            K_IDENTITY.get(lang),
            K_IDENTITY_PERIOD.with(lang, &[("period", &closed)]),
        ),
        (K_LOGS.get(lang), period(lang, config.log_retention_days)),
        (
            K_BACKUPS.get(lang),
            period(lang, config.backup_retention_days),
        ),
        (K_AUDIT.get(lang), K_AUDIT_PERIOD.get(lang).to_owned()),
    ]
}

/// Who receives the data, in `lang`.
pub fn recipients(config: &Config, lang: Lang) -> Vec<String> {
    let carrier = match config.email_carrier() {
        Some(carrier) => R_CARRIER.with(lang, &[("carrier", &carrier)]),
        None => R_NO_CARRIER.get(lang).to_owned(),
    };
    vec![
        R_DPO.get(lang).to_owned(),
        R_SYSTEMS.get(lang).to_owned(),
        carrier,
        R_ORGANISATION.get(lang).to_owned(),
        R_NOBODY_ELSE.get(lang).to_owned(),
    ]
}

/// Transfers outside the EU, in `lang`: none unless configured.
pub fn transfers(config: &Config, lang: Lang) -> String {
    config
        .transfers
        .clone()
        .unwrap_or_else(|| NO_TRANSFER.get(lang).to_owned())
}

pub const SECURITY: [Text; 6] = [S_HASHES, S_ACCOUNTS, S_AUDIT, S_LIMITS, S_WEB, S_PURGE];

/// The portal's entry in SOFACTO's record of processing activities
/// (Art. 30(1)), in Markdown, French then English.
pub fn record(config: &Config) -> String {
    let controller = config.controller();
    let mut out = String::new();
    for lang in [Lang::Fr, Lang::En] {
        let colon = if lang == Lang::Fr { " :" } else { ":" };
        out.push_str(&format!(
            "# {}\n\n{}\n\n",
            RECORD_TITLE.get(lang),
            RECORD_NOTE.get(lang)
        ));
        out.push_str(&format!("## {}\n\n", CONTROLLER_TITLE.get(lang)));
        out.push_str(&format!(
            "{}\n\n",
            CONTROLLER_BODY.with(
                lang,
                &[
                    ("name", &controller.name),
                    ("address", &controller.address),
                    ("country", &controller.country),
                    ("registration", &controller.registration),
                    ("email", &controller.dpo_email.as_str()),
                ],
            )
        ));
        out.push_str(&format!("## {}\n\n", PURPOSES_TITLE.get(lang)));
        for (purpose, basis) in PURPOSES {
            out.push_str(&format!(
                "- {}{colon} {}\n",
                purpose.get(lang),
                basis.get(lang)
            ));
        }
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n## {}\n\n",
            RECORD_SUBJECTS.get(lang),
            RECORD_SUBJECTS_BODY.get(lang),
            DATA_TITLE.get(lang)
        ));
        for source in SOURCES {
            out.push_str(&format!("### {}\n\n", source.title.get(lang)));
            for datum in source.data {
                out.push_str(&format!("- {}\n", datum.what.get(lang)));
            }
            out.push('\n');
        }
        out.push_str(&format!("## {}\n\n", RECIPIENTS_TITLE.get(lang)));
        for recipient in recipients(config, lang) {
            out.push_str(&format!("- {recipient}\n"));
        }
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n## {}\n\n",
            TRANSFERS_TITLE.get(lang),
            transfers(config, lang),
            RETENTION_TITLE.get(lang)
        ));
        for (what, how_long) in retention(config, lang) {
            out.push_str(&format!("- {what}{colon} {how_long}\n"));
        }
        out.push_str(&format!(
            "\n### {}\n\n",
            crate::i18n::site::COOKIES_CAPTION.get(lang)
        ));
        for (name, purpose, secs) in cookies() {
            out.push_str(&format!(
                "- `{name}`{colon} {} ({})\n",
                purpose.get(lang),
                lifetime(lang, secs)
            ));
        }
        out.push_str(&format!("\n## {}\n\n", RECORD_SECURITY.get(lang)));
        for measure in SECURITY {
            out.push_str(&format!("- {}\n", measure.get(lang)));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The names of a form's fields, as the server decodes them.
    fn fields_of(form: impl serde::Serialize) -> BTreeSet<String> {
        match serde_json::to_value(form).unwrap() {
            serde_json::Value::Object(map) => map.keys().cloned().collect(),
            other => panic!("not a form: {other}"),
        }
    }

    fn listed(source: &Source) -> BTreeSet<String> {
        source
            .data
            .iter()
            .flat_map(|datum| datum.fields.iter().map(|f| f.to_string()))
            .chain(TECHNICAL_FIELDS.iter().map(|f| f.to_string()))
            .collect()
    }

    /// Every field of every form is in the notice's list, and the list
    /// names no field that does not exist.
    #[test]
    fn the_notice_lists_every_field_of_every_form() {
        use crate::domain::request::{RectificationRow, RequestForm};
        use crate::features::verify::{CodeForm, EmailForm, LinkForm};
        let mut request = fields_of(RequestForm::default());
        request.extend(fields_of(RectificationRow::default()));
        let mut verify = fields_of(EmailForm::default());
        verify.extend(fields_of(CodeForm::default()));
        verify.extend(fields_of(LinkForm::default()));
        let message: BTreeSet<String> = [
            crate::features::follow::MESSAGE_FIELD,
            crate::features::follow::FILE_FIELD,
            crate::features::follow::PURPOSE_FIELD,
        ]
        .iter()
        .map(|f| f.to_string())
        .collect();
        let directives: BTreeSet<String> = crate::features::follow::directives::FIELDS
            .iter()
            .map(|f| f.to_string())
            .collect();
        for (name, form, source) in [
            ("request", &request, &REQUEST_FORM),
            ("verify", &verify, &VERIFY_FORM),
            ("message", &message, &MESSAGE_FORM),
            ("directives", &directives, &DIRECTIVES_FORM),
        ] {
            let listed = listed(source);
            let missing: Vec<_> = form.difference(&listed).collect();
            assert!(
                missing.is_empty(),
                "the {name} form has fields the privacy notice does not list: {missing:?} \
                 (add them to src/notice.rs)"
            );
            let technical: BTreeSet<String> =
                TECHNICAL_FIELDS.iter().map(|f| f.to_string()).collect();
            let unknown: Vec<_> = listed
                .difference(form)
                .filter(|f| !technical.contains(*f))
                .cloned()
                .collect();
            assert!(
                unknown.is_empty(),
                "the {name} list names no field of its form: {unknown:?}"
            );
        }
    }

    #[test]
    fn the_retention_period_is_written_from_the_setting() {
        assert_eq!(period(Lang::Fr, 1095), "3 ans");
        assert_eq!(period(Lang::En, 1095), "3 years");
        assert_eq!(period(Lang::En, 365), "one year");
        assert_eq!(period(Lang::Fr, 400), "400 jours");
    }

    #[test]
    fn the_periods_follow_the_settings() {
        let config = Config {
            retention_days: 365,
            log_retention_days: 14,
            ..Config::from_lookup(|_| None).unwrap()
        };
        let en = retention(&config, Lang::En);
        assert!(
            en.iter()
                .any(|(_, p)| p.starts_with("one year after closing")),
            "{en:?}"
        );
        assert!(
            en.iter()
                .any(|(what, p)| what.contains("logs") && p == "14 days"),
            "{en:?}"
        );
        let fr = retention(&config, Lang::Fr);
        assert!(
            fr.iter()
                .any(|(_, p)| p.starts_with("un an après la clôture")),
            "{fr:?}"
        );
        assert!(
            en.iter()
                .any(|(what, p)| what.contains("unfinished") && p == "24 hours at most")
        );
        assert!(longest_cookie_hours() < 24);
    }

    /// `docs/RECORD-OF-PROCESSING.md` is what `privacy-portal record`
    /// writes with the default settings.
    #[test]
    fn the_record_in_docs_is_the_one_the_settings_give() {
        let expected = record(&Config::from_lookup(|_| None).unwrap());
        let committed = include_str!("../docs/RECORD-OF-PROCESSING.md");
        assert!(
            committed == expected,
            "docs/RECORD-OF-PROCESSING.md is out of date: run \
             `target/release/privacy-portal record > docs/RECORD-OF-PROCESSING.md`"
        );
    }

    #[test]
    fn the_record_and_the_notice_say_the_same_periods() {
        let config = Config {
            retention_days: 730,
            ..Config::from_lookup(|_| None).unwrap()
        };
        let record = record(&config);
        for lang in [Lang::Fr, Lang::En] {
            for (what, how_long) in retention(&config, lang) {
                assert!(record.contains(what) && record.contains(&how_long));
            }
        }
        assert!(record.contains("2 years after closing"));
    }
}
