-- Reply templates (SPEC §4): texts the DPO starts an answer from, per kind
-- of answer (refusal, partial answer, extension, completion, or a short
-- snippet for a message), per right or for every right, in French or
-- English. Each edit is a new version (the old ones stay, and each save is
-- audited). The paragraphs the law requires (the CNIL and the courts in a
-- refusal or a partial answer; Art. 12(3) in an extension) are not part of
-- the text: every such email adds them, so no edit can remove them.
CREATE TABLE reply_templates (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    right_kind TEXT,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    UNIQUE (template_id, version)
);

CREATE INDEX reply_templates_current ON reply_templates (template_id, version);

INSERT INTO reply_templates (id, template_id, version, kind, right_kind, lang, name, body, created_at, created_by) VALUES
('seed-refused-identity-fr', 'refused-identity-fr', 1, 'refused', NULL, 'fr', 'Identité non établie',
 'Malgré nos demandes, nous n''avons pas pu établir que cette demande vient de la personne dont les données sont en cause. Pour protéger ces données, nous ne pouvons pas y donner suite. Vous pouvez faire une nouvelle demande à tout moment.', 0, NULL),
('seed-refused-identity-en', 'refused-identity-en', 1, 'refused', NULL, 'en', 'Identity not established',
 'Despite our requests, we could not establish that this request comes from the person whose data it concerns. To protect that data, we cannot act on it. You may file a new request at any time.', 0, NULL),
('seed-extended-fr', 'extended-fr', 1, 'extended', NULL, 'fr', 'Demande complexe',
 'Vos données sont réparties dans plusieurs de nos outils (gestion commerciale, facturation, messagerie) qu''il faut consulter un à un pour vous répondre complètement.', 0, NULL),
('seed-extended-en', 'extended-en', 1, 'extended', NULL, 'en', 'Complex request',
 'Your data is spread over several of our tools (sales, invoicing, email) that must be searched one by one to answer you fully.', 0, NULL),
('seed-snippet-customer-fr', 'snippet-customer-fr', 1, 'snippet', NULL, 'fr', 'Numéro client',
 'Pour retrouver vos données, pouvez-vous nous indiquer votre numéro client ou le numéro de votre dernière facture ?', 0, NULL),
('seed-snippet-customer-en', 'snippet-customer-en', 1, 'snippet', NULL, 'en', 'Customer number',
 'To find your data, could you give us your customer number or the number of your last invoice?', 0, NULL);
