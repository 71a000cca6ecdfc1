//! The audit log (GDPR Art. 5(2)): every change to a request or an account,
//! every download and export, appended to one table in the same
//! transaction as the change. Each entry holds the SHA-256 of the entry
//! before it together with its own content, so an edit, a deletion or a
//! reordering breaks the chain where it happened; `privacy-portal audit
//! verify` walks it, and the daily digest sends its head hash out of the
//! database, so that whoever can write to the database cannot rewrite the
//! tail unnoticed either.
//!
//! Entries hold no personal data (references, ids, kinds, statuses, file
//! hashes), so anonymising a request never touches the chain.

use crate::clock::Millis;
use crate::db::Pool;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Failed sign-ins recorded per account and hour; the rest are only counted
/// by the lock-out, so that a stranger cannot flood a log that is never
/// purged.
pub const FAILED_SIGN_INS_PER_HOUR: i64 = 5;

/// Who acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who<'a> {
    Subject,
    Dpo(&'a str),
    System,
    /// The command line, run by whoever operates the server.
    Operator,
}

impl Who<'_> {
    fn slug(&self) -> &'static str {
        match self {
            Who::Subject => "subject",
            Who::Dpo(_) => "dpo",
            Who::System => "system",
            Who::Operator => "operator",
        }
    }

    fn account(&self) -> Option<&str> {
        match self {
            Who::Dpo(id) => Some(id),
            _ => None,
        }
    }
}

crate::domain::choice::choice_enum! {
    /// What an audit entry records, besides a request's events (stored as
    /// `request.` and the event's kind, [`event_action`]). The slugs are
    /// what the log stores and hashes, so they never change; the console's
    /// words for each are `i18n::console_labels::audit_action`.
    pub enum AuditAction {
        AccountCreated = "account.created",
        AccountDisabled = "account.disabled",
        AccountEnabled = "account.enabled",
        AccountPasswordReset = "account.password_reset",
        AccountSecondFactorReset = "account.second_factor_reset",
        AccountSecondFactorEnabled = "account.second_factor_enabled",
        AccountSignedIn = "account.signed_in",
        AccountSignedOut = "account.signed_out",
        AccountSignInFailed = "account.sign_in_failed",
        AccountLocked = "account.locked",
        DigestSent = "digest.sent",
        EmailRetried = "email.retried",
        ExportEvidence = "export.evidence",
        ExportRegister = "export.register",
        FileDownloaded = "file.downloaded",
        RequestAnonymised = "request.anonymised",
        RetentionPurged = "retention.purged",
        /// A subject recorded or replaced their directives for after death.
        DirectivesRecorded = "directives.recorded",
        DirectivesRevoked = "directives.revoked",
        /// A DPO saved a version of a reply template.
        TemplateSaved = "template.saved",
        /// From this entry on, every hash is keyed (`PORTAL_AUDIT_KEY`).
        AuditKeyed = "audit.keyed",
        /// A DPO opened a request's page (once per DPO, request and hour).
        RequestViewed = "request.viewed",
        /// A DPO searched the queue (once per DPO, search and hour; the
        /// search itself as a keyed hash, `CounterKey::audit_tag`).
        QueueSearched = "queue.searched",
        /// The operator declared one of SOFACTO's systems (`system add`).
        SystemAdded = "system.added",
        SystemKeyRotated = "system.key_rotated",
        SystemDisabled = "system.disabled",
        /// A system was given a task for a request.
        TaskCreated = "task.created",
        /// A task reached its system's webhook.
        TaskDelivered = "task.delivered",
        /// A system answered its task (with its files' SHA-256).
        TaskResult = "task.result",
        /// One of SOFACTO's systems recorded a request from another
        /// channel (the API).
        RequestRecordedBySystem = "request.recorded_by_system",
        /// A DPO sent a system's failing deliveries again.
        DeliveriesRetried = "task.deliveries_retried",
    }
}

/// The stored action of a request event's entry.
pub fn event_action(kind: crate::domain::EventKind) -> String {
    format!("request.{}", kind.slug())
}

