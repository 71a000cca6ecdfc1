//! One task per system and actionable request. Tasks are created in the
//! transaction that makes the request actionable (`requests::apply`), so a
//! request is never in progress without them; a result is written in one
//! transaction with its files (unshared reply files), its audit entry and
//! its Idempotency-Key, so the same key sent again gets the first answer.

use crate::audit::{self, AuditAction, Entry, Who};
use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::task::{TaskResult, TaskState};
use crate::domain::{RightKind, iso_instant};
use anyhow::Context;
use serde::Serialize;
use sqlx::Row;

/// Creates a task for each enabled system that handles `right`, unless
/// the request has its tasks already (a request that was paused and
/// resumed). Each is an audit entry. Returns how many were created.
pub async fn create_for(
    tx: &mut sqlx::AnyConnection,
    request_id: &str,
    reference: &str,
    right: RightKind,
    now: Millis,
) -> anyhow::Result<usize> {
    let existing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM system_tasks WHERE request_id = $1 AND replay_of IS NULL",
    )
    .bind(request_id)
    .fetch_one(&mut *tx)
    .await
    .context("tasks: count a request's tasks")?;
    if existing > 0 {
        return Ok(0);
    }
    let systems = sqlx::query_as::<_, super::SystemRow>(
        "SELECT id, name, rights, webhook_url, key_hint, enabled, created_at FROM systems WHERE enabled = 1 ORDER BY name",
    )
    .fetch_all(&mut *tx)
    .await
    .context("tasks: the enabled systems")?;
    let mut created = 0;
    for system in systems.iter().filter(|s| s.handles(right)) {
        insert(
            tx,
            &system.id,
            system.webhook_url.is_some(),
            request_id,
            reference,
            None,
            now,
        )
        .await?;
        created += 1;
    }
    Ok(created)
}

/// Inserts one task, with its audit entry.
pub(super) async fn insert(
    tx: &mut sqlx::AnyConnection,
    system_id: &str,
    webhook: bool,
    request_id: &str,
    reference: &str,
    replay_of: Option<&str>,
    now: Millis,
) -> anyhow::Result<String> {
    let id = crate::db::new_id();
    sqlx::query(
        "INSERT INTO system_tasks (id, system_id, request_id, created_at, state, replay_of, delivery, next_attempt_at) \
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7)",
    )
    .bind(&id)
    .bind(system_id)
    .bind(request_id)
    .bind(now)
    .bind(replay_of)
    .bind(if webhook { "pending" } else { "pull" })
    .bind(webhook.then_some(now))
    .execute(&mut *tx)
    .await
    .context("tasks: insert")?;
    let facts = serde_json::json!({ "system": system_id, "replay_of": replay_of });
    audit::append(
        tx,
        now,
        &Entry::new(AuditAction::TaskCreated, Who::System)
            .reference(reference)
            .object(&id)
            .facts(facts),
    )
    .await?;
    Ok(id)
}

/// What a system is told about one task: identifiers only, never the
/// request's free text.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TaskView {
    pub id: String,
    /// The request's reference, as the subject and the DPO know it.
    pub reference: String,
    pub right: String,
    /// The categories of data the request names; empty for all of them.
    pub categories: Vec<String>,
    pub subject: SubjectIds,
    pub state: String,
    pub created_at: String,
    /// The erasure task this one repeats (`erasures replay`).
    pub replay_of: Option<String>,
}

/// Who the request is about, as the systems know people.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SubjectIds {
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub customer_number: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TaskJoin {
    id: String,
    reference: String,
    right_kind: String,
    details: Option<String>,
    email: String,
    first_name: String,
    last_name: String,
    customer_number: Option<String>,
    state: String,
    created_at: Millis,
    replay_of: Option<String>,
}

const JOIN: &str = "SELECT t.id, r.reference, r.right_kind, r.details, r.email, r.first_name, r.last_name, \
     r.customer_number, t.state, t.created_at, t.replay_of \
     FROM system_tasks t JOIN requests r ON r.id = t.request_id";

impl From<TaskJoin> for TaskView {
    fn from(row: TaskJoin) -> Self {
        TaskView {
            categories: row
                .details
                .as_deref()
                .map(categories_of)
                .unwrap_or_default(),
            id: row.id,
            reference: row.reference,
            right: row.right_kind,
            subject: SubjectIds {
                email: (!row.email.is_empty()).then_some(row.email),
                first_name: row.first_name,
                last_name: row.last_name,
                customer_number: row.customer_number.filter(|n| !n.is_empty()),
            },
            state: row.state,
            created_at: iso_instant(row.created_at),
            replay_of: row.replay_of,
        }
    }
}

