//! Every email about a request, composed in one place: on filing (the
//! acknowledgment and the DPO's notice), on each decision, and on the
//! subject's own changes (a message, a withdrawal). Subject emails are in
//! the request's language and go to its address when it has one. Filing
//! queues these itself; changes carry them in `Change.emails`, which
//! their callers fill from here.

use crate::config::Config;
use crate::domain::outcome::{AccessItem, Outcome, RefusalReason};
use crate::domain::{Controller, Date, Email};
use crate::email::OutgoingEmail;
use crate::email::templates::RequestFacts;
use crate::email::templates::{self, About};
use crate::i18n::console_labels;
use crate::i18n::{Label, console, long_date};
use crate::requests::RequestRow;
use crate::state::AppState;

pub struct Letters<'a> {
    request: &'a RequestRow,
    follow_link: String,
    console_link: String,
    controller: Controller,
}

impl<'a> Letters<'a> {
    pub fn new(state: &AppState, request: &'a RequestRow) -> Self {
        Letters {
            request,
            follow_link: state
                .config
                .link(&format!("/my-requests/{}", request.reference)),
            console_link: state
                .config
                .link(&format!("/dpo/requests/{}", request.reference)),
            controller: state.config.controller(),
        }
    }

    fn about(&self) -> About<'_> {
        About {
            lang: self.request.lang,
            reference: &self.request.reference,
            right: self.request.right,
            follow_link: self.follow_link.clone(),
            controller: &self.controller,
        }
    }

    /// An email to the subject, if the request has an address.
    fn to_subject(
        &self,
        build: impl FnOnce(About, &crate::domain::Email) -> OutgoingEmail,
    ) -> Option<OutgoingEmail> {
        self.request
            .email
            .0
            .as_ref()
            .map(|to| build(self.about(), to))
    }

    /// The subject withdrew: their confirmation (to the verified address
    /// `to`) and the DPO's notice.
    pub fn withdrawn(&self, to: &Email) -> Vec<OutgoingEmail> {
        vec![
            templates::withdrawn(self.about(), to),
            templates::dpo_withdrawn(
                &self.request.reference,
                self.request.right,
                &self.console_link,
                &self.controller,
            ),
        ]
    }

    /// The subject wrote (`answering` a question of the DPO, or not): the
    /// DPO's notice.
    pub fn subject_wrote(&self, answering: bool) -> OutgoingEmail {
        templates::dpo_subject_wrote(
            &self.request.reference,
            answering,
            &self.console_link,
            &self.controller,
        )
    }

    pub fn information_requested(&self, reason: &str) -> Option<OutgoingEmail> {
        self.to_subject(|about, to| templates::information_requested(about, to, reason))
    }

    pub fn reminder(&self) -> Option<OutgoingEmail> {
        self.to_subject(templates::information_reminder)
    }

    pub fn restriction_lifted(&self, from: Date, reason: &str) -> Option<OutgoingEmail> {
        self.to_subject(|about, to| templates::restriction_lifted(about, to, from, reason))
    }

    pub fn clarification_requested(&self, question: &str) -> Option<OutgoingEmail> {
        self.to_subject(|about, to| templates::clarification_requested(about, to, question))
    }

    pub fn message(&self, message: &str) -> Option<OutgoingEmail> {
        self.to_subject(|about, to| templates::dpo_message(about, to, message))
    }

    pub fn extended(&self, months: u32, due: Date, reason: &str) -> Option<OutgoingEmail> {
        self.to_subject(|about, to| templates::extended(about, to, months, due, reason))
    }

    pub fn completed(
        &self,
        summary: &str,
        outcome: &Outcome,
        files: usize,
    ) -> Option<OutgoingEmail> {
        let lang = self.request.lang;
        let mut details = Vec::new();
        let mut partial = false;
        if let Outcome::Completed {
            access,
            notified,
            sent_to,
            kept,
            ..
        } = outcome
        {
            if !kept.is_empty() {
                partial = true;
                let lines: Vec<String> = kept
                    .iter()
                    .map(|part| {
                        let ground = console_labels::kept_ground(part.ground).get(lang);
                        format!("- {} : {ground}", part.what)
                    })
                    .collect();
                details.push(format!(
                    "{}\n{}",
                    console::KEPT_TITLE.get(lang),
                    lines.join("\n")
                ));
            }
            if access.as_ref().is_some_and(|a| a.no_data_held) {
                details.push(console::NO_DATA_HELD.get(lang).to_owned());
            }
            if let Some(access) = access {
                details.push(
                    AccessItem::ALL
                        .iter()
                        .map(|item| {
                            let label = console_labels::access_item(*item).0;
                            format!("{} : {}", label.get(lang), access.item(*item))
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
            if !notified.is_empty() {
                let lines: Vec<String> = notified
                    .iter()
                    .map(|n| format!("- {} ({})", n.name, long_date(lang, n.on)))
                    .collect();
                details.push(format!(
                    "{}\n{}",
                    console::NOTIFIED_TITLE.get(lang),
                    lines.join("\n")
                ));
            }
            if let Some(sent) = sent_to {
                details.push(console::SENT_TO_DONE.with(
                    lang,
                    &[
                        ("organisation", &sent.organisation),
                        ("date", &long_date(lang, sent.on)),
                    ],
                ));
            }
        }
        self.to_subject(|about, to| {
            templates::completed(about, to, summary, details, files, partial)
        })
    }

    pub fn refused(&self, reason: RefusalReason, explanation: &str) -> Option<OutgoingEmail> {
        let reason = reason.label().get(self.request.lang);
        self.to_subject(|about, to| templates::refused(about, to, reason, explanation))
    }
}

/// The emails of a new request: the acknowledgment to the subject's
/// address when there is one, and the DPO's notice for a request filed on
/// the portal (one the DPO recorded needs no notice).
pub fn filed(
    config: &Config,
    lang: crate::domain::Lang,
    facts: &RequestFacts,
    to: Option<&Email>,
    notify_dpo: bool,
) -> Vec<OutgoingEmail> {
    let controller = config.controller();
    let mut emails = Vec::new();
    if let Some(to) = to {
        let follow = config.link(&format!("/my-requests/{}", facts.reference));
        emails.push(templates::acknowledgment(
            lang,
            to,
            facts,
            &follow,
            &controller,
        ));
    }
    if notify_dpo {
        let console = config.link(&format!("/dpo/requests/{}", facts.reference));
        emails.push(templates::dpo_new_request(facts, &console, &controller));
    }
    emails
}