/// One entry to append: what happened, to which request or account, and
/// its facts (JSON without personal data).
pub struct Entry<'a> {
    pub action: &'a str,
    pub who: Who<'a>,
    /// The account acted upon, when it is not the actor's (the CLI).
    pub account_id: Option<&'a str>,
    pub reference: Option<&'a str>,
    /// The row the entry is about: an event, a file, an email, an export.
    pub object_id: Option<&'a str>,
    pub facts: serde_json::Value,
}

impl<'a> Entry<'a> {
    pub fn new(action: AuditAction, who: Who<'a>) -> Self {
        Self::named(action.slug(), who)
    }

    /// An entry for a request event, named by [`event_action`].
    pub fn named(action: &'a str, who: Who<'a>) -> Self {
        Entry {
            action,
            who,
            account_id: None,
            reference: None,
            object_id: None,
            facts: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn reference(mut self, reference: &'a str) -> Self {
        self.reference = Some(reference);
        self
    }

    pub fn object(mut self, id: &'a str) -> Self {
        self.object_id = Some(id);
        self
    }

    pub fn account(mut self, id: &'a str) -> Self {
        self.account_id = Some(id);
        self
    }

    pub fn facts(mut self, facts: serde_json::Value) -> Self {
        self.facts = facts;
        self
    }
}

/// One stored entry, as the log, the console and the evidence file read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: Millis,
    pub action: String,
    pub actor: String,
    pub actor_id: Option<String>,
    pub account_id: Option<String>,
    pub reference: Option<String>,
    pub object_id: Option<String>,
    /// JSON, hashed as stored.
    pub facts: String,
    pub prev_hash: String,
    pub hash: String,
}

pub const AUDIT_COLUMNS: &str =
    "seq, at, action, actor, actor_id, account_id, reference, object_id, facts, prev_hash, hash";

impl AuditRow {
    /// The content the hash covers, in one fixed serialisation: a JSON
    /// array, so no field can bleed into the next.
    pub fn canonical(&self) -> String {
        serde_json::json!([
            self.seq,
            self.at,
            self.action,
            self.actor,
            self.actor_id,
            self.account_id,
            self.reference,
            self.object_id,
            self.facts,
        ])
        .to_string()
    }

    /// The plain hash: SHA-256 of the previous hash and the content (what
    /// anyone can recompute; with `PORTAL_AUDIT_KEY` started, entries are
    /// keyed instead, see `append`).
    pub fn expected_hash(&self) -> String {
        self.plain_hash()
    }

    fn plain_hash(&self) -> String {
        crate::secure::sha256_hex(&[&self.prev_hash, &self.canonical()])
    }

    fn keyed_hash(&self, key: &[u8]) -> String {
        use hmac::{Hmac, Mac};
        let mut mac =
            <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(self.prev_hash.as_bytes());
        mac.update(&[0]);
        mac.update(self.canonical().as_bytes());
        mac.update(&[0]);
        crate::secure::hex(&mac.finalize().into_bytes())
    }

    /// How the stored hash was made: `Some(true)` under the key,
    /// `Some(false)` plain, `None` neither (changed, or keyed and no key).
    fn hash_kind(&self) -> Option<bool> {
        if let Some(key) = key()
            && crate::secure::constant_time_eq(&self.hash, &self.keyed_hash(key))
        {
            return Some(true);
        }
        (self.hash == self.plain_hash()).then_some(false)
    }
}

/// `PORTAL_AUDIT_KEY`, kept outside the database: set once per process, by
/// the server's start or the command line.
static AUDIT_KEY: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();

/// Sets the process's audit key (the first call wins).
pub fn set_key(key: Option<&str>) {
    let _ = AUDIT_KEY.set(key.map(|k| k.as_bytes().to_vec()));
}

fn key() -> Option<&'static [u8]> {
    AUDIT_KEY.get().and_then(|k| k.as_deref())
}