/// The categories a request's details name (`scope.categories`); none
/// when it asks for all the data or names none.
fn categories_of(details: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(details) else {
        return Vec::new();
    };
    value
        .pointer("/scope/categories")
        .and_then(|c| c.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The most tasks one page of the list holds.
pub const PAGE: i64 = 100;

/// A system's tasks, oldest first, in `state` if given, after the task
/// `after` (a cursor: the last id of the page before).
pub async fn list(
    pool: &Pool,
    system_id: &str,
    state: Option<TaskState>,
    after: Option<(Millis, String)>,
) -> anyhow::Result<Vec<TaskView>> {
    let (after_at, after_id) = after.unwrap_or((i64::MIN, String::new()));
    let rows = sqlx::query_as::<_, TaskJoin>(&format!(
        "{JOIN} WHERE t.system_id = $1 AND ($2 = '' OR t.state = $2) \
         AND (t.created_at > $3 OR (t.created_at = $3 AND t.id > $4)) \
         ORDER BY t.created_at, t.id LIMIT $5"
    ))
    .bind(system_id)
    .bind(state.map_or("", TaskState::slug))
    .bind(after_at)
    .bind(&after_id)
    .bind(PAGE)
    .fetch_all(pool)
    .await
    .context("tasks: list a system's tasks")?;
    Ok(rows.into_iter().map(TaskView::from).collect())
}

/// The task `id` of `system_id`; `None` for another system's task.
pub async fn get(pool: &Pool, system_id: &str, id: &str) -> anyhow::Result<Option<TaskView>> {
    let row =
        sqlx::query_as::<_, TaskJoin>(&format!("{JOIN} WHERE t.system_id = $1 AND t.id = $2"))
            .bind(system_id)
            .bind(id)
            .fetch_optional(pool)
            .await
            .context("tasks: read a task")?;
    Ok(row.map(TaskView::from))
}

/// The creation time of a task of `system_id` (the list's cursor).
pub async fn cursor_of(
    pool: &Pool,
    system_id: &str,
    id: &str,
) -> anyhow::Result<Option<(Millis, String)>> {
    let at: Option<Millis> =
        sqlx::query_scalar("SELECT created_at FROM system_tasks WHERE system_id = $1 AND id = $2")
            .bind(system_id)
            .bind(id)
            .fetch_optional(pool)
            .await
            .context("tasks: read a cursor")?;
    Ok(at.map(|at| (at, id.to_owned())))
}

/// A file a result carries, checked.
pub struct ResultFile {
    pub name: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
}

/// A result to record, with the key it came under.
pub struct NewResult<'a> {
    pub system_id: &'a str,
    pub task_id: &'a str,
    pub idempotency_key: &'a str,
    /// The SHA-256 of the body: the same key with another body is refused.
    pub body_sha256: &'a str,
    pub result: TaskResult,
    pub identifiers: &'a std::collections::BTreeMap<String, String>,
    pub files: Vec<ResultFile>,
}

/// The answer to a result taken: the task, its new state, and how many
/// files were stored.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ResultAnswer {
    pub id: String,
    pub state: String,
    pub files: usize,
}

/// What recording a result came to. `Answer` is the stored first answer
/// (status and JSON body) for this key.
#[derive(Debug)]
pub enum Recorded {
    Answer {
        status: u16,
        body: String,
    },
    /// The key was used before with another body.
    KeyReused,
    /// Not a task of this system.
    NoSuchTask,
    /// The task has its result already (under another key).
    AlreadyAnswered,
}

/// The stored answer for a key, if it was used.
pub async fn replayed(
    pool: &Pool,
    system_id: &str,
    idempotency_key: &str,
    body_sha256: &str,
) -> anyhow::Result<Option<Recorded>> {
    let row = sqlx::query(
        "SELECT body_sha256, status, answer FROM task_results WHERE system_id = $1 AND idempotency_key = $2",
    )
    .bind(system_id)
    .bind(idempotency_key)
    .fetch_optional(pool)
    .await
    .context("tasks: read an idempotency key")?;
    Ok(row.map(|row| {
        if row.get::<String, _>("body_sha256") == body_sha256 {
            Recorded::Answer {
                status: u16::try_from(row.get::<i64, _>("status")).unwrap_or(200),
                body: row.get("answer"),
            }
        } else {
            Recorded::KeyReused
        }
    }))
}

