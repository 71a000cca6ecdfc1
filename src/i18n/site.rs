//! The layout, the home page and the texts every page may use.

use super::{Text, texts};

texts! {
    SITE_NAME: "Vos données chez SOFACTO" | "Your data at SOFACTO";
    CONTROLLER_LINE: "Portail des demandes relatives aux données personnelles" | "Personal data request portal";
    SKIP_TO_CONTENT: "Aller au contenu" | "Skip to content";
    /// The other language's name, written in that language.
    SWITCH_TO: "English" | "Français";
    SWITCH_TO_LABEL: "Read this site in English" | "Lire ce site en français";
    FOOTER: "Responsable du traitement : {name}, {address}, {country} — {registration}." | "Controller: {name}, {address}, {country} — {registration}.";

    HOME_TITLE: "Exercer vos droits sur vos données personnelles" | "Exercise your rights over your personal data";
    HOME_INTRO: "SOFACTO traite des données sur les visiteurs de son site, ses prospects, ses clients et leurs équipes. Ce portail vous permet de nous demander, en quelques minutes, ce que le RGPD vous autorise à demander, et de suivre la réponse jusqu'au bout." | "SOFACTO processes data about visitors to its website, its prospects, its clients and their staff. This portal lets you ask us, in a few minutes, for anything the GDPR entitles you to, and follow the answer to the end.";
    OTHERS_TITLE: "Faire une demande pour quelqu'un d'autre" | "Filing for someone else";
    OTHERS_INTRO: "Vous pouvez exercer ces droits au nom d'une autre personne :" | "You may exercise these rights on someone else's behalf:";
    OTHERS_AGENT: "avec un mandat écrit de sa part, qui dit qui vous êtes, pour quels droits et jusqu'à quand ;" | "with a written mandate from them, saying who you are, for which rights and until when;";
    OTHERS_GUARDIAN: "pour votre enfant mineur, ou une personne dont vous êtes le tuteur ;" | "for your minor child, or a person under your guardianship;";
    OTHERS_HEIR: "pour une personne décédée, comme héritier ou comme la personne qu'elle a désignée (loi Informatique et Libertés, art. 85)." | "for a deceased person, as their heir or the person they designated (French Data Protection Act, art. 85).";
    OTHERS_HOW: "Choisissez le droit, vérifiez votre propre adresse e-mail, puis dites en haut du formulaire pour qui vous agissez. Votre page de suivi vous demandera ensuite le justificatif." | "Choose the right, verify your own email address, then say at the top of the form whom you act for. Your follow page then asks for the proof.";
    OTHERS_START: "Choisir le droit" | "Choose the right";
    HOME_STEPS_TITLE: "Comment ça se passe" | "How it works";
    HOME_STEP_1: "Vous choisissez un droit et confirmez votre adresse e-mail avec un code à 6 chiffres." | "Choose a right and confirm your email address with a 6-digit code.";
    HOME_STEP_2: "Vous décrivez votre demande ; vous recevez aussitôt un accusé de réception avec sa référence et sa date limite de réponse." | "Describe your request; you immediately get an acknowledgment with its reference and the date by which we must answer.";
    HOME_STEP_3: "Notre délégué à la protection des données vous répond dans un délai d'un mois, prolongeable de deux mois pour les demandes complexes, et vous prévient à chaque étape." | "Our data protection officer answers within one month, which can be extended by two months for complex requests, and keeps you informed at every step.";
    RIGHTS_TITLE: "Vos six droits" | "Your six rights";
    ARTICLE_OF_GDPR: "Article {article} du RGPD" | "GDPR Article {article}";
    PORTAL_DATA_TITLE: "Ce que ce portail fait de vos données" | "What this portal does with your data";
    PORTAL_DATA_1: "Nous ne collectons que ce qu'il faut pour traiter votre demande et prouver que nous l'avons traitée : votre adresse e-mail, votre nom, votre lien avec SOFACTO, vos coordonnées de réponse, le contenu de la demande, vos messages et fichiers." | "We collect only what is needed to handle your request and prove that we did: your email address, your name, your relation to SOFACTO, how to reply to you, what you ask, your messages and files.";
    PORTAL_DATA_MORE: "Tout le détail : données collectées, bases légales, destinataires et durées de conservation" | "Every detail: data collected, legal bases, recipients and retention periods";
    FOOTER_NOTICE: "Vos données dans ce portail" | "Your data in this portal";
    PORTAL_DATA_2: "Les vérifications d'adresse non abouties sont effacées après 24 heures ; les demandes closes sont anonymisées après {period}." | "Unfinished address checks are deleted after 24 hours; closed requests are anonymised after {period}.";
    COOKIES_CAPTION: "Les cookies du portail, tous strictement nécessaires" | "The portal's cookies, all strictly necessary";
    COOKIE_NAME: "Cookie" | "Cookie";
    COOKIE_PURPOSE: "À quoi il sert" | "What it is for";
    COOKIE_LIFETIME: "Durée" | "Lifetime";
    COOKIE_LANG: "retenir la langue que vous avez choisie" | "remember the language you chose";
    COOKIE_VERIFICATION: "savoir pour quelle adresse ce navigateur saisit un code" | "know which address this browser is typing a code for";
    COOKIE_SESSION: "vous garder connecté après la vérification de votre adresse" | "keep you signed in once your address is verified";
    COOKIE_DPO: "la session du délégué à la protection des données dans sa console" | "the data protection officer's session in the console";
    COOKIE_DPO_DEVICE: "le navigateur où le délégué s'est connecté : les essais d'autres personnes ne le ralentissent pas" | "the browser the officer signed in from: other people's tries do not slow it down";
    HOURS: "{count} heures" | "{count} hours";
    ONE_HOUR: "1 heure" | "1 hour";
    PERIOD_ONE_YEAR: "un an" | "one year";
    PERIOD_YEARS: "{count} ans" | "{count} years";
    PERIOD_ONE_DAY: "un jour" | "one day";
    PERIOD_DAYS: "{count} jours" | "{count} days";
    PORTAL_DATA_3: "Seuls des cookies strictement nécessaires sont déposés (session, sécurité des formulaires, langue) ; aucun traceur, aucune ressource tierce." | "Only strictly necessary cookies are set (session, form security, language); no trackers, nothing loaded from third parties.";
    PORTAL_DATA_4: "Vos données ne servent qu'à répondre à votre demande et à prouver que nous y avons répondu." | "Your data is used only to answer your request and to prove that we did.";
    COMPLAINT_TITLE: "Si vous n'êtes pas satisfait" | "If you are not satisfied";
    COMPLAINT_BODY: "Vous pouvez à tout moment adresser une réclamation à la Commission nationale de l'informatique et des libertés (CNIL), autorité de contrôle française, sans avoir à passer d'abord par ce portail." | "You may lodge a complaint with the CNIL, the French data protection authority, at any time, without having to use this portal first.";
    COMPLAINT_LINK: "Adresser une réclamation à la CNIL" | "Lodge a complaint with the CNIL";
    OTHER_CHANNELS: "Vous préférez écrire ? {name}, délégué à la protection des données, {address}, {country}, ou {email}." | "Prefer to write? {name}, data protection officer, {address}, {country}, or {email}.";

    NOT_FOUND_TITLE: "Page introuvable" | "Page not found";
    NOT_FOUND_BODY: "Cette adresse ne correspond à aucune page du portail." | "This address does not match any page of the portal.";
    BACK_HOME: "Retour à l'accueil" | "Back to the home page";

    /// Something failed on the server; nothing was typed.
    TROUBLE: "Un problème est survenu de notre côté. Réessayez dans un instant." | "Something went wrong on our side. Try again in a moment.";
    /// Something failed on the server while a form was sent.
    TROUBLE_KEPT: "Un problème est survenu de notre côté. Ce que vous avez saisi est conservé : réessayez dans un instant." | "Something went wrong on our side. What you typed is kept: try again in a moment.";
    /// A form came back with refused fields.
    ERRORS_SUMMARY: "Certains champs sont à compléter ou à corriger :" | "Some fields need your attention:";
    FIELD_ERROR: "{label} : {message}" | "{label}: {message}";
    OPTIONAL: "(facultatif)" | "(optional)";
    CHOOSE: "— Choisir —" | "— Choose —";
    /// A button while its form is being sent.
    SENDING: "Envoi…" | "Sending…";

    MONTH_1: "janvier" | "January";
    MONTH_2: "février" | "February";
    MONTH_3: "mars" | "March";
    MONTH_4: "avril" | "April";
    MONTH_5: "mai" | "May";
    MONTH_6: "juin" | "June";
    MONTH_7: "juillet" | "July";
    MONTH_8: "août" | "August";
    MONTH_9: "septembre" | "September";
    MONTH_10: "octobre" | "October";
    MONTH_11: "novembre" | "November";
    MONTH_12: "décembre" | "December";
    DAY_1: "lundi" | "Monday";
    DAY_2: "mardi" | "Tuesday";
    DAY_3: "mercredi" | "Wednesday";
    DAY_4: "jeudi" | "Thursday";
    DAY_5: "vendredi" | "Friday";
    DAY_6: "samedi" | "Saturday";
    DAY_7: "dimanche" | "Sunday";
    AT_TIME: "{date} à {time} (heure de Paris)" | "{date} at {time} (Paris time)";
}

/// Monday first, as `Date::weekday` counts.
pub const DAYS: [Text; 7] = [DAY_1, DAY_2, DAY_3, DAY_4, DAY_5, DAY_6, DAY_7];

pub const MONTHS: [Text; 12] = [
    MONTH_1, MONTH_2, MONTH_3, MONTH_4, MONTH_5, MONTH_6, MONTH_7, MONTH_8, MONTH_9, MONTH_10,
    MONTH_11, MONTH_12,
];