/// Whether keyed hashing has started: an `audit.keyed` entry exists (the
/// operator's `audit key-start`). Remembered once seen.
static KEY_STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The seq of the `audit.keyed` entry, if keyed hashing has started.
pub async fn key_started(conn: &mut sqlx::AnyConnection) -> anyhow::Result<Option<i64>> {
    sqlx::query_scalar::<_, i64>("SELECT seq FROM audit_log WHERE action = $1 ORDER BY seq LIMIT 1")
        .bind(AuditAction::AuditKeyed.slug())
        .fetch_optional(conn)
        .await
        .context("audit: look for the keyed start")
}

/// Whether the next entry is keyed: a key, and keyed hashing started.
async fn keyed_now(conn: &mut sqlx::AnyConnection) -> anyhow::Result<Option<&'static [u8]>> {
    let Some(key) = key() else {
        return Ok(None);
    };
    if !KEY_STARTED.load(std::sync::atomic::Ordering::Relaxed) {
        if key_started(conn).await?.is_none() {
            return Ok(None);
        }
        KEY_STARTED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    Ok(Some(key))
}

/// `privacy-portal audit key-start`, once, when the operator introduces
/// `PORTAL_AUDIT_KEY`: appends the keyed `audit.keyed` entry, from which
/// every entry must be keyed. It is never appended by itself (a chain
/// rewritten with plain hashes would otherwise be blessed at the next
/// start). Its seq.
pub async fn start_keyed(pool: &Pool, at: Millis) -> anyhow::Result<i64> {
    anyhow::ensure!(key().is_some(), "PORTAL_AUDIT_KEY is not set");
    let mut tx = pool.begin().await.context("audit: begin")?;
    lock_head(&mut tx).await?;
    if let Some(seq) = key_started(&mut tx).await? {
        anyhow::bail!("the log is keyed already, from entry {seq}");
    }
    KEY_STARTED.store(true, std::sync::atomic::Ordering::Relaxed);
    let row = append(
        &mut tx,
        at,
        &Entry::new(AuditAction::AuditKeyed, Who::Operator),
    )
    .await?;
    tx.commit().await.context("audit: commit")?;
    Ok(row.seq)
}

/// Appends `entry` on the caller's transaction. The first statement moves
/// the one-row head forward: on PostgreSQL it locks that row until the
/// transaction ends, on SQLite it takes the write lock, so appends from
/// any number of tasks or instances queue one behind the other and the
/// chain never forks. Call it last in a transaction that takes other locks.
pub async fn append(
    conn: &mut sqlx::AnyConnection,
    at: Millis,
    entry: &Entry<'_>,
) -> anyhow::Result<AuditRow> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await
        .context("audit: move the head")?;
    let keyed = keyed_now(conn).await?;
    let mut row = AuditRow {
        seq: head.get("seq"),
        at,
        action: entry.action.to_owned(),
        actor: entry.who.slug().to_owned(),
        actor_id: entry.who.account().map(str::to_owned),
        account_id: entry.account_id.map(str::to_owned),
        reference: entry.reference.map(str::to_owned),
        object_id: entry.object_id.map(str::to_owned),
        facts: entry.facts.to_string(),
        prev_hash: head.get("hash"),
        hash: String::new(),
    };
    row.hash = match keyed {
        Some(key) => row.keyed_hash(key),
        None => row.plain_hash(),
    };
    sqlx::query(
        "INSERT INTO audit_log (seq, at, action, actor, actor_id, account_id, reference, object_id, facts, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(row.seq)
    .bind(row.at)
    .bind(&row.action)
    .bind(&row.actor)
    .bind(&row.actor_id)
    .bind(&row.account_id)
    .bind(&row.reference)
    .bind(&row.object_id)
    .bind(&row.facts)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .execute(&mut *conn)
    .await
    .context("audit: append")?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&row.hash)
        .execute(&mut *conn)
        .await
        .context("audit: record the head")?;
    Ok(row)
}

/// Appends `entry` in a transaction of its own (a download, a sign-in).
pub async fn record(pool: &Pool, at: Millis, entry: &Entry<'_>) -> anyhow::Result<AuditRow> {
    let mut tx = pool.begin().await.context("audit: begin")?;
    let row = append(&mut tx, at, entry).await?;
    tx.commit().await.context("audit: commit")?;
    Ok(row)
}

