//! Every email the portal sends, in French and English, as plain text and
//! HTML. Emails to the DPO carry the reference, the right, the due date and
//! a link, never the request's personal content.

use super::OutgoingEmail;
use crate::domain::{Date, Email, Reference, RightKind};
use crate::i18n::{Lang, long_date, tr};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Paragraphs and an optional button, as text and as HTML.
fn render(
    lang: Lang,
    title: &str,
    paragraphs: &[String],
    button: Option<(&str, &str)>,
) -> (String, String) {
    let signature = tr(
        lang,
        "SOFACTO SAS, délégué à la protection des données\n256 rue de Thor, 34000 Montpellier — dpo@sofacto.com",
        "SOFACTO SAS, data protection officer\n256 rue de Thor, 34000 Montpellier, France — dpo@sofacto.com",
    );
    let mut text = format!("{title}\n\n");
    for paragraph in paragraphs {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = button {
        text.push_str(&format!("{label}{} {url}\n\n", lang.pick(" :", ":")));
    }
    text.push_str("-- \n");
    text.push_str(signature);
    text.push('\n');

    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:Arial,sans-serif;color:#1b1f24;line-height:1.5;max-width:36rem;margin:0 auto;padding:1rem\">\
         <h1 style=\"font-size:1.3rem;color:#0b4f8a\">{}</h1>",
        lang.code(),
        escape(title),
        escape(title)
    );
    for paragraph in paragraphs {
        html.push_str(&format!(
            "<p>{}</p>",
            escape(paragraph).replace('\n', "<br>")
        ));
    }
    if let Some((label, url)) = button {
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;background:#0b4f8a;color:#fff;padding:.6rem 1rem;border-radius:.4rem;text-decoration:none\">{}</a></p>\
             <p style=\"font-size:.85rem;color:#4a5563\">{}</p>",
            escape(url),
            escape(label),
            escape(url)
        ));
    }
    html.push_str(&format!(
        "<hr style=\"border:0;border-top:1px solid #d5dbe3\"><p style=\"font-size:.85rem;color:#4a5563\">{}</p></body></html>",
        escape(signature).replace('\n', "<br>")
    ));
    (text, html)
}

fn email(
    kind: &'static str,
    to: &Email,
    subject: String,
    (text, html): (String, String),
) -> OutgoingEmail {
    OutgoingEmail {
        kind,
        to: to.clone(),
        subject,
        text,
        html,
    }
}

pub fn right_name(lang: Lang, right: RightKind) -> &'static str {
    lang.texts().right(right).name
}

