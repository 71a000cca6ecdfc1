//! Everything the console's request page shows: the request's dossier
//! (`requests::dossier`), the subject's earlier requests and the accounts
//! it can be assigned to, with the email of the DPO behind each event and
//! audit entry.

use crate::domain::Reference;
use crate::domain::outcome::Outcome;
use crate::domain::request::RightDetails;
use crate::requests::read::EarlierLine;
use crate::requests::{EventRow, RequestRow};
use anyhow::Context;

pub use crate::requests::dossier::{EmailLine, FileLine, Submitted};

pub struct RequestData {
    pub row: RequestRow,
    pub submitted: Submitted,
    pub details: Option<RightDetails>,
    pub outcome: Option<Outcome>,
    /// Every event, with the email of the DPO who acted.
    pub events: Vec<(EventRow, Option<String>)>,
    pub emails: Vec<EmailLine>,
    pub files: Vec<FileLine>,
    pub letters: Vec<crate::requests::post::Letter>,
    /// When the page was read: whether a shared file's download expired.
    pub now: crate::clock::Millis,
    pub earlier: Vec<EarlierLine>,
    /// The DPO accounts a request can be assigned to.
    pub accounts: Vec<(String, String)>,
    /// The request's entries in the audit log, with the email of the DPO
    /// who acted.
    pub audit: Vec<(crate::audit::AuditRow, Option<String>)>,
    /// For an heir's request, the directives the deceased left (found by
    /// address when `true`, else by name).
    pub directives: Option<Vec<(crate::directives::Directives, bool)>>,
    /// The reply templates that fit the request (its right, its language).
    pub templates: Vec<crate::replies::Template>,
    /// The requests linked with this one.
    pub linked: Vec<EarlierLine>,
    /// The answer is held to go with the linked requests' answers.
    pub answer_held: bool,
    /// The tasks of SOFACTO's systems.
    pub tasks: Vec<crate::systems::tasks::RequestTask>,
}

pub async fn load(
    pool: &crate::db::Pool,
    reference: &Reference,
    now: crate::clock::Millis,
) -> anyhow::Result<Option<RequestData>> {
    let mut conn = pool.acquire().await.context("request page: connect")?;
    let Some(dossier) = crate::requests::dossier::read(&mut conn, reference).await? else {
        return Ok(None);
    };
    drop(conn);
    let accounts = crate::accounts::enabled_emails(pool).await?;
    let all_accounts = crate::accounts::all_emails(pool).await?;
    // The email of the DPO account that acted, if one did.
    let who = |actor_id: &Option<String>| {
        actor_id.as_ref().and_then(|id| {
            all_accounts
                .iter()
                .find(|(a, _)| a == id)
                .map(|(_, email)| email.clone())
        })
    };
    let earlier = match &dossier.row.email.0 {
        Some(email) => crate::requests::read::earlier(pool, email, &dossier.row.id).await?,
        None => Vec::new(),
    };
    let directives = match (dossier.row.acting, &dossier.row.representative.0) {
        (crate::domain::choice::Acting::Heir, Some(rep)) => Some(
            crate::directives::find_for(
                pool,
                rep.subject_email.as_ref(),
                &dossier.submitted.first_name,
                &dossier.submitted.last_name,
            )
            .await?,
        ),
        _ => None,
    };
    let linked = crate::requests::read::linked(pool, &dossier.row.id).await?;
    let answer_held = !linked.is_empty()
        && dossier.row.closed_at.is_some()
        && crate::requests::read::answer_held(pool, &dossier.row.id).await?;
    let templates = crate::replies::current(pool)
        .await?
        .into_iter()
        .filter(|t| t.fits(dossier.row.right, dossier.row.lang))
        .collect();
    let events = dossier
        .events
        .into_iter()
        .map(|event| {
            let by = who(&event.actor_id);
            (event, by)
        })
        .collect();
    let audit = dossier
        .audit
        .into_iter()
        .map(|entry| {
            let by = who(&entry.actor_id);
            (entry, by)
        })
        .collect();
    Ok(Some(RequestData {
        row: dossier.row,
        submitted: dossier.submitted,
        details: dossier.details,
        outcome: dossier.outcome,
        events,
        emails: dossier.emails,
        files: dossier.files,
        letters: dossier.letters,
        now,
        earlier,
        accounts,
        audit,
        directives,
        templates,
        linked,
        answer_held,
        tasks: dossier.tasks,
    }))
}