/// A DPO's read of one thing is recorded once per this long.
pub const READ_RECORDED_EVERY_MS: Millis = 3_600_000;

/// What a DPO read: a request (its reference), or a search (its tag).
pub enum Read<'a> {
    Request(&'a str),
    Search(&'a str),
}

/// Records that the DPO `dpo_id` read something (Art. 5(2): who looked at
/// whom), at most once per DPO, thing and [`READ_RECORDED_EVERY_MS`]. A
/// look without the lock first, so that reading again costs no write.
pub async fn record_read(
    pool: &Pool,
    at: Millis,
    dpo_id: &str,
    read: Read<'_>,
) -> anyhow::Result<()> {
    let (action, sql, key) = match read {
        Read::Request(reference) => (
            AuditAction::RequestViewed,
            "SELECT seq FROM audit_log WHERE reference = $1 AND action = $2 AND actor_id = $3 AND at > $4 LIMIT 1",
            reference,
        ),
        Read::Search(tag) => (
            AuditAction::QueueSearched,
            "SELECT seq FROM audit_log WHERE object_id = $1 AND action = $2 AND actor_id = $3 AND at > $4 LIMIT 1",
            tag,
        ),
    };
    async fn recorded(
        conn: &mut sqlx::AnyConnection,
        sql: &str,
        key: &str,
        action: AuditAction,
        dpo_id: &str,
        since: Millis,
    ) -> anyhow::Result<bool> {
        let found = sqlx::query_scalar::<_, i64>(sql)
            .bind(key)
            .bind(action.slug())
            .bind(dpo_id)
            .bind(since)
            .fetch_optional(conn)
            .await
            .context("audit: look for a read")?;
        Ok(found.is_some())
    }
    let since = at - READ_RECORDED_EVERY_MS;
    let mut conn = pool.acquire().await.context("audit: connect")?;
    if recorded(&mut conn, sql, key, action, dpo_id, since).await? {
        return Ok(());
    }
    drop(conn);
    let mut tx = pool.begin().await.context("audit: begin")?;
    lock_head(&mut tx).await?;
    if !recorded(&mut tx, sql, key, action, dpo_id, since).await? {
        let entry = Entry::new(action, Who::Dpo(dpo_id));
        let entry = match read {
            Read::Request(reference) => entry.reference(reference),
            Read::Search(tag) => entry.object(tag),
        };
        append(&mut tx, at, &entry).await?;
    }
    tx.commit().await.context("audit: commit")?;
    Ok(())
}

/// Takes the head's lock without appending, on the caller's transaction:
/// nothing can be appended until it ends, so what it reads of the log stays
/// the latest.
pub async fn lock_head(conn: &mut sqlx::AnyConnection) -> anyhow::Result<()> {
    sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
        .execute(conn)
        .await
        .context("audit: lock the head")?;
    Ok(())
}

/// Records a failed sign-in of an existing account, at most
/// [`FAILED_SIGN_INS_PER_HOUR`] per account and hour.
pub async fn record_failed_sign_in(
    pool: &Pool,
    account_id: &str,
    at: Millis,
) -> anyhow::Result<()> {
    let mut tx = pool.begin().await.context("audit: begin")?;
    // The head first: it serialises the count with the append.
    lock_head(&mut tx).await?;
    let recent: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_log WHERE account_id = $1 AND action = $3 AND at > $2",
    )
    .bind(account_id)
    .bind(at - 3_600_000)
    .bind(AuditAction::AccountSignInFailed.slug())
    .fetch_one(&mut *tx)
    .await
    .context("audit: count the failed sign-ins")?
    .get("n");
    if recent < FAILED_SIGN_INS_PER_HOUR {
        append(
            &mut tx,
            at,
            &Entry::new(AuditAction::AccountSignInFailed, Who::System).account(account_id),
        )
        .await?;
    }
    tx.commit().await.context("audit: commit")?;
    Ok(())
}

