//! How a request that did not come through the portal reached SOFACTO
//! (a letter, an email, a phone call, a visit): the channel, the day it
//! arrived, why it is recorded late, and the address given if any. The DPO's
//! console and SOFACTO's systems (the API) record such requests under the
//! same rules.

use crate::domain::choice::IntakeChannel;
use crate::domain::errors::{ErrorCode, FieldErrors};
use crate::domain::{Date, Email};
use serde::{Deserialize, Serialize};

/// As typed: `intake[…]` beside the request's own `form[…]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntakeForm {
    pub channel: String,
    pub arrived_on: String,
    pub email: String,
    /// Why it is recorded after the day it arrived.
    pub late_reason: String,
}

/// How far back a receipt date may go.
pub const MAX_DAYS_BACK: i64 = 60;

/// An intake every rule passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidIntake {
    pub channel: IntakeChannel,
    pub arrived_on: Date,
    pub late_reason: Option<String>,
    pub email: Option<Email>,
}

/// Any channel but the portal: a request filed there is not recorded.
fn channel(slug: &str) -> Option<IntakeChannel> {
    IntakeChannel::parse(slug).filter(|channel| *channel != IntakeChannel::Portal)
}

/// Checks `intake` on `today`, adding its errors (`intake_channel`,
/// `intake_arrived_on`, `intake_late_reason`, `intake_email`) to `errors`.
/// The receipt is between `MAX_DAYS_BACK` days ago and today; before today
/// it says why it is recorded late.
pub fn parse(intake: &IntakeForm, today: Date, errors: &mut FieldErrors) -> Option<ValidIntake> {
    let channel = channel(intake.channel.trim());
    if channel.is_none() {
        errors.add("intake_channel", ErrorCode::Required);
    }
    let arrived = Date::parse_iso(intake.arrived_on.trim())
        .filter(|day| *day <= today && *day >= today.add_days(-MAX_DAYS_BACK));
    if arrived.is_none() {
        errors.add("intake_arrived_on", ErrorCode::InvalidDate);
    }
    let late_reason = match arrived {
        Some(day) if day < today => errors.text(
            "intake_late_reason",
            &intake.late_reason,
            super::MAX_TEXT_CHARS,
            true,
        ),
        _ => None,
    };
    let email = match intake.email.trim() {
        "" => None,
        typed => match Email::parse(typed) {
            Ok(email) => Some(email),
            Err(_) => {
                errors.add("intake_email", ErrorCode::InvalidEmail);
                None
            }
        },
    };
    let (channel, arrived_on) = (channel?, arrived?);
    if errors.get("intake_late_reason").is_some() || errors.get("intake_email").is_some() {
        return None;
    }
    Some(ValidIntake {
        channel,
        arrived_on,
        late_reason,
        email,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intake(channel: &str, arrived_on: &str, late: &str) -> IntakeForm {
        IntakeForm {
            channel: channel.to_owned(),
            arrived_on: arrived_on.to_owned(),
            email: String::new(),
            late_reason: late.to_owned(),
        }
    }

    #[test]
    fn a_late_receipt_says_why_and_the_portal_is_no_channel() {
        let today = Date::parse_iso("2026-12-05").unwrap();
        let mut errors = FieldErrors::default();
        assert!(parse(&intake("phone", "2026-12-05", ""), today, &mut errors).is_some());
        assert!(errors.is_empty());
        assert!(parse(&intake("letter", "2026-12-01", ""), today, &mut errors).is_none());
        assert!(errors.get("intake_late_reason").is_some());
        let mut errors = FieldErrors::default();
        assert!(parse(&intake("portal", "2026-12-05", ""), today, &mut errors).is_none());
        assert!(errors.get("intake_channel").is_some());
        let mut errors = FieldErrors::default();
        assert!(parse(&intake("email", "2026-09-01", "lost"), today, &mut errors).is_none());
        assert!(
            errors.get("intake_arrived_on").is_some(),
            "more than 60 days back"
        );
    }
}
