//! Every email the portal sends, in the request's language, as plain text
//! and HTML of the same content. The HTML comes from the view layer, which
//! escapes what it quotes. Emails to the DPO carry the reference, the
//! right, the due date and a link, never the request's personal content.

use super::{EmailKind, OutgoingEmail};
use crate::domain::{Controller, Date, Email, Lang, Reference, RightKind};
use crate::i18n::email::*;
use crate::i18n::{Label, long_date};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

/// The content of one email: a title, paragraphs (each a list of lines),
/// and an optional button. Kept with the email it makes, so that answers
/// held to go together (`requests::together`) can be joined into one.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Body {
    title: String,
    paragraphs: Vec<Vec<String>>,
    button: Option<(String, String)>,
    /// The paragraphs that are headings (one per answer in a joined email).
    #[serde(default)]
    headings: Vec<usize>,
}

impl Body {
    fn new(lang: Lang, title: crate::i18n::Text) -> Self {
        Body {
            title: title.get(lang).to_owned(),
            paragraphs: Vec::new(),
            button: None,
            headings: Vec::new(),
        }
    }

    /// A paragraph shown as a heading.
    fn heading(mut self, text: impl Into<String>) -> Self {
        self.headings.push(self.paragraphs.len());
        self.paragraph(text)
    }

    fn paragraph(mut self, text: impl Into<String>) -> Self {
        self.paragraphs
            .push(text.into().lines().map(str::to_owned).collect());
        self
    }

    /// A link as a button; none without a link (a letter has none).
    fn button(mut self, label: &str, url: &str) -> Self {
        if !url.is_empty() {
            self.button = Some((label.to_owned(), url.to_owned()));
        }
        self
    }

    fn signature(lang: Lang, controller: &Controller) -> String {
        SIGNATURE.with(
            lang,
            &[
                ("name", &controller.name),
                ("address", &controller.address),
                ("country", &controller.country),
                ("email", &controller.dpo_email.as_str()),
            ],
        )
    }

    fn text(&self, lang: Lang, controller: &Controller) -> String {
        let mut text = format!("{}\n\n", self.title);
        for (i, paragraph) in self.paragraphs.iter().enumerate() {
            let line = paragraph.join("\n");
            if self.headings.contains(&i) {
                text.push_str(&format!("== {line} ==\n\n"));
            } else {
                text.push_str(&line);
                text.push_str("\n\n");
            }
        }
        if let Some((label, url)) = &self.button {
            text.push_str(&format!(
                "{label}{} {url}\n\n",
                if lang == Lang::Fr { " :" } else { ":" }
            ));
        }
        text.push_str("-- \n");
        text.push_str(&Self::signature(lang, controller));
        text.push('\n');
        text.push_str(&NOTICE_LINE.with(lang, &[("link", &controller.notice_url)]));
        text.push('\n');
        text
    }

    fn html(&self, lang: Lang, controller: &Controller) -> String {
        let title = self.title.clone();
        let paragraphs = self.paragraphs.clone();
        let headings = self.headings.clone();
        let button = self.button.clone();
        let signature: Vec<String> = Self::signature(lang, controller)
            .lines()
            .map(str::to_owned)
            .collect();
        let notice_url = controller.notice_url.clone();
        let muted = "font-size:.85rem;color:#4a5563";
        let page = view! {
            <html lang=lang.code()>
                <head>
                    <meta charset="utf-8" />
                    <title>{title.clone()}</title>
                </head>
                <body style="font-family:Arial,sans-serif;color:#1b1f24;line-height:1.5;max-width:36rem;margin:0 auto;padding:1rem">
                    <h1 style="font-size:1.3rem;color:#0b4f8a">{title}</h1>
                    {paragraphs.into_iter().enumerate().map(|(i, lines)| if headings.contains(&i) {
                        view! { <h2 style="font-size:1.1rem;color:#0b4f8a;margin-top:1.5rem">{lines_with_breaks(lines)}</h2> }.into_any()
                    } else {
                        view! { <p>{lines_with_breaks(lines)}</p> }.into_any()
                    }).collect_view()}
                    {button.map(|(label, url)| view! {
                        <p>
                            <a href=url.clone() style="display:inline-block;background:#0b4f8a;color:#fff;padding:.6rem 1rem;border-radius:.4rem;text-decoration:none">{label}</a>
                        </p>
                        <p style=muted>{url}</p>
                    })}
                    <hr style="border:0;border-top:1px solid #d5dbe3" />
                    <p style=muted>{lines_with_breaks(signature)}</p>
                    <p style=muted><a href=notice_url>{NOTICE_LINK.get(lang)}</a></p>
                </body>
            </html>
        };
        format!("<!DOCTYPE html>{}", page.to_html())
    }

