//! Every notice about a request, composed in one place: on filing (the
//! acknowledgment and the DPO's notice), on each decision, and on the
//! subject's own changes (a message, a withdrawal). A notice to the
//! subject is in the request's language; it goes by email to the
//! request's address, or becomes a letter to print and post
//! (`requests::post`) when there is no address or the subject asked for a
//! postal reply. Filing stores these itself; changes carry them
//! (`Change::tell`), which their callers fill from here.

use crate::config::Config;
use crate::domain::choice::{Channel, IntakeChannel};
use crate::domain::outcome::{AccessItem, Outcome, RefusalReason};
use crate::domain::{Controller, Date, Email};
use crate::email::OutgoingEmail;
use crate::email::templates::Composed;
use crate::email::templates::RequestFacts;
use crate::email::templates::{self, About};
use crate::i18n::console_labels;
use crate::i18n::{Label, console, long_date};
use crate::requests::RequestRow;
use crate::state::AppState;

pub struct Notices<'a> {
    request: &'a RequestRow,
    follow_link: String,
    console_link: String,
    controller: Controller,
}

impl<'a> Notices<'a> {
    pub fn new(state: &AppState, request: &'a RequestRow) -> Self {
        Notices {
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

    /// A notice to the subject: an email to the request's address, or a
    /// letter when it has none or the subject wants a postal reply.
    /// A letter carries no link to the follow page: following it there
    /// needs an email address the subject did not give or use.
    fn to_subject(&self, build: impl FnOnce(About) -> Composed) -> Notice {
        match &self.request.email.0 {
            Some(to) if self.request.reply_channel != Channel::Postal => {
                Notice::Email(build(self.about()).to(to))
            }
            _ => Notice::Letter(build(About {
                follow_link: String::new(),
                ..self.about()
            })),
        }
    }

    /// The subject withdrew: their confirmation (to the verified address
    /// `to`) and the DPO's notice.
    pub fn withdrawn(&self, to: &Email) -> Vec<OutgoingEmail> {
        vec![
            templates::withdrawn(self.about()).to(to),
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

    pub fn information_requested(
        &self,
        reason: &str,
        step: crate::domain::choice::IdentityStep,
    ) -> Notice {
        self.to_subject(|about| templates::information_requested(about, reason, step))
    }

    pub fn reminder(&self) -> Notice {
        self.to_subject(templates::information_reminder)
    }

    pub fn restriction_lifted(&self, from: Date, reason: &str) -> Notice {
        self.to_subject(|about| templates::restriction_lifted(about, from, reason))
    }

    pub fn clarification_requested(&self, question: &str) -> Notice {
        self.to_subject(|about| templates::clarification_requested(about, question))
    }

    pub fn message(&self, message: &str) -> Notice {
        self.to_subject(|about| templates::dpo_message(about, message))
    }

    pub fn extended(&self, months: u32, due: Date, reason: &str) -> Notice {
        self.to_subject(|about| templates::extended(about, months, due, reason))
    }

    pub fn completed(&self, summary: &str, outcome: &Outcome, files: usize) -> Notice {
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
        self.to_subject(|about| templates::completed(about, summary, details, files, partial))
    }

    pub fn refused(&self, reason: RefusalReason, explanation: &str) -> Notice {
        let reason = reason.label().get(self.request.lang);
        self.to_subject(|about| templates::refused(about, reason, explanation))
    }
}

/// A notice to the subject, as it goes.
pub enum Notice {
    Email(OutgoingEmail),
    /// To print and post (`requests::post`).
    Letter(Composed),
}

/// The notices of a new request: the acknowledgment, by email to the
/// subject's address unless they want a postal reply or gave none (then a
/// letter); a request made in person also gets its acknowledgment as a
/// letter, the dated receipt handed over. And the DPO's notice for a
/// request filed on the portal (one the DPO recorded needs no notice).
pub fn filed(
    config: &Config,
    lang: crate::domain::Lang,
    facts: &RequestFacts,
    to: Option<&Email>,
    reply: Channel,
    intake: IntakeChannel,
) -> (Vec<OutgoingEmail>, Vec<Composed>) {
    let controller = config.controller();
    let (mut emails, mut letters) = (Vec::new(), Vec::new());
    let follow = config.link(&format!("/my-requests/{}", facts.reference));
    let acknowledgment = |link: &str| templates::acknowledgment(lang, facts, link, &controller);
    match to {
        Some(to) if reply != Channel::Postal => {
            if intake == IntakeChannel::InPerson {
                letters.push(acknowledgment(&follow));
            }
            emails.push(acknowledgment(&follow).to(to));
        }
        // No address to follow it with: no link on paper.
        _ => letters.push(acknowledgment("")),
    }
    if intake == IntakeChannel::Portal {
        let console = config.link(&format!("/dpo/requests/{}", facts.reference));
        emails.push(templates::dpo_new_request(facts, &console, &controller));
    }
    (emails, letters)
}