/// The trail of one request, oldest first.
pub async fn trail(
    conn: &mut sqlx::AnyConnection,
    reference: &str,
) -> anyhow::Result<Vec<AuditRow>> {
    sqlx::query_as::<_, AuditRow>(&format!(
        "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE reference = $1 ORDER BY seq"
    ))
    .bind(reference)
    .fetch_all(conn)
    .await
    .context("audit: read a request's trail")
}

/// What a walk of the chain found.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    pub entries: i64,
    /// The hash of the last entry (the genesis value for an empty log).
    pub head_hash: String,
    /// The first broken link, in words; `None` when the chain holds.
    pub broken: Option<String>,
}

/// Walks the whole chain in order, a page at a time.
pub async fn verify(pool: &Pool) -> anyhow::Result<Verdict> {
    const PAGE: i64 = 1000;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_owned();
    let mut after = 0;
    let mut broken = None;
    // Once an entry is keyed, every later one must be.
    let mut keyed_from: Option<i64> = None;
    'walk: loop {
        let page = sqlx::query_as::<_, AuditRow>(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(PAGE)
        .fetch_all(pool)
        .await
        .context("audit: read the log")?;
        for row in &page {
            if let Some(problem) = check_link(row, expected_seq, &prev) {
                broken = Some(problem);
                break 'walk;
            }
            match (row.hash_kind(), keyed_from) {
                (Some(true), None) if row.action != AuditAction::AuditKeyed.slug() => {
                    broken = Some(format!(
                        "entry {} is keyed, but keyed hashing never started before it \
                         (no audit.keyed entry): the log was rewritten",
                        row.seq
                    ));
                    break 'walk;
                }
                (Some(true), None) => keyed_from = Some(row.seq),
                (Some(false), Some(from)) => {
                    broken = Some(format!(
                        "entry {} is not keyed, though entries are from {from} on: the log was rewritten",
                        row.seq
                    ));
                    break 'walk;
                }
                _ => {}
            }
            expected_seq += 1;
            prev = row.hash.clone();
            after = row.seq;
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    let entries = expected_seq - 1;
    if broken.is_none() && key().is_some() && entries > 0 && keyed_from.is_none() {
        broken = Some(
            "PORTAL_AUDIT_KEY is set, but no entry is keyed: `audit key-start` was never run, \
             or the keyed entries were rewritten"
                .to_owned(),
        );
    }
    if broken.is_none() {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(pool)
            .await
            .context("audit: read the head")?;
        let (head_seq, head_hash): (i64, String) = (head.get("seq"), head.get("hash"));
        if head_seq != entries || head_hash != prev {
            broken = Some(format!(
                "the log ends at entry {entries}, but its head row names entry {head_seq} \
                 ({head_hash}): entries were removed from its end"
            ));
        }
    }
    Ok(Verdict {
        entries,
        head_hash: prev,
        broken,
    })
}

/// An anchor: the head as it was sent out of the database (the daily
/// digest prints it as `SEQ:HASH`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    /// `SEQ:HASH`, as the digest prints it.
    pub fn parse(text: &str) -> Option<Anchor> {
        let (seq, hash) = text.trim().split_once(':')?;
        let seq = seq.trim().parse::<i64>().ok().filter(|s| *s >= 0)?;
        let hash = hash.trim().to_ascii_lowercase();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(Anchor { seq, hash })
    }
}

/// Whether the entry `anchor` names is still in the log with the hash it
/// had when it was sent out: the log was not rewritten up to it. With the
/// whole chain verified too, nothing before it changed either. `None` when
/// it holds, else what differs, in words.
pub async fn check_anchor(pool: &Pool, anchor: &Anchor) -> anyhow::Result<Option<String>> {
    if anchor.seq == 0 {
        return Ok((anchor.hash != GENESIS).then(|| {
            "the anchor names entry 0, whose hash is the fixed starting value: it differs"
                .to_owned()
        }));
    }
    let hash: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(anchor.seq)
        .fetch_optional(pool)
        .await
        .context("audit: read the anchored entry")?;
    Ok(match hash {
        None => Some(format!(
            "the anchored entry {} is no longer in the log",
            anchor.seq
        )),
        Some(hash) if hash != anchor.hash => Some(format!(
            "entry {} no longer has the anchored hash {}: the log was rewritten",
            anchor.seq, anchor.hash
        )),
        Some(_) => None,
    })
}

/// Why `row` does not follow the entry before it, if it does not.
fn check_link(row: &AuditRow, expected_seq: i64, prev: &str) -> Option<String> {
    if row.seq != expected_seq {
        return Some(format!(
            "entry {expected_seq} is missing (the next one is {})",
            row.seq
        ));
    }
    if row.prev_hash != prev {
        return Some(format!(
            "entry {} does not follow entry {}: its previous hash differs",
            row.seq,
            row.seq - 1
        ));
    }
    if row.hash_kind().is_none() {
        return Some(if key().is_none() {
            format!(
                "entry {} was changed: its content no longer matches its hash \
                 (or it is keyed: set PORTAL_AUDIT_KEY to check it)",
                row.seq
            )
        } else {
            format!(
                "entry {} was changed: its content no longer matches its hash",
                row.seq
            )
        });
    }
    None
}

/// The id of the `<script type="application/json">` in which an evidence
/// page carries its document.
pub const EMBEDDED: &str = "evidence-document";

/// The document and its digest an evidence page carries, as the JSON file
/// holds them, or `None` if `page` carries none.
pub fn carried(page: &str) -> Option<serde_json::Value> {
    let open = format!("<script type=\"application/json\" id=\"{EMBEDDED}\">");
    let start = page.find(&open)? + open.len();
    let end = start + page[start..].find("</script>")?;
    serde_json::from_str(&page[start..end]).ok()
}

/// An evidence file as exported: the JSON file, or the page that carries
/// the same document.
pub enum EvidenceFile<'a> {
    Json(serde_json::Value),
    Page {
        page: &'a str,
        carried: serde_json::Value,
    },
}