    fn email(
        self,
        lang: Lang,
        kind: EmailKind,
        to: &Email,
        subject: String,
        controller: &Controller,
    ) -> OutgoingEmail {
        self.compose(lang, kind, subject, controller).to(to)
    }

    fn compose(
        self,
        lang: Lang,
        kind: EmailKind,
        subject: String,
        controller: &Controller,
    ) -> Composed {
        Composed {
            kind,
            subject,
            text: self.text(lang, controller),
            html: self.html(lang, controller),
            lang,
            body: self,
        }
    }
}

/// A notice to the subject, written but not yet addressed: it goes as an
/// email (`to`) or is printed as a letter (`requests::notices`).
#[derive(Clone, Debug)]
pub struct Composed {
    pub kind: EmailKind,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub lang: Lang,
    pub body: Body,
}

impl Composed {
    pub fn to(self, to: &Email) -> OutgoingEmail {
        OutgoingEmail {
            kind: self.kind,
            to: to.clone(),
            subject: self.subject,
            text: self.text,
            html: self.html,
            lang: self.lang,
            body: self.body,
        }
    }
}

fn lines_with_breaks(lines: Vec<String>) -> impl IntoView {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| view! { {(i > 0).then(|| view! { <br /> })} {line} })
        .collect_view()
}

pub fn verification_code(
    lang: Lang,
    to: &Email,
    code: &str,
    link: &str,
    controller: &Controller,
) -> OutgoingEmail {
    Body::new(lang, CODE_TITLE)
        .paragraph(CODE_LINE.with(lang, &[("code", &code)]))
        .paragraph(CODE_HOW.get(lang))
        .paragraph(CODE_IGNORE.get(lang))
        .button(CODE_BUTTON.get(lang), link)
        // The code is never in the subject: lock screens and mail logs show
        // subjects.
        .email(
            lang,
            EmailKind::VerificationCode,
            to,
            CODE_SUBJECT.get(lang).to_owned(),
            controller,
        )
}

pub struct RequestFacts<'a> {
    pub reference: &'a Reference,
    pub right: RightKind,
    pub received_on: Date,
    pub due_on: Date,
}

pub fn acknowledgment(
    lang: Lang,
    facts: &RequestFacts,
    follow_link: &str,
    controller: &Controller,
) -> Composed {
    let right = facts.right.label().get(lang);
    let facts_lines = [
        LINE_REFERENCE.with(lang, &[("value", facts.reference)]),
        LINE_RIGHT.with(lang, &[("value", &right)]),
        LINE_RECEIVED.with(lang, &[("value", &long_date(lang, facts.received_on))]),
        LINE_DUE.with(lang, &[("value", &long_date(lang, facts.due_on))]),
    ]
    .join("\n");
    let subject = ACK_SUBJECT.with(lang, &[("reference", facts.reference), ("right", &right)]);
    Body::new(lang, ACK_TITLE)
        .paragraph(facts_lines)
        .paragraph(ACK_NEXT.get(lang))
        .paragraph(COMPLAINT.with(lang, &[("url", &controller.complaint_url)]))
        .button(ACK_BUTTON.get(lang), follow_link)
        .compose(lang, EmailKind::Acknowledgment, subject, controller)
}

