//! The portal's own privacy notice (GDPR Art. 13) and its entry in
//! SOFACTO's record of processing (Art. 30). Server only: the notice page
//! has no island.

use super::texts;

texts! {
    TITLE: "Vos données dans ce portail" | "Your data in this portal";
    INTRO: "Pour traiter une demande relative à vos données, ce portail en collecte lui-même quelques-unes. Voici lesquelles, pourquoi, qui les voit et combien de temps nous les gardons." | "To handle a request about your data, this portal itself collects some. Here is which, why, who sees it and how long we keep it.";
    CONTROLLER_TITLE: "Qui en est responsable" | "Who is responsible";
    CONTROLLER_BODY: "{name}, {address}, {country} ({registration}). Délégué à la protection des données : {email}." | "{name}, {address}, {country} ({registration}). Data protection officer: {email}.";

    PURPOSES_TITLE: "Pourquoi, et sur quelle base" | "Why, and on what legal basis";
    COL_PURPOSE: "Finalité" | "Purpose";
    COL_BASIS: "Base légale" | "Legal basis";
    PURPOSE_HANDLE: "Traiter votre demande d'exercice d'un droit et vous répondre" | "Handling your request to exercise a right and answering you";
    BASIS_HANDLE: "Obligation légale (art. 6(1)(c) du RGPD, avec son article 12 et les articles 15 à 22)" | "Legal obligation (GDPR Art. 6(1)(c), with Art. 12 and Articles 15 to 22)";
    PURPOSE_PROVE: "Prouver que la demande a été traitée, et dans les délais" | "Proving that the request was handled, and on time";
    BASIS_PROVE: "Obligation légale (art. 6(1)(c), avec l'article 5(2) du RGPD : le responsable doit pouvoir démontrer qu'il respecte le règlement)" | "Legal obligation (Art. 6(1)(c), with GDPR Art. 5(2): the controller must be able to show that it complies)";
    PURPOSE_ABUSE: "Protéger le portail contre les abus (envois de codes en masse, demandes en rafale)" | "Protecting the portal from abuse (codes sent in bulk, bursts of requests)";
    BASIS_ABUSE: "Intérêt légitime de SOFACTO à garder le portail disponible pour tous (art. 6(1)(f))" | "SOFACTO's legitimate interest in keeping the portal available to everyone (Art. 6(1)(f))";

    DATA_TITLE: "Les données collectées" | "The data collected";
    FROM_VERIFY: "Quand vous confirmez votre adresse" | "When you confirm your address";
    FROM_REQUEST: "Quand vous déposez une demande" | "When you file a request";
    FROM_MESSAGE: "Quand vous écrivez au DPO" | "When you write to the DPO";
    FROM_PORTAL: "Ce que le portail enregistre lui-même" | "What the portal records itself";
    D_EMAIL: "votre adresse e-mail" | "your email address";
    D_START_RIGHT: "le droit par lequel vous avez commencé" | "the right you started from";
    D_CODE: "le code à 6 chiffres ou le lien que vous utilisez : comparés à leur empreinte, ils ne sont jamais conservés en clair" | "the 6-digit code or the link you use: compared with their hash, they are never stored in clear";
    D_NAME: "vos prénom et nom" | "your first and last name";
    D_RELATION: "votre lien avec SOFACTO (visiteur, prospect, client, salarié d'un client, contact)" | "your relation to SOFACTO (visitor, prospect, client, client's staff, contact)";
    D_REPRESENTATIVE: "si vous agissez pour quelqu'un : pour qui et à quel titre, vos nom et prénom, la fin de votre mandat, à qui adresser les réponses, et l'adresse e-mail de la personne concernée si vous la donnez (le délégué peut lui demander de confirmer)" | "if you act for someone: for whom and as what, your names, the end of your mandate, who gets the answers, and the person concerned's email address if you give it (the data protection officer may ask them to confirm)";
    D_PROOF: "le justificatif de la personne qui agit pour une autre (mandat, autorité parentale, acte de notoriété), gardé avec la demande ; une copie de pièce d'identité, demandée seulement sur un doute, est supprimée dès l'identité établie ou la demande close" | "the proof of a person acting for another (mandate, parental authority, certificate of heirship), kept with the request; a copy of an identity document, asked only on a doubt, is deleted once identity is established or the request closes";
    FROM_DIRECTIVES: "Si vous laissez des directives pour après votre décès" | "If you leave directives for after your death";
    D_DIRECTIVES_NAME: "vos nom et prénom, pour que le délégué retrouve vos directives quand un héritier ou la personne désignée le sollicite" | "your names, so that the data protection officer finds your directives when an heir or the designated person asks";
    D_DIRECTIVES: "ce que vous souhaitez pour vos données (les effacer, ou les communiquer puis les effacer) et vos précisions, gardés tant qu'elles sont en vigueur : les révoquer les supprime" | "what you want done with your data (erase it, or communicate then erase it) and your details, kept while they are in force: revoking them deletes them";
    D_DIRECTIVES_PERSON: "le nom et, si vous la donnez, l'adresse e-mail de la personne que vous désignez" | "the name and, if you give it, the email address of the person you designate";
    D_CUSTOMER: "votre numéro client, si vous le donnez" | "your customer number, if you give it";
    D_REPLY: "le moyen de réponse que vous préférez et, selon ce choix, votre téléphone ou votre adresse postale" | "the way you prefer to be answered and, depending on that choice, your phone number or postal address";
    D_LANG: "la langue de nos échanges" | "the language of our exchanges";
    D_RIGHT: "le droit que vous exercez" | "the right you exercise";
    D_CATEGORIES: "les catégories de données visées (toutes, ou celles que vous cochez)" | "the categories of data concerned (all, or those you tick)";
    D_RECTIFICATION: "pour une rectification : chaque donnée, sa valeur actuelle et sa valeur corrigée, et votre déclaration complémentaire" | "for a rectification: each item, its current and its corrected value, and your supplementary statement";
    D_GROUNDS: "le motif d'un effacement ou d'une limitation" | "the ground of an erasure or a restriction";
    D_PORTABILITY: "pour la portabilité : le format, et le nom et l'adresse e-mail de l'organisme destinataire si vous demandez une transmission" | "for portability: the format, and the name and email address of the receiving organisation if you ask for a transmission";
    D_OBJECTION: "pour une opposition : le traitement visé et vos raisons" | "for an objection: the processing concerned and your reasons";
    D_DETAILS: "les précisions que vous ajoutez" | "the details you add";
    D_MESSAGE: "vos messages et vos réponses" | "your messages and answers";
    D_FILE: "les fichiers que vous joignez, dont un justificatif d'identité si le DPO en demande un sur un doute raisonnable" | "the files you attach, including a proof of identity if the DPO asks for one on a reasonable doubt";
    D_NETWORK: "une empreinte (HMAC sous une clé qui change chaque jour) de votre adresse réseau et de votre adresse e-mail, pour compter les envois et les demandes ; jamais ces adresses en clair" | "a hash (HMAC under a key that changes every day) of your network address and of your email address, to count codes and requests; never these addresses in clear";
    D_TIMELINE: "la date de chaque étape de votre demande, et les e-mails que nous vous envoyons" | "the date of every step of your request, and the emails we send you";
    D_DPO: "les décisions, notes et réponses du DPO sur votre demande" | "the DPO's decisions, notes and answers on your request";
    D_COOKIES: "des cookies strictement nécessaires, listés plus bas" | "strictly necessary cookies, listed below";

    RECIPIENTS_TITLE: "Qui les reçoit" | "Who receives it";
    R_DPO: "l'équipe du délégué à la protection des données de SOFACTO, seule à accéder à la console" | "SOFACTO's data protection officer's team, the only people with access to the console";
    R_SYSTEMS: "les outils de SOFACTO qui détiennent des données vous concernant (gestion de la clientèle, facturation, lettre d'information…), pour exécuter votre demande : ils reçoivent sa référence, le droit exercé, les catégories visées et vos identifiants (adresse e-mail, nom, numéro client), jamais ce que vous avez écrit" | "SOFACTO's own tools that hold data about you (customer management, billing, newsletter…), to carry out your request: they receive its reference, the right, the categories concerned and your identifiers (email address, name, customer number), never what you wrote";
    R_CARRIER: "le prestataire qui achemine nos e-mails : {carrier}" | "the provider that carries our emails: {carrier}";
    R_NO_CARRIER: "aucun prestataire d'e-mail : les messages sont écrits sur le serveur du portail" | "no email provider: messages are written on the portal's server";
    R_ORGANISATION: "l'organisme que vous désignez, si vous demandez la transmission de vos données (portabilité)" | "the organisation you name, if you ask for your data to be transmitted (portability)";
    R_NOBODY_ELSE: "personne d'autre : le portail ne charge rien depuis un autre site et n'a aucun traceur" | "nobody else: the portal loads nothing from another site and has no tracker";
    TRANSFERS_TITLE: "Transferts hors de l'Union européenne" | "Transfers outside the European Union";
    NO_TRANSFER: "Aucun : vos données restent dans l'Union européenne." | "None: your data stays in the European Union.";

    RETENTION_TITLE: "Combien de temps" | "How long";
    COL_WHAT: "Quoi" | "What";
    COL_HOW_LONG: "Durée" | "How long";
    K_VERIFICATION: "une vérification d'adresse non aboutie" | "an unfinished address check";
    K_SESSIONS: "les sessions et les cookies" | "sessions and cookies";
    K_COUNTERS: "les empreintes comptées contre les abus" | "the hashes counted against abuse";
    K_CLOSED: "une demande close : noms, coordonnées, contenu, messages, fichiers et e-mails" | "a closed request: names, contact details, content, messages, files and emails";
    K_CLOSED_PERIOD: "{period} après la clôture, puis anonymisée (restent la référence, le droit, les dates et l'issue, sans nom)" | "{period} after closing, then anonymised (the reference, right, dates and outcome stay, without a name)";
    K_OPEN: "une demande encore ouverte" | "a request still open";
    K_OPEN_PERIOD: "tant qu'elle est ouverte : la durée court à partir de la clôture ; une demande sans action du DPO depuis {days} jours lui est signalée chaque jour jusqu'à ce qu'il la traite ou la clôture" | "while it is open: the period runs from closing; a request with no action by the DPO for {days} days is flagged to them every day until they work on it or close it";
    K_IDENTITY: "un justificatif d'identité, demandé seulement sur un doute raisonnable" | "a proof of identity, asked for only on a reasonable doubt";
    K_IDENTITY_PERIOD: "avec les fichiers de la demande : {period} après la clôture" | "with the request's files: {period} after closing";
    K_LOGS: "les journaux du serveur, qui ne contiennent ni adresse, ni nom, ni contenu" | "the server's logs, which hold no address, name or content";
    K_BACKUPS: "les sauvegardes de la base" | "the database backups";
    K_AUDIT: "le journal d'audit (références, dates et empreintes, sans donnée personnelle)" | "the audit log (references, dates and hashes, no personal data)";
    K_AUDIT_PERIOD: "aussi longtemps que le portail, comme preuve" | "as long as the portal, as proof";
    HOURS_AT_MOST: "{hours} heures au plus" | "{hours} hours at most";

    RIGHTS_TITLE: "Vos droits sur ces données" | "Your rights over this data";
    RIGHTS_BODY: "Vous pouvez accéder à ces données, les faire rectifier, en demander l'effacement ou la limitation, et vous opposer à leur usage contre les abus. Tant que la preuve du traitement d'une demande doit être gardée, son effacement peut être refusé (art. 17(3)(b) du RGPD) ; la portabilité ne s'applique pas à un traitement fondé sur une obligation légale. Exercez ces droits par ce portail, ou en écrivant au DPO : {email}, {address}." | "You may access this data, have it rectified, ask for its erasure or restriction, and object to its use against abuse. While the proof that a request was handled must be kept, its erasure may be refused (GDPR Art. 17(3)(b)); portability does not apply to processing based on a legal obligation. Exercise these rights through this portal, or by writing to the DPO: {email}, {address}.";
    COMPLAINT: "Vous pouvez aussi adresser une réclamation à la CNIL à tout moment." | "You may also lodge a complaint with the CNIL at any time.";

    /// The short line under each form and in the site's footer.
    LINK: "Ce que nous faisons de vos données" | "What we do with your data";
    FORM_LINE: "Ce que nous faisons des données saisies ici :" | "What we do with what you type here:";

    RECORD_TITLE: "Registre des activités de traitement (art. 30) : le portail des demandes RGPD" | "Record of processing activities (Art. 30): the GDPR request portal";
    RECORD_NOTE: "Fiche générée par `privacy-portal record` à partir des réglages du portail, comme sa notice d'information (/privacy) : les deux ne peuvent pas diverger." | "Generated by `privacy-portal record` from the portal's settings, like its privacy notice (/privacy): the two cannot disagree.";
    RECORD_SUBJECTS: "Personnes concernées" | "Data subjects";
    RECORD_SUBJECTS_BODY: "toute personne qui exerce ses droits auprès de SOFACTO : visiteurs du site, prospects, clients, salariés de clients, contacts" | "anyone who exercises their rights with SOFACTO: website visitors, prospects, clients, clients' staff, contacts";
    RECORD_SECURITY: "Mesures de sécurité" | "Security measures";
    S_HASHES: "codes, liens et jetons de session conservés sous forme d'empreinte seulement" | "codes, links and session tokens stored as hashes only";
    S_ACCOUNTS: "comptes du DPO : mot de passe argon2id, second facteur possible, sessions limitées dans le temps" | "DPO accounts: argon2id passwords, an optional second factor, sessions limited in time";
    S_AUDIT: "journal d'audit chaîné par empreintes, vérifiable par `privacy-portal audit verify`" | "hash-chained audit log, checked by `privacy-portal audit verify`";
    S_LIMITS: "limites par adresse et par réseau, comptées sur des empreintes à clé quotidienne" | "limits per address and per network, counted on hashes under a daily key";
    S_WEB: "HTTPS, politique de sécurité du contenu stricte, aucune ressource tierce" | "HTTPS, a strict content security policy, no third-party resource";
    S_PURGE: "purge quotidienne de ce qui a expiré et anonymisation des demandes closes" | "a daily purge of what has expired and anonymisation of closed requests";
}