pub fn verification_code(lang: Lang, to: &Email, code: &str, link: &str) -> OutgoingEmail {
    let title = tr(lang, "Votre code de vérification", "Your verification code");
    let paragraphs = [
        format!("{} {code}", tr(lang, "Code :", "Code:")),
        tr(
            lang,
            "Saisissez ce code sur la page ouverte dans votre navigateur, ou utilisez le bouton ci-dessous. Il est valable 10 minutes et ne sert qu'une fois.",
            "Type this code on the page open in your browser, or use the button below. It is valid for 10 minutes and works once.",
        )
        .to_owned(),
        tr(
            lang,
            "Si vous n'avez rien demandé, ignorez ce message : sans ce code, personne ne peut agir en votre nom.",
            "If you did not ask for anything, ignore this message: without this code nobody can act in your name.",
        )
        .to_owned(),
    ];
    let button = (
        tr(lang, "Confirmer mon adresse", "Confirm my address"),
        link,
    );
    let subject = format!(
        "{} {code}",
        tr(
            lang,
            "SOFACTO — votre code de vérification :",
            "SOFACTO — your verification code:"
        )
    );
    email(
        "verification_code",
        to,
        subject,
        render(lang, title, &paragraphs, Some(button)),
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
    to: &Email,
    facts: &RequestFacts,
    follow_link: &str,
) -> OutgoingEmail {
    let right = right_name(lang, facts.right);
    let title = tr(
        lang,
        "Nous avons bien reçu votre demande",
        "We have received your request",
    );
    let paragraphs = [
        format!(
            "{} {}\n{} {right}\n{} {}\n{} {}",
            tr(lang, "Référence :", "Reference:"),
            facts.reference,
            tr(lang, "Droit exercé :", "Right:"),
            tr(lang, "Reçue le :", "Received on:"),
            long_date(lang, facts.received_on),
            tr(lang, "Réponse au plus tard le :", "Answer due by:"),
            long_date(lang, facts.due_on),
        ),
        tr(
            lang,
            "Notre délégué à la protection des données vérifie d'abord votre identité, puis traite la demande. S'il lui manque une information, il vous écrit ; le délai est alors suspendu jusqu'à votre réponse. Pour une demande complexe, il peut prolonger le délai de deux mois en vous expliquant pourquoi.",
            "Our data protection officer first checks your identity, then handles the request. If anything is missing, they will write to you; the deadline is then paused until you answer. For a complex request they may extend the deadline by two months and will tell you why.",
        )
        .to_owned(),
        tr(
            lang,
            "Vous pouvez à tout moment adresser une réclamation à la CNIL : https://www.cnil.fr/fr/agir",
            "You may lodge a complaint with the CNIL at any time: https://www.cnil.fr/fr/agir",
        )
        .to_owned(),
    ];
    let button = (
        tr(lang, "Suivre ma demande", "Follow my request"),
        follow_link,
    );
    let subject = format!(
        "{} {} — {right}",
        tr(
            lang,
            "SOFACTO — demande reçue",
            "SOFACTO — request received"
        ),
        facts.reference
    );
    email(
        "acknowledgment",
        to,
        subject,
        render(lang, title, &paragraphs, Some(button)),
    )
}

/// To the DPO mailbox, in French: no personal content, only what is needed
/// to find the request in the console.
pub fn dpo_new_request(to: &Email, facts: &RequestFacts, console_link: &str) -> OutgoingEmail {
    let lang = Lang::Fr;
    let right = right_name(lang, facts.right);
    let paragraphs = [format!(
        "Référence : {}\nDroit : {right}\nReçue le : {}\nÉchéance légale : {}",
        facts.reference,
        long_date(lang, facts.received_on),
        long_date(lang, facts.due_on)
    )];
    let subject = format!(
        "[Portail RGPD] Nouvelle demande {} — {right} — échéance {}",
        facts.reference, facts.due_on
    );
    email(
        "dpo_new_request",
        to,
        subject,
        render(
            lang,
            "Nouvelle demande à traiter",
            &paragraphs,
            Some(("Ouvrir dans la console", console_link)),
        ),
    )
}

pub fn dpo_withdrawn(
    to: &Email,
    reference: &Reference,
    right: RightKind,
    console_link: &str,
) -> OutgoingEmail {
    let lang = Lang::Fr;
    let right = right_name(lang, right);
    let paragraphs = [format!(
        "La personne concernée a retiré sa demande {reference} ({right}). Aucune autre action n'est attendue."
    )];
    email(
        "dpo_withdrawn",
        to,
        format!("[Portail RGPD] Demande {reference} retirée"),
        render(
            lang,
            "Demande retirée",
            &paragraphs,
            Some(("Ouvrir dans la console", console_link)),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(reference: &Reference) -> RequestFacts<'_> {
        RequestFacts {
            reference,
            right: RightKind::Erasure,
            received_on: Date::new(2026, 11, 26).unwrap(),
            due_on: Date::new(2026, 12, 28).unwrap(),
        }
    }

    #[test]
    fn the_code_email_carries_the_code_and_the_link_in_both_parts() {
        let to = Email::parse("jane@example.org").unwrap();
        for lang in [Lang::Fr, Lang::En] {
            let mail = verification_code(lang, &to, "012345", "https://p.example/verify/link/abc");
            assert!(mail.subject.ends_with("012345"));
            for body in [&mail.text, &mail.html] {
                assert!(
                    body.contains("012345") && body.contains("https://p.example/verify/link/abc")
                );
            }
        }
    }

    #[test]
    fn the_dpo_notification_holds_no_personal_content() {
        let reference = Reference::parse("R-7K3M-9QX2").unwrap();
        let dpo = Email::parse("dpo@sofacto.com").unwrap();
        let mail = dpo_new_request(
            &dpo,
            &facts(&reference),
            "https://p.example/dpo/requests/R-7K3M-9QX2",
        );
        assert!(mail.subject.contains("R-7K3M-9QX2") && mail.subject.contains("Effacement"));
        assert!(mail.text.contains("28 décembre 2026"));
        assert!(
            !mail.text.contains('@') || mail.text.matches('@').count() == 1,
            "only the DPO signature address"
        );
    }

    #[test]
    fn html_parts_escape_what_they_quote() {
        let (_, html) = render(Lang::En, "<b>", &["a & b".to_owned()], None);
        assert!(html.contains("&lt;b&gt;") && html.contains("a &amp; b"));
    }
}