impl<'a> EvidenceFile<'a> {
    /// Reads an exported file, or says why it is not one.
    pub fn read(text: &'a str) -> Result<Self, String> {
        if text.trim_start().starts_with('<') {
            return carried(text)
                .map(|carried| EvidenceFile::Page {
                    page: text,
                    carried,
                })
                .ok_or_else(|| "the page carries no evidence document".to_owned());
        }
        serde_json::from_str(text)
            .map(EvidenceFile::Json)
            .map_err(|e| format!("the file is neither an evidence page nor JSON: {e}"))
    }
}

/// Checks the audit entries an evidence file carries: each must hash to
/// its own value, and match the log's entry of the same number; and the
/// document the file holds must be the one whose export the log recorded.
/// For a page, the log must also hold the digest of the page itself, so
/// that what it shows cannot have been changed either.
pub async fn verify_evidence(pool: &Pool, file: &EvidenceFile<'_>) -> anyhow::Result<Verdict> {
    let verdict = verify(pool).await?;
    if verdict.broken.is_some() {
        return Ok(verdict);
    }
    let problem = match file {
        EvidenceFile::Json(evidence) => check_evidence(pool, evidence).await?,
        EvidenceFile::Page { page, carried } => match check_evidence(pool, carried).await? {
            Some(problem) => Some(problem),
            None => check_page(pool, page, carried).await?,
        },
    };
    Ok(Verdict {
        broken: problem,
        ..verdict
    })
}

/// Whether the log recorded the export of exactly this page.
async fn check_page(
    pool: &Pool,
    page: &str,
    carried: &serde_json::Value,
) -> anyhow::Result<Option<String>> {
    let digest = crate::secure::sha256_bytes_hex(carried["document"].to_string().as_bytes());
    let page_digest = crate::secure::sha256_bytes_hex(page.as_bytes());
    let exports: Vec<String> =
        sqlx::query("SELECT facts FROM audit_log WHERE action = $1 AND object_id = $2")
            .bind(AuditAction::ExportEvidence.slug())
            .bind(&digest)
            .fetch_all(pool)
            .await
            .context("audit: find the page's export")?
            .iter()
            .map(|row| row.get("facts"))
            .collect();
    let recorded = exports.iter().any(|facts| {
        serde_json::from_str::<serde_json::Value>(facts)
            .is_ok_and(|f| f["page_sha256"] == page_digest.as_str())
    });
    Ok((!recorded).then(|| {
        "the page differs from the one exported: what it shows was changed after it was exported"
            .to_owned()
    }))
}

