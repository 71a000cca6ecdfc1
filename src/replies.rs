//! Reply templates (SPEC §4): the texts a DPO starts an answer from. Each
//! edit stores a new version, audited; the current one is the highest.
//! The paragraphs the law requires are not in them: the emails of a
//! refusal, a partial answer and an extension always add them
//! (`email::templates`), so no edit can take them out.

use crate::clock::Millis;
use crate::db::Pool;
use crate::domain::choice::choice_enum;
use crate::domain::{Lang, RightKind};
use anyhow::Context;

choice_enum! {
    /// The kind of answer a template serves.
    pub enum TemplateKind {
        Refused = "refused",
        /// A completion that did not do everything asked.
        Partial = "partial",
        Extended = "extended",
        Completed = "completed",
        /// A short text for a message or a question.
        Snippet = "snippet",
    }
}

/// The current version of one template.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Template {
    pub template_id: String,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub kind: TemplateKind,
    pub right_kind: Option<String>,
    #[sqlx(try_from = "String")]
    pub lang: Lang,
    pub name: String,
    pub body: String,
    pub created_at: Millis,
}

impl Template {
    /// Whether it serves a request of `right` in `lang`.
    pub fn fits(&self, right: RightKind, lang: Lang) -> bool {
        self.lang == lang && self.right_kind.as_deref().is_none_or(|r| r == right.slug())
    }
}

/// A template as saved: a new one, or a new version of `template_id`.
pub struct Saved {
    pub template_id: Option<String>,
    pub kind: TemplateKind,
    pub right: Option<RightKind>,
    pub lang: Lang,
    pub name: String,
    pub body: String,
}

/// Every template, at its current version, by kind and name.
pub async fn current(pool: &Pool) -> anyhow::Result<Vec<Template>> {
    sqlx::query_as::<_, Template>(
        "SELECT t.template_id, t.version, t.kind, t.right_kind, t.lang, t.name, t.body, t.created_at \
         FROM reply_templates t WHERE t.version = \
         (SELECT MAX(v.version) FROM reply_templates v WHERE v.template_id = t.template_id) \
         ORDER BY t.kind, t.lang, t.name",
    )
    .fetch_all(pool)
    .await
    .context("templates: read the current versions")
}

/// Stores `saved` as the next version (the first of a new template), and
/// its audit entry; returns (template id, version).
pub async fn save(
    pool: &Pool,
    saved: &Saved,
    by: &str,
    now: Millis,
) -> anyhow::Result<(String, i64)> {
    let mut tx = pool.begin().await.context("templates: begin")?;
    let template_id = saved.template_id.clone().unwrap_or_else(crate::db::new_id);
    // The version is computed by the insert itself: a transaction that
    // read first and wrote after could not take SQLite's write lock once
    // another connection had written meanwhile.
    let version: i64 = sqlx::query_scalar::<_, i64>(
        "INSERT INTO reply_templates (id, template_id, version, kind, right_kind, lang, name, body, created_at, created_by) \
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9 FROM reply_templates WHERE template_id = $2 \
         RETURNING version",
    )
    .bind(crate::db::new_id())
    .bind(&template_id)
    .bind(saved.kind.slug())
    .bind(saved.right.map(RightKind::slug))
    .bind(saved.lang.code())
    .bind(&saved.name)
    .bind(&saved.body)
    .bind(now)
    .bind(by)
    .fetch_one(&mut *tx)
    .await
    .context("templates: store a version")?;
    let entry = crate::audit::Entry::new(
        crate::audit::AuditAction::TemplateSaved,
        crate::audit::Who::Dpo(by),
    )
    .object(&template_id)
    .facts(serde_json::json!({ "version": version, "kind": saved.kind.slug(), "sha256": crate::secure::sha256_hex(&[&saved.body]) }));
    crate::audit::append(&mut tx, now, &entry).await?;
    tx.commit().await.context("templates: commit")?;
    Ok((template_id, version))
}