/// To the DPO mailbox: only what is needed to find the request.
pub fn dpo_new_request(
    facts: &RequestFacts,
    console_link: &str,
    controller: &Controller,
) -> OutgoingEmail {
    let lang = Lang::Fr;
    let right = facts.right.label().get(lang);
    let lines = [
        LINE_REFERENCE.with(lang, &[("value", facts.reference)]),
        LINE_RIGHT.with(lang, &[("value", &right)]),
        LINE_RECEIVED.with(lang, &[("value", &long_date(lang, facts.received_on))]),
        LINE_LEGAL_DUE.with(lang, &[("value", &long_date(lang, facts.due_on))]),
    ]
    .join("\n");
    let subject = DPO_NEW_SUBJECT.with(
        lang,
        &[
            ("reference", facts.reference),
            ("right", &right),
            ("due", &facts.due_on),
        ],
    );
    Body::new(lang, DPO_NEW_TITLE)
        .paragraph(lines)
        .button(OPEN_IN_CONSOLE.get(lang), console_link)
        .email(
            lang,
            EmailKind::DpoNewRequest,
            &controller.dpo_email,
            subject,
            controller,
        )
}

/// One request in the daily digest.
pub struct DigestLine {
    pub reference: Reference,
    pub right: RightKind,
    pub due_on: Date,
    /// Negative when overdue.
    pub days_left: i64,
    pub link: String,
}

/// One open request nobody acted on for `PORTAL_STALE_DAYS`.
pub struct StaleLine {
    pub reference: Reference,
    pub right: RightKind,
    pub days_silent: i64,
    pub link: String,
}

/// A request awaiting the subject's proof of identity, in the digest.
pub struct PausedLine {
    pub reference: Reference,
    pub right: RightKind,
    pub days: i64,
    /// The due date, when it would have passed had the clock run.
    pub past_due_had_it_run: Option<Date>,
    /// Proposed for closing as "identity not established".
    pub may_close: bool,
    pub link: String,
}

/// What the DPO's daily digest says.
pub struct Digest<'a> {
    /// Overdue or due within 7 days.
    pub lines: &'a [DigestLine],
    /// Awaiting a proof of identity for more than 14 days.
    pub paused: &'a [PausedLine],
    /// Open and without a DPO action for `stale_days`.
    pub stale: &'a [StaleLine],
    pub stale_days: i64,
    /// Emails the outbox gave up on.
    pub failed_emails: usize,
    /// The MiB of stored files and the warning threshold, when past it.
    pub files_over: Option<(i64, i64)>,
    pub audit_entries: i64,
    /// The chain's head hash, or the break that stops it being anchored.
    pub audit: Result<&'a str, &'a str>,
    pub queue_link: &'a str,
    pub failed_link: &'a str,
}