async fn check_evidence(
    pool: &Pool,
    evidence: &serde_json::Value,
) -> anyhow::Result<Option<String>> {
    let Some(document) = evidence.get("document") else {
        return Ok(Some(
            "the file has no \"document\": it is not an evidence file".into(),
        ));
    };
    let Some(entries) = document.get("audit").and_then(|a| a.as_array()) else {
        return Ok(Some("the evidence file has no audit entries".into()));
    };
    for entry in entries {
        let row: AuditRow = match serde_json::from_value(entry.clone()) {
            Ok(row) => row,
            Err(e) => {
                return Ok(Some(format!(
                    "an audit entry of the file cannot be read: {e}"
                )));
            }
        };
        if row.hash_kind().is_none() {
            return Ok(Some(format!(
                "entry {} of the file was changed: its content no longer matches its hash",
                row.seq
            )));
        }
        let logged = sqlx::query_as::<_, AuditRow>(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq = $1"
        ))
        .bind(row.seq)
        .fetch_optional(pool)
        .await
        .context("audit: read an entry")?;
        match logged {
            Some(logged) if logged == row => {}
            Some(_) => {
                return Ok(Some(format!(
                    "entry {} of the file differs from the log's",
                    row.seq
                )));
            }
            None => {
                return Ok(Some(format!(
                    "entry {} of the file is not in the log",
                    row.seq
                )));
            }
        }
    }
    let digest = crate::secure::sha256_bytes_hex(document.to_string().as_bytes());
    let exported = sqlx::query("SELECT seq FROM audit_log WHERE action = $2 AND object_id = $1")
        .bind(&digest)
        .bind(AuditAction::ExportEvidence.slug())
        .fetch_optional(pool)
        .await
        .context("audit: find the export")?;
    if exported.is_none() {
        return Ok(Some(
            "the log records no export of this document: it was changed after it was exported"
                .into(),
        ));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, prev: &str) -> AuditRow {
        let mut row = AuditRow {
            seq,
            at: 1_700_000_000_000 + seq,
            action: "request.received".into(),
            actor: "subject".into(),
            actor_id: None,
            account_id: None,
            reference: Some("R-7K3M-9QX2".into()),
            object_id: None,
            facts: r#"{"status":"received"}"#.into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        row.hash = row.expected_hash();
        row
    }

    #[test]
    fn each_field_is_covered_by_the_hash() {
        let original = row(1, GENESIS);
        let mut changed = original.clone();
        changed.facts = r#"{"status":"refused"}"#.into();
        assert_ne!(changed.expected_hash(), original.hash);
        let mut changed = original.clone();
        changed.reference = Some("R-7K3M-9QX3".into());
        assert_ne!(changed.expected_hash(), original.hash);
        let mut changed = original.clone();
        changed.prev_hash = "1".repeat(64);
        assert_ne!(changed.expected_hash(), original.hash);
    }

    #[test]
    fn fields_cannot_bleed_into_each_other() {
        let mut a = row(1, GENESIS);
        a.action = "ab".into();
        a.actor = "c".into();
        let mut b = a.clone();
        b.action = "a".into();
        b.actor = "bc".into();
        assert_ne!(a.canonical(), b.canonical());
    }

    #[test]
    fn a_link_is_checked_for_number_previous_hash_and_content() {
        let first = row(1, GENESIS);
        let second = row(2, &first.hash);
        assert_eq!(check_link(&second, 2, &first.hash), None);
        assert!(
            check_link(&second, 3, &first.hash)
                .unwrap()
                .contains("missing")
        );
        assert!(
            check_link(&second, 2, GENESIS)
                .unwrap()
                .contains("does not follow")
        );
        let mut edited = second.clone();
        edited.at += 1;
        assert!(
            check_link(&edited, 2, &first.hash)
                .unwrap()
                .contains("changed")
        );
    }
}
