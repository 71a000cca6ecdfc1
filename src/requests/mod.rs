//! The requests table and the only ways it is written: `file` creates a
//! request, `change::apply` changes one. Both record the timeline event and
//! queue the emails in the same transaction as the write.

pub mod change;
pub mod columns;
pub mod deadline;
pub mod dossier;
pub mod figures;
mod file;
pub mod notices;
pub mod paused;
pub mod post;
pub mod queue;
pub mod read;
pub mod search;
pub mod stale;
pub mod tally;
pub mod together;

pub use change::{Change, ChangeError, ContactCorrection, apply};
pub use deadline::{Deadline, DeadlineEffect};
pub use file::{Intake, NewRequest, file, file_within};

use crate::clock::Millis;
use crate::db::new_id;
use crate::domain::choice::{Acting, IdentityMethod, IdentityStep};
use crate::domain::{Actor, Date, Email, EventKind, Lang, Reference, RightKind, Status};
use anyhow::Context;

/// A nullable column read into a domain type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Maybe<T>(pub Option<T>);

impl<T: TryFrom<String>> TryFrom<Option<String>> for Maybe<T>
where
    T::Error: std::fmt::Display,
{
    type Error = String;
    fn try_from(value: Option<String>) -> Result<Self, String> {
        value
            .map(|v| T::try_from(v).map_err(|e| e.to_string()))
            .transpose()
            .map(Maybe)
    }
}

/// The subject's address; a request recorded from a letter may have none
/// (stored as '').
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectEmail(pub Option<Email>);

impl TryFrom<String> for SubjectEmail {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        if value.is_empty() {
            Ok(SubjectEmail(None))
        } else {
            Email::parse(&value)
                .map(|email| SubjectEmail(Some(email)))
                .map_err(|e| e.to_string())
        }
    }
}

/// A request as its pages and decisions read it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestRow {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub reference: Reference,
    #[sqlx(try_from = "String")]
    pub email: SubjectEmail,
    #[sqlx(try_from = "String", rename = "right_kind")]
    pub right: RightKind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub received_at: Millis,
    #[sqlx(try_from = "String")]
    pub received_on: Date,
    #[sqlx(try_from = "String")]
    pub first_due_on: Date,
    #[sqlx(try_from = "Option<String>")]
    pub due_on: Maybe<Date>,
    pub extension_months: i64,
    pub extended_at: Option<Millis>,
    pub paused_days: i64,
    #[sqlx(try_from = "Option<String>")]
    pub paused_since: Maybe<Date>,
    #[sqlx(try_from = "Option<String>")]
    pub resume_status: Maybe<Status>,
    pub assignee_id: Option<String>,
    pub intake: String,
    /// How the subject wants the answer: a postal reply turns every notice
    /// into a letter.
    #[sqlx(try_from = "String")]
    pub reply_channel: crate::domain::choice::Channel,
    pub closed_at: Option<Millis>,
    pub reminded_at: Option<Millis>,
    /// The day the answer left (`requests::figures`).
    #[sqlx(try_from = "Option<String>")]
    pub answered_on: Maybe<Date>,
    /// 1 when the DPO marked it as a test (left out of the rates).
    pub is_test: i64,
    /// The step of the last question on identity: a document is asked
    /// only after one (`IdentityStep`).
    #[sqlx(try_from = "Option<String>")]
    pub identity_step: Maybe<IdentityStep>,
    /// How identity was established, and the day (`Action::Start`).
    #[sqlx(try_from = "Option<String>")]
    pub identity_method: Maybe<IdentityMethod>,
    #[sqlx(try_from = "Option<String>")]
    pub identity_on: Maybe<Date>,
    /// Who filed: the subject, or someone acting for them.
    #[sqlx(try_from = "String")]
    pub acting: Acting,
    /// Who acts for the subject, when someone does.
    #[sqlx(try_from = "Option<String>")]
    pub representative: Maybe<crate::domain::request::Representative>,
    /// Bumped by every change; what the compare-and-set checks.
    pub version: i64,
}

pub const REQUEST_COLUMNS: &str = "id, reference, email, right_kind, status, lang, received_at, received_on, \
     first_due_on, due_on, extension_months, extended_at, paused_days, paused_since, resume_status, \
     assignee_id, intake, reply_channel, closed_at, reminded_at, answered_on, is_test, identity_step, identity_method, identity_on, acting, representative, version";

impl RequestRow {
    pub fn deadline(&self) -> Deadline {
        Deadline::of(self)
    }

    /// The due date as the subject and the DPO read it: the stored one, or
    /// while paused the one it would be if the subject answered today.
    pub fn shown_due(&self, today: Date) -> Date {
        self.due_on
            .0
            .unwrap_or_else(|| self.deadline().running_due(self.received_on, today))
    }
}

/// One step of a request's timeline.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: EventKind,
    #[sqlx(try_from = "String")]
    pub actor: Actor,
    pub actor_id: Option<String>,
    pub at: Millis,
    pub note: Option<String>,
    pub detail: Option<String>,
    pub visible_to_subject: i64,
}