/// Records `new`: the task's state and result, its files as unshared reply
/// files, an audit entry naming each file's SHA-256, and the answer under
/// its key, in one transaction.
pub async fn record_result(
    pool: &Pool,
    new: NewResult<'_>,
    now: Millis,
) -> anyhow::Result<Recorded> {
    if let Some(seen) = replayed(pool, new.system_id, new.idempotency_key, new.body_sha256).await? {
        return Ok(seen);
    }
    let result_json = serde_json::to_string(&new.result).context("tasks: the result as JSON")?;
    let identifiers = (!new.identifiers.is_empty())
        .then(|| serde_json::to_string(new.identifiers))
        .transpose()
        .context("tasks: the identifiers as JSON")?;
    // The write comes first: on SQLite a transaction that read first
    // could not take the write lock after another writer's commit.
    let mut tx = pool.begin().await.context("tasks: begin")?;
    // A failed task may be answered again once the system recovers.
    let updated = sqlx::query(
        "UPDATE system_tasks SET state = $1, result = $2, found_identifiers = $3, result_at = $4 \
         WHERE id = $5 AND system_id = $6 AND state IN ('open', 'failed')",
    )
    .bind(new.result.state().slug())
    .bind(&result_json)
    .bind(identifiers.as_deref())
    .bind(now)
    .bind(new.task_id)
    .bind(new.system_id)
    .execute(&mut *tx)
    .await
    .context("tasks: record the result")?;
    if updated.rows_affected() != 1 {
        tx.rollback().await.context("tasks: roll back")?;
        // A parallel call with the same key may have won: its answer.
        if let Some(seen) =
            replayed(pool, new.system_id, new.idempotency_key, new.body_sha256).await?
        {
            return Ok(seen);
        }
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM system_tasks WHERE id = $1 AND system_id = $2")
                .bind(new.task_id)
                .bind(new.system_id)
                .fetch_optional(pool)
                .await
                .context("tasks: read the task")?;
        return Ok(if exists.is_some() {
            Recorded::AlreadyAnswered
        } else {
            Recorded::NoSuchTask
        });
    }
    let task = sqlx::query(
        "SELECT t.request_id, r.reference FROM system_tasks t JOIN requests r ON r.id = t.request_id WHERE t.id = $1",
    )
    .bind(new.task_id)
    .fetch_one(&mut *tx)
    .await
    .context("tasks: read the task")?;
    let request_id: String = task.get("request_id");
    let reference: String = task.get("reference");
    let mut files = Vec::new();
    for file in &new.files {
        let id = crate::db::new_id();
        let sha256 = crate::secure::sha256_bytes_hex(&file.data);
        sqlx::query(
            "INSERT INTO request_files (id, request_id, direction, name, content_type, size, sha256, data, created_at, task_id) \
             VALUES ($1, $2, 'to_subject', $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&request_id)
        .bind(&file.name)
        .bind(file.content_type)
        .bind(file.data.len() as i64)
        .bind(&sha256)
        .bind(file.data.clone())
        .bind(now)
        .bind(new.task_id)
        .execute(&mut *tx)
        .await
        .context("tasks: store a result's file")?;
        files.push(serde_json::json!({ "id": id, "sha256": sha256 }));
    }
    let answer = serde_json::to_string(&ResultAnswer {
        id: new.task_id.to_owned(),
        state: new.result.state().slug().to_owned(),
        files: files.len(),
    })
    .context("tasks: the answer as JSON")?;
    let stored = sqlx::query(
        "INSERT INTO task_results (system_id, idempotency_key, task_id, body_sha256, status, answer, created_at) \
         VALUES ($1, $2, $3, $4, 200, $5, $6) ON CONFLICT (system_id, idempotency_key) DO NOTHING",
    )
    .bind(new.system_id)
    .bind(new.idempotency_key)
    .bind(new.task_id)
    .bind(new.body_sha256)
    .bind(&answer)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("tasks: keep the idempotency key")?;
    if stored.rows_affected() != 1 {
        tx.rollback().await.context("tasks: roll back")?;
        return Ok(
            replayed(pool, new.system_id, new.idempotency_key, new.body_sha256)
                .await?
                .unwrap_or(Recorded::KeyReused),
        );
    }
    let facts = serde_json::json!({
        "system": new.system_id,
        "state": new.result.state().slug(),
        "ground": match &new.result {
            TaskResult::Retained { kept } => Some(kept.ground.slug()),
            _ => None,
        },
        "files": files,
    });
    audit::append(
        &mut tx,
        now,
        &Entry::new(AuditAction::TaskResult, Who::System)
            .reference(&reference)
            .object(new.task_id)
            .facts(facts),
    )
    .await?;
    tx.commit().await.context("tasks: commit")?;
    Ok(Recorded::Answer {
        status: 200,
        body: answer,
    })
}

/// A task as the request's page shows it: which system, where its
/// delivery and its result stand.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestTask {
    pub id: String,
    pub system: String,
    #[sqlx(try_from = "String")]
    pub state: TaskState,
    /// The result (`TaskResult` as JSON); blanked at anonymisation.
    pub result: Option<String>,
    pub result_at: Option<Millis>,
    /// `pending`, `delivered`, `failed` (given up: the DPO retries) or
    /// `pull`.
    pub delivery: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub delivered_at: Option<Millis>,
    pub replay_of: Option<String>,
    pub created_at: Millis,
    /// Further identifiers the system found, as JSON.
    pub found_identifiers: Option<String>,
}