/// The DPO's daily digest, sent every day so that the audit chain's head
/// leaves the database daily: the requests overdue or due within 7 days,
/// those paused for an identity proof for more than 14 days, the open ones
/// nobody acted on, the failed emails, and the head; a broken chain is
/// reported, never anchored.
pub fn dpo_digest(digest: &Digest, controller: &Controller) -> OutgoingEmail {
    let lang = Lang::Fr;
    let lines = digest.lines;
    let overdue = lines.iter().filter(|l| l.days_left < 0).count();
    let mut body = Body::new(lang, DIGEST_TITLE).paragraph(DIGEST_INTRO.with(
        lang,
        &[("overdue", &overdue), ("soon", &(lines.len() - overdue))],
    ));
    if let Err(broken) = digest.audit {
        body = body.paragraph(DIGEST_AUDIT_BROKEN.with(lang, &[("where", &broken)]));
    }
    for line in lines {
        let when = if line.days_left < 0 {
            DIGEST_OVERDUE.with(lang, &[("days", &-line.days_left)])
        } else {
            DIGEST_DAYS_LEFT.with(lang, &[("days", &line.days_left)])
        };
        body = body.paragraph(format!(
            "{} — {} — {} ({when})\n{}",
            line.reference,
            line.right.label().get(lang),
            long_date(lang, line.due_on),
            line.link
        ));
    }
    if !digest.paused.is_empty() {
        body = body.paragraph(DIGEST_PAUSED.with(lang, &[("count", &digest.paused.len())]));
        for line in digest.paused {
            let mut facts = vec![DIGEST_PAUSED_SINCE.with(lang, &[("days", &line.days)])];
            if let Some(due) = line.past_due_had_it_run {
                facts.push(DIGEST_PAUSED_PAST_DUE.with(lang, &[("date", &long_date(lang, due))]));
            }
            if line.may_close {
                facts.push(DIGEST_PAUSED_CLOSE.get(lang).to_owned());
            }
            body = body.paragraph(format!(
                "{} — {} ({})\n{}",
                line.reference,
                line.right.label().get(lang),
                facts.join(" ; "),
                line.link
            ));
        }
    }
    if !digest.stale.is_empty() {
        body = body.paragraph(DIGEST_STALE.with(
            lang,
            &[("count", &digest.stale.len()), ("days", &digest.stale_days)],
        ));
        for line in digest.stale {
            body = body.paragraph(format!(
                "{} — {} ({})\n{}",
                line.reference,
                line.right.label().get(lang),
                DIGEST_STALE_SINCE.with(lang, &[("days", &line.days_silent)]),
                line.link
            ));
        }
    }
    if digest.failed_emails > 0 {
        body = body.paragraph(format!(
            "{}\n{}",
            DIGEST_FAILED.with(lang, &[("count", &digest.failed_emails)]),
            digest.failed_link
        ));
    }
    if let Some((mb, limit)) = digest.files_over {
        body = body.paragraph(DIGEST_FILES_OVER.with(lang, &[("mb", &mb), ("limit", &limit)]));
    }
    if let Ok(head) = digest.audit {
        body = body.paragraph(
            DIGEST_AUDIT.with(lang, &[("entries", &digest.audit_entries), ("hash", &head)]),
        );
    }
    body.button(OPEN_IN_CONSOLE.get(lang), digest.queue_link)
        .email(
            lang,
            EmailKind::DpoDigest,
            &controller.dpo_email,
            DIGEST_SUBJECT.with(
                lang,
                &[("overdue", &overdue), ("soon", &(lines.len() - overdue))],
            ),
            controller,
        )
}

pub fn dpo_withdrawn(
    reference: &Reference,
    right: RightKind,
    console_link: &str,
    controller: &Controller,
) -> OutgoingEmail {
    let lang = Lang::Fr;
    let right = right.label().get(lang);
    Body::new(lang, DPO_WITHDRAWN_TITLE)
        .paragraph(DPO_WITHDRAWN_BODY.with(lang, &[("reference", reference), ("right", &right)]))
        .button(OPEN_IN_CONSOLE.get(lang), console_link)
        .email(
            lang,
            EmailKind::DpoWithdrawn,
            &controller.dpo_email,
            DPO_WITHDRAWN_SUBJECT.with(lang, &[("reference", reference)]),
            controller,
        )
}

/// What every email about one request needs.
pub struct About<'a> {
    pub lang: Lang,
    pub reference: &'a Reference,
    pub right: RightKind,
    pub follow_link: String,
    pub controller: &'a Controller,
}

impl About<'_> {
    fn subject(&self, text: crate::i18n::Text) -> String {
        text.with(
            self.lang,
            &[
                ("reference", self.reference),
                ("right", &self.right.label().get(self.lang)),
            ],
        )
    }

    fn send(self, body: Body, kind: EmailKind, subject: crate::i18n::Text) -> Composed {
        let subject = self.subject(subject);
        body.button(FOLLOW_BUTTON.get(self.lang), &self.follow_link)
            .compose(self.lang, kind, subject, self.controller)
    }
}

/// The DPO needs a proof of identity from the subject (a fact SOFACTO can
/// check, or a copy of a document); the clock is paused.
pub fn information_requested(
    about: About,
    reason: &str,
    step: crate::domain::choice::IdentityStep,
) -> Composed {
    use crate::domain::choice::IdentityStep;
    let lang = about.lang;
    let body = Body::new(lang, INFO_TITLE)
        .paragraph(INFO_INTRO.with(lang, &[("reference", about.reference)]))
        .paragraph(reason)
        .paragraph(match step {
            IdentityStep::Fact => INFO_FACT.get(lang),
            IdentityStep::Document => INFO_DOCUMENT.get(lang),
        })
        .paragraph(INFO_HOW.get(lang));
    about.send(body, EmailKind::InformationRequested, INFO_SUBJECT)
}

