//! The emails. Server only: none of this reaches a browser. Emails to the
//! DPO mailbox are written in French, the controller's language.

use super::texts;

texts! {
    SIGNATURE: "{name}, délégué à la protection des données\n{address}, {country} — {email}" | "{name}, data protection officer\n{address}, {country} — {email}";
    /// Under every email: where the portal says what it does with what it
    /// collects.
    NOTICE_LINE: "Ce que nous faisons de vos données : {link}" | "What we do with your data: {link}";
    NOTICE_LINK: "Ce que nous faisons de vos données (notice d'information)" | "What we do with your data (privacy notice)";
    LINE_REFERENCE: "Référence : {value}" | "Reference: {value}";
    LINE_RIGHT: "Droit exercé : {value}" | "Right: {value}";
    LINE_RECEIVED: "Reçue le : {value}" | "Received on: {value}";
    LINE_DUE: "Réponse au plus tard le : {value}" | "Answer due by: {value}";
    LINE_LEGAL_DUE: "Échéance légale : {value}" | "Legal deadline: {value}";
    COMPLAINT: "Vous pouvez à tout moment adresser une réclamation à la CNIL : {url}" | "You may lodge a complaint with the CNIL at any time: {url}";

    CODE_SUBJECT: "SOFACTO — votre code de vérification" | "SOFACTO — your verification code";
    CODE_TITLE: "Votre code de vérification" | "Your verification code";
    CODE_LINE: "Code : {code}" | "Code: {code}";
    CODE_HOW: "Saisissez ce code sur la page ouverte dans votre navigateur, ou utilisez le bouton ci-dessous. Il est valable 10 minutes et ne sert qu'une fois." | "Type this code on the page open in your browser, or use the button below. It is valid for 10 minutes and works once.";
    CODE_IGNORE: "Si vous n'avez rien demandé, ignorez ce message : sans ce code, personne ne peut agir en votre nom." | "If you did not ask for anything, ignore this message: without this code nobody can act in your name.";
    CODE_BUTTON: "Confirmer mon adresse" | "Confirm my address";

    ACK_SUBJECT: "SOFACTO — demande reçue {reference} — {right}" | "SOFACTO — request received {reference} — {right}";
    ACK_TITLE: "Nous avons bien reçu votre demande" | "We have received your request";
    ACK_NEXT: "Notre délégué à la protection des données vérifie d'abord votre identité, puis traite la demande. S'il a un doute raisonnable sur votre identité, il vous demande de la confirmer : le délai est alors suspendu jusqu'à votre réponse. S'il lui faut une précision sur ce que vous demandez, il vous écrit aussi, et le délai continue de courir. Pour une demande complexe, il peut prolonger le délai de deux mois en vous expliquant pourquoi." | "Our data protection officer first checks your identity, then handles the request. If they have a reasonable doubt about your identity, they will ask you to confirm it: the deadline is then paused until you answer. If they need to know more precisely what you are asking for, they will write to you too, and the deadline keeps running. For a complex request they may extend the deadline by two months and will tell you why.";
    ACK_BUTTON: "Suivre ma demande" | "Follow my request";

    OPEN_IN_CONSOLE: "Ouvrir dans la console" | "Open in the console";
    DPO_NEW_SUBJECT: "[Portail RGPD] Nouvelle demande {reference} — {right} — échéance {due}" | "[GDPR portal] New request {reference} — {right} — due {due}";
    DPO_NEW_TITLE: "Nouvelle demande à traiter" | "New request to handle";
    DIGEST_SUBJECT: "[Portail RGPD] Échéances : {overdue} en retard, {soon} dans les 7 jours" | "[GDPR portal] Deadlines: {overdue} overdue, {soon} due within 7 days";
    DIGEST_TITLE: "Les échéances du jour" | "Today's deadlines";
    DIGEST_INTRO: "{overdue} demande(s) en retard et {soon} à rendre dans les 7 jours :" | "{overdue} request(s) overdue and {soon} due within 7 days:";
    DIGEST_OVERDUE: "en retard de {days} jour(s)" | "{days} day(s) overdue";
    DIGEST_DAYS_LEFT: "encore {days} jour(s)" | "{days} day(s) left";
    DIGEST_PAUSED: "{count} demande(s) en attente d'une preuve d'identité depuis plus de 14 jours. Le délai est suspendu, la demande reste à traiter :" | "{count} request(s) awaiting a proof of identity for more than 14 days. The deadline is paused; the request is still to handle:";
    DIGEST_PAUSED_SINCE: "en attente depuis {days} jours" | "waiting for {days} days";
    DIGEST_PAUSED_PAST_DUE: "sans la pause, l'échéance du {date} serait passée" | "without the pause, the due date of {date} would have passed";
    DIGEST_PAUSED_CLOSE: "à clore comme « identité non établie » (un refus, avec les voies de recours) si la personne ne répond pas" | "to close as \"identity not established\" (a refusal, with the remedies) if the subject does not answer";
    DIGEST_FAILED: "{count} e-mail(s) n'ont pas pu être remis : la personne n'a peut-être pas reçu la réponse. Réessayez-les ou répondez par un autre canal :" | "{count} email(s) could not be delivered: the subject may not have received the answer. Retry them or answer another way:";
    DIGEST_AUDIT_BROKEN: "ALERTE : le journal d'audit est rompu ({where}). Son empreinte n'est pas transmise tant qu'il n'est pas réparé ; lancez « privacy-portal audit verify » et conservez ce courriel." | "ALERT: the audit log is broken ({where}). Its hash is not sent until it is repaired; run \"privacy-portal audit verify\" and keep this email.";
    DIGEST_STALE: "{count} demande(s) ouverte(s) sans aucune action de votre part depuis plus de {days} jours. Une demande ouverte n'est jamais effacée : traitez-la, ou clôturez-la par une réponse ou un refus motivé." | "{count} open request(s) with no action from you for more than {days} days. An open request is never deleted: work on it, or close it with an answer or a reasoned refusal.";
    DIGEST_STALE_SINCE: "sans action depuis {days} jours" | "no action for {days} days";
    LOCKED_SUBJECT: "SOFACTO — votre compte de la console est bloqué" | "SOFACTO — your console account is locked";
    LOCKED_TITLE: "Votre compte de la console est bloqué" | "Your console account is locked";
    LOCKED_BODY: "Après des essais erronés répétés (mot de passe ou code du second facteur), votre compte de la console est bloqué jusqu'au {until}. Chaque nouveau blocage dure deux fois plus longtemps, jusqu'à 24 heures." | "After repeated wrong tries (password or second-factor code), your console account is locked until {until}. Each new lock lasts twice as long, up to 24 hours.";
    LOCKED_NOT_YOU: "Si ce n'était pas vous, prévenez l'exploitant du portail : quelqu'un connaît peut-être votre mot de passe (« privacy-portal dpo reset-password » en choisit un nouveau)." | "If it was not you, tell the portal's operator: someone may know your password (\"privacy-portal dpo reset-password\" sets a new one).";
    DIGEST_FILES_OVER: "Les fichiers conservés occupent {mb} Mio, au-delà du seuil de {limit} Mio (PORTAL_FILES_WARN_MB) : vérifiez l'espace disque du serveur et les fichiers reçus." | "Stored files take {mb} MiB, past the {limit} MiB threshold (PORTAL_FILES_WARN_MB): check the server's disk space and the files received.";
    DIGEST_AUDIT: "Journal d'audit : {entries} entrées, ancre {entries}:{hash}. Conservez ce courriel : « privacy-portal audit verify --anchor {entries}:{hash} » vérifiera plus tard que le journal n'a pas été réécrit jusqu'ici." | "Audit log: {entries} entries, anchor {entries}:{hash}. Keep this email: \"privacy-portal audit verify --anchor {entries}:{hash}\" will check later that the log was not rewritten up to here.";
    DPO_WITHDRAWN_SUBJECT: "[Portail RGPD] Demande {reference} retirée" | "[GDPR portal] Request {reference} withdrawn";
    DPO_WITHDRAWN_TITLE: "Demande retirée" | "Request withdrawn";
    DPO_WITHDRAWN_BODY: "La personne concernée a retiré sa demande {reference} ({right}). Aucune autre action n'est attendue." | "The data subject withdrew request {reference} ({right}). No further action is expected.";
    FOLLOW_BUTTON: "Voir ma demande" | "See my request";
    INFO_SUBJECT: "SOFACTO — une information est nécessaire pour votre demande {reference}" | "SOFACTO — we need information for your request {reference}";
    INFO_TITLE: "Nous avons besoin d'une information" | "We need some information";
    INFO_INTRO: "Pour traiter votre demande {reference}, notre délégué à la protection des données vous demande :" | "To handle your request {reference}, our data protection officer asks:";
    CLARIFY_SUBJECT: "SOFACTO — une précision sur votre demande {reference}" | "SOFACTO — a question about your request {reference}";
    CLARIFY_TITLE: "Une précision sur votre demande" | "A question about your request";
    CLARIFY_HOW: "Répondez depuis la page de votre demande. Nous continuons de la traiter pendant ce temps : le délai de réponse court toujours." | "Answer from your request's page. We go on handling it meanwhile: the deadline still runs.";
    LIFT_SUBJECT: "SOFACTO — levée de la limitation, demande {reference}" | "SOFACTO — lifting of the restriction, request {reference}";
    LIFT_TITLE: "La limitation va être levée" | "The restriction will be lifted";
    LIFT_INTRO: "Comme la loi nous y oblige, nous vous prévenons avant : la limitation du traitement de vos données obtenue par votre demande {reference} sera levée à compter du {date}." | "As the law requires, we tell you beforehand: the restriction of the processing of your data obtained by your request {reference} will be lifted from {date}.";
    INFO_FACT: "Un élément que nous pouvons vérifier dans nos fichiers suffit, par exemple votre numéro de client ou le numéro de votre dernière facture. Ne nous envoyez pas de pièce d'identité." | "Something we can check in our records is enough, such as your customer number or the number of your last invoice. Do not send us an identity document.";
    INFO_DOCUMENT: "Joignez une copie d'une pièce d'identité. Masquez tout ce qui ne sert pas à vous identifier : la photo, le numéro du document, la date et le lieu de naissance peuvent être cachés ; gardez vos nom, prénom et la date de validité lisibles. Nous supprimerons cette copie dès votre identité établie, et au plus tard à la clôture de la demande." | "Attach a copy of an identity document. Hide whatever does not identify you: the photo, the document number, the date and place of birth may be covered; keep your names and the expiry date readable. We delete this copy as soon as your identity is established, and at the latest when the request closes.";
    REP_CHECK_SUBJECT: "SOFACTO — une demande a été faite en votre nom ({reference})" | "SOFACTO — a request was made on your behalf ({reference})";
    REP_CHECK_TITLE: "Une demande a été faite en votre nom" | "A request was made on your behalf";
    REP_CHECK_BODY: "{name} a adressé à SOFACTO, en votre nom, une demande d'exercice de vos droits ({right}), sous la référence {reference}, en indiquant agir pour vous." | "{name} sent SOFACTO, on your behalf, a request to exercise your rights ({right}), under the reference {reference}, saying they act for you.";
    REP_CHECK_HOW: "Confirmez-nous que cette personne agit bien pour vous, ou dites-nous le contraire, en répondant à notre délégué à la protection des données : {dpo}, en rappelant la référence. Sans votre confirmation, nous pouvons attendre avant de traiter la demande." | "Confirm that this person does act for you, or tell us otherwise, by writing to our data protection officer: {dpo}, quoting the reference. Without your confirmation, we may wait before handling the request.";
    INFO_HOW: "Répondez depuis la page de votre demande. Le délai de réponse est suspendu jusqu'à votre réponse." | "Answer from your request's page. The deadline is paused until you answer.";
    REMINDER_SUBJECT: "SOFACTO — rappel : votre demande {reference} attend votre réponse" | "SOFACTO — reminder: your request {reference} awaits your answer";
    REMINDER_TITLE: "Votre demande attend votre réponse" | "Your request awaits your answer";
    REMINDER_BODY: "Il y a deux semaines, notre délégué vous a demandé une information pour traiter votre demande {reference}. Tant que vous n'avez pas répondu, elle reste en attente." | "Two weeks ago, our officer asked you for information to handle your request {reference}. Until you answer, it stays on hold.";
    MESSAGE_SUBJECT: "SOFACTO — message au sujet de votre demande {reference}" | "SOFACTO — a message about your request {reference}";
    MESSAGE_TITLE: "Un message de notre délégué" | "A message from our officer";
    MESSAGE_INTRO: "Au sujet de votre demande {reference} :" | "About your request {reference}:";
    EXTENDED_SUBJECT: "SOFACTO — délai prolongé pour votre demande {reference}" | "SOFACTO — deadline extended for your request {reference}";
    EXTENDED_TITLE: "Le délai de réponse est prolongé" | "The deadline is extended";
    EXTENDED_BODY: "Le délai de réponse à votre demande {reference} est prolongé de {months} mois : nous vous répondrons au plus tard le {due}. Voici pourquoi :" | "The deadline for your request {reference} is extended by {months} month(s): we will answer by {due} at the latest. Here is why:";
    EXTENDED_RIGHT: "Le RGPD permet cette prolongation pour les demandes complexes ou nombreuses (article 12, paragraphe 3)." | "The GDPR allows this extension for complex or numerous requests (Article 12(3)).";
    COMPLETED_SUBJECT: "SOFACTO — votre demande {reference} est traitée" | "SOFACTO — your request {reference} is completed";
    COMPLETED_TITLE: "Votre demande est traitée" | "Your request is completed";
    COMPLETED_INTRO: "Notre délégué a traité votre demande {reference} :" | "Our officer has completed your request {reference}:";
    COMPLETED_FILES: "{count} fichier(s) vous attend(ent) sur la page de votre demande, pendant 7 jours." | "{count} file(s) await you on your request's page, for 7 days.";
    REFUSED_SUBJECT: "SOFACTO — réponse à votre demande {reference}" | "SOFACTO — answer to your request {reference}";
    REFUSED_TITLE: "Nous ne pouvons pas donner suite à votre demande" | "We cannot act on your request";
    REFUSED_INTRO: "Après examen, notre délégué ne peut pas donner suite à votre demande {reference}." | "After examining it, our officer cannot act on your request {reference}.";
    REFUSED_REASON: "Motif : {reason}" | "Reason: {reason}";
    TOGETHER_SUBJECT: "SOFACTO — réponse à vos demandes {references}" | "SOFACTO — answer to your requests {references}";
    TOGETHER_TITLE: "La réponse à vos demandes" | "The answer to your requests";
    TOGETHER_INTRO: "Vous nous avez adressé plusieurs demandes ({references}) : voici la réponse à chacune, dans un seul message." | "You sent us several requests ({references}): here is the answer to each, in one message.";
    CONFIRM_TITLE: "Confirmez votre adresse e-mail" | "Confirm your email address";
    CONFIRM_BODY: "Le délégué à la protection des données de SOFACTO a enregistré cette adresse pour votre demande {reference}. Confirmez-la avec le lien ci-dessous (valable 7 jours) : ensuite seulement, les messages de la demande arriveront ici." | "SOFACTO's data protection officer recorded this address for your request {reference}. Confirm it with the link below (valid 7 days): only then will the request's messages come here.";
    CONFIRM_IGNORE: "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera envoyé à cette adresse." | "If this is not your request, ignore this message: nothing will be sent to this address.";
    CONFIRM_BUTTON: "Confirmer mon adresse" | "Confirm my address";
    CONFIRM_SUBJECT: "SOFACTO — confirmez votre adresse pour la demande {reference}" | "SOFACTO — confirm your address for request {reference}";
    REFUSED_REMEDIES: "Vous pouvez introduire une réclamation auprès de la CNIL ({url}) et former un recours juridictionnel devant les tribunaux compétents (RGPD, articles 77 et 79)." | "You may lodge a complaint with the CNIL ({url}) and seek a judicial remedy before the competent courts (GDPR Articles 77 and 79).";
    WITHDRAWN_SUBJECT: "SOFACTO — votre demande {reference} est retirée" | "SOFACTO — your request {reference} is withdrawn";
    WITHDRAWN_TITLE: "Votre demande est retirée" | "Your request is withdrawn";
    WITHDRAWN_BODY: "Comme vous l'avez demandé, votre demande {reference} est retirée : son traitement s'arrête. Vous pouvez en déposer une nouvelle à tout moment." | "As you asked, your request {reference} is withdrawn: its handling stops. You may file a new one at any time.";
    DPO_ANSWERED_TITLE: "[Portail RGPD] La personne a répondu" | "[GDPR portal] The subject answered";
    DPO_ANSWERED_BODY: "La personne concernée a répondu à votre demande d'information sur {reference}. Le délai reprend." | "The data subject answered your request for information on {reference}. The clock runs again.";
    DPO_WROTE_TITLE: "[Portail RGPD] Nouveau message" | "[GDPR portal] New message";
    DPO_WROTE_BODY: "La personne concernée a écrit au sujet de sa demande {reference}." | "The data subject wrote about their request {reference}.";
}