impl RequestTask {
    pub fn result(&self) -> Option<TaskResult> {
        serde_json::from_str(self.result.as_deref()?).ok()
    }

    /// The part the system kept, and why.
    pub fn kept(&self) -> Option<crate::domain::outcome::KeptPart> {
        match self.result()? {
            TaskResult::Retained { kept } => Some(kept),
            _ => None,
        }
    }

    pub fn standing(&self) -> TaskStanding {
        match self.state {
            TaskState::Open if self.delivery == "delivered" => TaskStanding::Delivered,
            TaskState::Open if self.delivery == "failed" => TaskStanding::Undelivered,
            TaskState::Open => TaskStanding::Waiting,
            TaskState::Done => TaskStanding::Done,
            TaskState::NotFound => TaskStanding::NotFound,
            TaskState::Retained => TaskStanding::Kept,
            TaskState::Failed => TaskStanding::Failed,
        }
    }
}

pub use crate::domain::task::TaskStanding;

/// The tasks of one request, oldest first.
pub async fn of_request(
    conn: &mut sqlx::AnyConnection,
    request_id: &str,
) -> anyhow::Result<Vec<RequestTask>> {
    sqlx::query_as::<_, RequestTask>(
        "SELECT t.id, s.name AS system, t.state, t.result, t.result_at, t.delivery, t.attempts, t.last_error, \
         t.delivered_at, t.replay_of, t.created_at, t.found_identifiers \
         FROM system_tasks t JOIN systems s ON s.id = t.system_id WHERE t.request_id = $1 ORDER BY t.created_at, s.name",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await
    .context("tasks: a request's tasks")
}

/// What `erasures replay` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Replayed {
    pub tasks: usize,
    /// Requests anonymised since: nothing left to name the person.
    pub anonymised: usize,
}

/// Sends again to `system` every erasure it answered since the start of
/// `since` (Paris time): after it restores a backup taken before them,
/// the people they erased are back. A task still open, or already
/// replayed and not answered yet, is not sent twice.
pub async fn replay_erasures(
    pool: &Pool,
    system: &super::SystemRow,
    since: crate::domain::Date,
    now: Millis,
) -> anyhow::Result<Replayed> {
    let midnight = since.to_days() * 86_400_000;
    let from = midnight - crate::domain::paris_offset_millis(midnight);
    let rows = sqlx::query(
        "SELECT t.id, t.request_id, r.reference, r.anonymised_at FROM system_tasks t JOIN requests r ON r.id = t.request_id \
         WHERE t.system_id = $1 AND r.right_kind = 'erasure' AND t.replay_of IS NULL AND t.created_at >= $2 \
         AND t.state <> 'open' \
         AND NOT EXISTS (SELECT 1 FROM system_tasks p WHERE p.replay_of = t.id AND p.state = 'open') \
         ORDER BY t.created_at, t.id",
    )
    .bind(&system.id)
    .bind(from)
    .fetch_all(pool)
    .await
    .context("replay: find the erasures")?;
    let mut replayed = Replayed::default();
    for row in rows {
        if row.get::<Option<Millis>, _>("anonymised_at").is_some() {
            replayed.anonymised += 1;
            continue;
        }
        let mut tx = pool.begin().await.context("replay: begin")?;
        insert(
            &mut tx,
            &system.id,
            system.webhook_url.is_some(),
            row.get::<String, _>("request_id").as_str(),
            row.get::<String, _>("reference").as_str(),
            Some(row.get::<String, _>("id").as_str()),
            now,
        )
        .await?;
        tx.commit().await.context("replay: commit")?;
        replayed.tasks += 1;
    }
    Ok(replayed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_come_from_the_scope() {
        assert_eq!(
            categories_of(r#"{"scope":{"categories":["prospect","client"]},"ground":"x"}"#),
            vec!["prospect", "client"]
        );
        assert!(categories_of(r#"{"scope":"all"}"#).is_empty());
        assert!(categories_of("not json").is_empty());
    }
}