/// A question about what the request means (recital 63): the deadline
/// runs on.
pub fn clarification_requested(about: About, question: &str) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, CLARIFY_TITLE)
        .paragraph(INFO_INTRO.with(lang, &[("reference", about.reference)]))
        .paragraph(question)
        .paragraph(CLARIFY_HOW.get(lang));
    about.send(body, EmailKind::ClarificationRequested, CLARIFY_SUBJECT)
}

/// Art. 18(3): the subject is told before a restriction is lifted.
pub fn restriction_lifted(about: About, from: Date, reason: &str) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, LIFT_TITLE)
        .paragraph(LIFT_INTRO.with(
            lang,
            &[
                ("reference", about.reference),
                ("date", &long_date(lang, from)),
            ],
        ))
        .paragraph(reason)
        .paragraph(REFUSED_REMEDIES.with(lang, &[("url", &about.controller.complaint_url)]));
    about.send(body, EmailKind::RestrictionLifted, LIFT_SUBJECT)
}

/// A reminder after 14 days without an answer.
pub fn information_reminder(about: About) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, REMINDER_TITLE)
        .paragraph(REMINDER_BODY.with(lang, &[("reference", about.reference)]))
        .paragraph(INFO_HOW.get(lang));
    about.send(body, EmailKind::InformationReminder, REMINDER_SUBJECT)
}

pub fn dpo_message(about: About, message: &str) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, MESSAGE_TITLE)
        .paragraph(MESSAGE_INTRO.with(lang, &[("reference", about.reference)]))
        .paragraph(message);
    about.send(body, EmailKind::DpoMessage, MESSAGE_SUBJECT)
}

pub fn extended(about: About, months: u32, due: Date, reason: &str) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, EXTENDED_TITLE)
        .paragraph(EXTENDED_BODY.with(
            lang,
            &[
                ("reference", about.reference),
                ("months", &months),
                ("due", &long_date(lang, due)),
            ],
        ))
        .paragraph(reason)
        .paragraph(EXTENDED_RIGHT.get(lang))
        .paragraph(COMPLAINT.with(lang, &[("url", &about.controller.complaint_url)]));
    about.send(body, EmailKind::Extended, EXTENDED_SUBJECT)
}

/// The request is done: the summary, what the GDPR says goes with it, and
/// the files to download.
pub fn completed(
    about: About,
    summary: &str,
    details: Vec<String>,
    files: usize,
    partial: bool,
) -> Composed {
    let lang = about.lang;
    let mut body = Body::new(lang, COMPLETED_TITLE)
        .paragraph(COMPLETED_INTRO.with(lang, &[("reference", about.reference)]))
        .paragraph(summary);
    for detail in details {
        body = body.paragraph(detail);
    }
    if files > 0 {
        body = body.paragraph(COMPLETED_FILES.with(lang, &[("count", &files)]));
    }
    // Whenever part was not done, both remedies, as for a refusal (Art.
    // 12(4)); otherwise the CNIL complaint.
    let remedies = if partial { REFUSED_REMEDIES } else { COMPLAINT };
    body = body.paragraph(remedies.with(lang, &[("url", &about.controller.complaint_url)]));
    about.send(body, EmailKind::Completed, COMPLETED_SUBJECT)
}

/// A refusal always states the right to complain to the CNIL and to seek
/// a judicial remedy (GDPR Art. 12(4)).
pub fn refused(about: About, reason: &str, explanation: &str) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, REFUSED_TITLE)
        .paragraph(REFUSED_INTRO.with(lang, &[("reference", about.reference)]))
        .paragraph(REFUSED_REASON.with(lang, &[("reason", &reason)]))
        .paragraph(explanation)
        .paragraph(REFUSED_REMEDIES.with(lang, &[("url", &about.controller.complaint_url)]));
    about.send(body, EmailKind::Refused, REFUSED_SUBJECT)
}