/// Where a restriction stands (Art. 18): in force once the restriction
/// request is completed, until the date its lifting takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restriction {
    InForce,
    /// Lifted, or to be lifted, from this date; the subject was told.
    LiftedFrom(Date),
}

impl Restriction {
    /// The restriction of `request`, from its events; `None` when it is
    /// not a completed restriction request.
    pub fn of<'a>(
        request: &RequestRow,
        events: impl IntoIterator<Item = &'a EventRow>,
    ) -> Option<Restriction> {
        if request.right != crate::domain::RightKind::Restriction
            || request.status != Status::Completed
        {
            return None;
        }
        let lifted = events
            .into_iter()
            .filter(|e| e.kind == EventKind::RestrictionLifted)
            .filter_map(|e| e.detail.as_deref())
            .filter_map(|detail| serde_json::from_str::<serde_json::Value>(detail).ok())
            .find_map(|detail| detail["from"].as_str().and_then(Date::parse_iso));
        Some(lifted.map_or(Restriction::InForce, Restriction::LiftedFrom))
    }
}

/// What decides the actions `request` offers (`Action::offered`): one
/// reading for the console's page and for the server's check of a post.
/// Unreadable details (anonymised) leave a refusal possible.
pub fn standing<'a>(
    request: &RequestRow,
    details: Option<&crate::domain::request::RightDetails>,
    events: impl IntoIterator<Item = &'a EventRow>,
    letters_to_post: bool,
    files: &[dossier::FileLine],
    now: Millis,
) -> crate::domain::Standing {
    let replies = || {
        files
            .iter()
            .filter(|f| f.direction == crate::domain::choice::FileDirection::ToSubject)
    };
    crate::domain::Standing {
        letters_to_post,
        unshared_files: replies().any(|f| f.shared_at.is_none()),
        expired_files: replies().any(|f| f.shared_at.is_some_and(|at| now >= download_until(at))),
        status: request.status,
        extended: request.extension_months > 0,
        refusable: details.is_none_or(|d| d.may_be_refused()),
        restriction_in_force: Restriction::of(request, events) == Some(Restriction::InForce),
        tells_recipients: request.right.tells_recipients(),
        subject_reachable: request
            .representative
            .0
            .as_ref()
            .is_some_and(|r| r.subject_email.is_some()),
    }
}

/// How long a shared reply file can be downloaded (and again, once shared
/// again).
pub const DOWNLOAD_DAYS: i64 = 7;

/// The instant the download of a reply file shared at `shared_at` ends.
pub fn download_until(shared_at: Millis) -> Millis {
    shared_at + DOWNLOAD_DAYS * 86_400_000
}

pub const EVENT_COLUMNS: &str = "id, kind, actor, actor_id, at, note, detail, visible_to_subject";

/// A step to add to a request's timeline.
pub struct NewEvent<'a> {
    pub kind: EventKind,
    pub actor: Actor,
    pub actor_id: Option<&'a str>,
    pub note: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub visible_to_subject: bool,
}

/// Adds a step to a request's timeline, on the caller's transaction.
/// Returns the event's id.
pub(crate) async fn record_event(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
    at: Millis,
    event: &NewEvent<'_>,
) -> anyhow::Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO request_events (id, request_id, at, actor, actor_id, kind, note, detail, visible_to_subject) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(request_id)
    .bind(at)
    .bind(event.actor.slug())
    .bind(event.actor_id)
    .bind(event.kind.slug())
    .bind(event.note)
    .bind(event.detail)
    .bind(i64::from(event.visible_to_subject))
    .execute(conn)
    .await
    .context("requests: record an event")?;
    Ok(id)
}

/// What an audit entry of a timeline event records: no text, only kinds,
/// statuses, and the ids of what the change stored or queued.
pub(crate) struct EventAudit<'a> {
    pub reference: &'a Reference,
    pub event_id: &'a str,
    pub kind: EventKind,
    pub actor: Actor,
    pub actor_id: Option<&'a str>,
    pub from: Option<Status>,
    pub to: Status,
    /// The outbox ids of the emails the change queued.
    pub emails: &'a [String],
    /// The id and SHA-256 of each file the change stored.
    pub files: &'a [(String, String)],
}

/// Appends the audit entry of a timeline event, last on the caller's
/// transaction.
pub(crate) async fn audit_event(
    conn: &mut sqlx::AnyConnection,
    at: Millis,
    event: &EventAudit<'_>,
) -> anyhow::Result<()> {
    use crate::audit::{Entry, Who};
    let action = crate::audit::event_action(event.kind);
    let who = match event.actor {
        Actor::Subject => Who::Subject,
        Actor::Dpo => Who::Dpo(event.actor_id.unwrap_or_default()),
        Actor::System => Who::System,
    };
    let files: Vec<serde_json::Value> = event
        .files
        .iter()
        .map(|(id, sha256)| serde_json::json!({ "id": id, "sha256": sha256 }))
        .collect();
    let entry = Entry::named(&action, who)
        .reference(event.reference.as_str())
        .object(event.event_id)
        .facts(serde_json::json!({
            "from": event.from.map(Status::slug),
            "status": event.to.slug(),
            "emails": event.emails,
            "files": files,
        }));
    crate::audit::append(conn, at, &entry).await?;
    Ok(())
}