/// The answers to linked requests, held to go together (`requests::together`):
/// one email, each answer in full under a heading with its reference, its
/// link to the request's page written out.
pub fn answers_together(
    lang: Lang,
    to: &Email,
    parts: Vec<(String, Body)>,
    controller: &Controller,
) -> OutgoingEmail {
    let references = parts
        .iter()
        .map(|(reference, _)| reference.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut body = Body::new(lang, TOGETHER_TITLE)
        .paragraph(TOGETHER_INTRO.with(lang, &[("references", &references)]));
    for (reference, part) in parts {
        body = body.heading(format!("{reference} — {}", part.title));
        for lines in part.paragraphs {
            body.paragraphs.push(lines);
        }
        if let Some((label, url)) = part.button {
            let colon = if lang == Lang::Fr { " :" } else { ":" };
            body = body.paragraph(format!("{label}{colon} {url}"));
        }
    }
    let subject = TOGETHER_SUBJECT.with(lang, &[("references", &references)]);
    body.email(lang, EmailKind::Answers, to, subject, controller)
}

/// To a DPO whose console account was just locked, until `until`.
pub fn account_locked(
    to: &Email,
    until: crate::clock::Millis,
    controller: &Controller,
) -> OutgoingEmail {
    let lang = Lang::Fr;
    Body::new(lang, LOCKED_TITLE)
        .paragraph(LOCKED_BODY.with(
            lang,
            &[("until", &crate::i18n::long_date_time(lang, until))],
        ))
        .paragraph(LOCKED_NOT_YOU.get(lang))
        .email(
            lang,
            EmailKind::AccountLocked,
            to,
            LOCKED_SUBJECT.get(lang).to_owned(),
            controller,
        )
}

/// A held answer that leaves alone after all (no other answer to the
/// same address was waiting with it), as it was written.
pub fn held_alone(
    lang: Lang,
    kind: EmailKind,
    to: &Email,
    subject: String,
    body: Body,
    controller: &Controller,
) -> OutgoingEmail {
    body.email(lang, kind, to, subject, controller)
}

/// A link to confirm a new address the DPO recorded: the only message that
/// goes to it before it is confirmed.
pub fn email_confirmation(
    lang: Lang,
    to: &Email,
    reference: &Reference,
    link: &str,
    controller: &Controller,
) -> OutgoingEmail {
    Body::new(lang, CONFIRM_TITLE)
        .paragraph(CONFIRM_BODY.with(lang, &[("reference", reference)]))
        .paragraph(CONFIRM_IGNORE.get(lang))
        .button(CONFIRM_BUTTON.get(lang), link)
        .email(
            lang,
            EmailKind::EmailConfirmation,
            to,
            CONFIRM_SUBJECT.with(lang, &[("reference", reference)]),
            controller,
        )
}

/// To the subject, at the address the person acting for them gave: who
/// filed which request for them, and how to confirm or object (by writing
/// to the DPO). Nothing else of the request is in it.
pub fn representation_check(
    lang: Lang,
    to: &Email,
    reference: &Reference,
    right: RightKind,
    representative: &str,
    controller: &Controller,
) -> OutgoingEmail {
    Body::new(lang, REP_CHECK_TITLE)
        .paragraph(REP_CHECK_BODY.with(
            lang,
            &[
                ("reference", reference),
                ("name", &representative),
                ("right", &right.label().get(lang)),
            ],
        ))
        .paragraph(REP_CHECK_HOW.with(lang, &[("dpo", &controller.dpo_email.as_str())]))
        .email(
            lang,
            EmailKind::RepresentationCheck,
            to,
            REP_CHECK_SUBJECT.with(lang, &[("reference", reference)]),
            controller,
        )
}

/// The subject withdrew: their confirmation.
pub fn withdrawn(about: About) -> Composed {
    let lang = about.lang;
    let body = Body::new(lang, WITHDRAWN_TITLE)
        .paragraph(WITHDRAWN_BODY.with(lang, &[("reference", about.reference)]));
    about.send(body, EmailKind::Withdrawn, WITHDRAWN_SUBJECT)
}

/// To the DPO mailbox: the subject answered or wrote; no content, a link.
pub fn dpo_subject_wrote(
    reference: &Reference,
    answered: bool,
    console_link: &str,
    controller: &Controller,
) -> OutgoingEmail {
    let lang = Lang::Fr;
    let (title, body) = if answered {
        (DPO_ANSWERED_TITLE, DPO_ANSWERED_BODY)
    } else {
        (DPO_WROTE_TITLE, DPO_WROTE_BODY)
    };
    Body::new(lang, title)
        .paragraph(body.with(lang, &[("reference", reference)]))
        .button(OPEN_IN_CONSOLE.get(lang), console_link)
        .email(
            lang,
            if answered {
                EmailKind::DpoSubjectAnswered
            } else {
                EmailKind::DpoSubjectWrote
            },
            &controller.dpo_email,
            title.get(lang).to_owned() + " " + reference.as_str(),
            controller,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn controller() -> Controller {
        Controller::sofacto(
            Email::parse("privacy@sofacto.example").unwrap(),
            "https://p.example/privacy".to_owned(),
        )
    }

    fn facts(reference: &Reference) -> RequestFacts<'_> {
        RequestFacts {
            reference,
            right: RightKind::Erasure,
            received_on: Date::new(2026, 11, 26).unwrap(),
            due_on: Date::new(2026, 12, 28).unwrap(),
        }
    }

    #[test]
    fn the_code_email_carries_the_code_and_the_link_in_both_parts_but_not_in_its_subject() {
        let to = Email::parse("jane@example.org").unwrap();
        for lang in [Lang::Fr, Lang::En] {
            let mail = verification_code(
                lang,
                &to,
                "012345",
                "https://p.example/verify/link/abc",
                &controller(),
            );
            assert!(!mail.subject.contains("012345"), "{}", mail.subject);
            for body in [&mail.text, &mail.html] {
                assert!(
                    body.contains("012345") && body.contains("https://p.example/verify/link/abc"),
                    "{body}"
                );
            }
        }
    }

    #[test]
    fn the_dpo_notification_holds_no_personal_content_and_goes_to_the_configured_mailbox() {
        let reference = Reference::parse("R-7K3M-9QX2").unwrap();
        let mail = dpo_new_request(
            &facts(&reference),
            "https://p.example/dpo/requests/R-7K3M-9QX2",
            &controller(),
        );
        assert_eq!(mail.to.as_str(), "privacy@sofacto.example");
        assert!(mail.subject.contains("R-7K3M-9QX2") && mail.subject.contains("Effacement"));
        assert!(mail.text.contains("28 décembre 2026"));
        assert!(
            mail.text.contains("privacy@sofacto.example"),
            "the signature names the configured DPO address"
        );
        assert_eq!(
            mail.text.matches('@').count(),
            1,
            "only the DPO signature address"
        );
    }

    #[test]
    fn the_html_part_escapes_what_it_quotes() {
        let body = Body::new(Lang::En, ACK_TITLE).paragraph("<b>a & b</b>");
        let html = body.html(Lang::En, &controller());
        assert!(html.contains("&lt;b&gt;a &amp; b&lt;/b&gt;"), "{html}");
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\""),
            "{html}"
        );
    }

    #[test]
    fn the_acknowledgment_is_in_the_request_language() {
        let reference = Reference::parse("R-7K3M-9QX2").unwrap();
        let to = Email::parse("jane@example.org").unwrap();
        let mail = acknowledgment(
            Lang::En,
            &facts(&reference),
            "https://p.example/my-requests/R-7K3M-9QX2",
            &controller(),
        )
        .to(&to);
        assert!(
            mail.subject
                .contains("request received R-7K3M-9QX2 — Erasure"),
            "{}",
            mail.subject
        );
        assert!(
            mail.text.contains("Answer due by: Monday 28 December 2026"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("https://www.cnil.fr/fr/agir"));
    }

    #[test]
    fn every_email_links_to_the_portals_privacy_notice() {
        let to = Email::parse("jane@example.org").unwrap();
        for lang in [Lang::Fr, Lang::En] {
            let mail = verification_code(lang, &to, "012345", "https://p.example/l", &controller());
            assert!(
                mail.text.contains("https://p.example/privacy"),
                "{}",
                mail.text
            );
            assert!(
                mail.html.contains(r#"<a href="https://p.example/privacy""#),
                "{}",
                mail.html
            );
        }
    }
}
