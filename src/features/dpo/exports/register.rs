//! The register of every request, as CSV: personal columns only when
//! the DPO ticks them; formulas neutralised.

use super::attachment;
use crate::audit::{self, Entry, Who};
use crate::domain::outcome::Outcome;
use crate::domain::{Date, Status};
use crate::error::AppError;
use crate::features::dpo::signin::console_session::Dpo;
use crate::state::AppState;
use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The register's form: names and addresses only when ticked.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub personal: String,
    /// `xlsx` for an Excel workbook; anything else, the CSV.
    pub format: String,
}

/// What starts a formula in a spreadsheet.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell: a value a spreadsheet would run as a formula gets a `'`
/// before its trigger (`=`, `+`, `-`, `@`, a tab or a carriage return),
/// at its start and after every `;` or tab, where French Excel, which
/// splits on `;`, or a tab-separated paste would start a new cell. A value
/// with a comma, a semicolon, a tab, a quote or a line break is quoted.
pub fn csv_cell(value: &str) -> String {
    let mut neutral = String::with_capacity(value.len() + 1);
    let mut cell_start = true;
    for c in value.chars() {
        if cell_start && FORMULA_TRIGGERS.contains(&c) {
            neutral.push('\'');
        }
        neutral.push(c);
        cell_start = matches!(c, ';' | '\t');
    }
    let value = neutral;
    if value.contains([',', ';', '\t', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

pub const REGISTER_HEADER: &[&str] = &[
    "reference",
    "right",
    "channel",
    "received_on",
    "first_due_on",
    "due_on",
    "extended_on",
    "extension_months",
    "closed_on",
    "status",
    "outcome",
    "on_time",
    "days_taken",
    "anonymised",
    "paused_days",
    "identity_confirmed_on",
    "art19_recipients",
    "transmitted_to",
    "reply_channel",
    "handler",
    "answer_delivered",
    "answered_on",
    "test",
    "extension_reason",
    "identity_method",
    "acting",
];

pub use crate::requests::read::RegisterRow;
use crate::requests::read::register_page;

impl RegisterRow {
    /// The row's cells; `today` decides whether an answer still waiting to
    /// be sent is late.
    pub fn cells(&self, personal: bool, today: Date) -> Vec<String> {
        let closed_on = self.closed_at.map(Date::paris_of);
        let received = Date::parse_iso(&self.received_on);
        let due = self.due_on.as_deref().and_then(Date::parse_iso);
        let answered_on = self.answered_on.as_deref().and_then(Date::parse_iso);
        let on_time = match Status::parse(&self.status)
            .and_then(|s| s.answered_on_time(answered_on, due, today))
        {
            Some(true) => "yes".to_owned(),
            Some(false) => "no".to_owned(),
            None => String::new(),
        };
        let days_taken = match (closed_on, received) {
            (Some(closed), Some(received)) => (closed.to_days() - received.to_days()).to_string(),
            _ => String::new(),
        };
        let parsed = self
            .outcome
            .as_deref()
            .and_then(|o| serde_json::from_str::<Outcome>(o).ok());
        // Art. 19: who was told, and when; "none" when nobody had the data.
        let (art19, transmitted) = match &parsed {
            Some(Outcome::Completed {
                notified,
                no_recipients,
                sent_to,
                ..
            }) => (
                if *no_recipients {
                    "none".to_owned()
                } else {
                    notified
                        .iter()
                        .map(|n| format!("{} ({})", n.name, n.on.iso()))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
                sent_to
                    .as_ref()
                    .map(|s| format!("{} ({})", s.organisation, s.on.iso()))
                    .unwrap_or_default(),
            ),
            _ => (String::new(), String::new()),
        };
        let outcome = match parsed {
            Some(Outcome::Completed { kept, .. }) if kept.is_empty() => "completed".to_owned(),
            Some(Outcome::Completed { kept, .. }) => {
                let grounds: Vec<&str> = kept.iter().map(|part| part.ground.slug()).collect();
                format!("partial: {}", grounds.join(" "))
            }
            Some(Outcome::Refused { reason, .. }) => format!("refused: {}", reason.slug()),
            None if self.status == Status::Withdrawn.slug() => "withdrawn".to_owned(),
            None => String::new(),
        };
        let mut cells = vec![
            self.reference.clone(),
            self.right_kind.clone(),
            self.intake.clone(),
            self.received_on.clone(),
            self.first_due_on.clone(),
            self.due_on.clone().unwrap_or_default(),
            self.extended_at
                .map(|at| Date::paris_of(at).iso())
                .unwrap_or_default(),
            self.extension_months.to_string(),
            closed_on.map(Date::iso).unwrap_or_default(),
            self.status.clone(),
            outcome,
            on_time,
            days_taken,
            if self.anonymised_at.is_some() {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
            self.paused_days.to_string(),
            // The day recorded with the method; before it was recorded,
            // the day processing started.
            self.identity_on.clone().unwrap_or_else(|| {
                self.started_at
                    .map(|at| Date::paris_of(at).iso())
                    .unwrap_or_default()
            }),
            art19,
            transmitted,
            self.reply_channel.clone(),
            self.handler.clone().unwrap_or_default(),
            match self.answer_delivered {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            answered_on.map(Date::iso).unwrap_or_default(),
            if self.is_test != 0 { "yes" } else { "no" }.to_owned(),
            self.extension_reason.clone().unwrap_or_default(),
            self.identity_method.clone().unwrap_or_default(),
            self.acting.clone(),
        ];
        if personal {
            cells.extend(self.personal.iter().cloned());
        }
        cells
    }
}

/// `POST /dpo/export/register`: the register as CSV, oldest first, read a
/// page at a time so that a million requests stream in constant memory.
pub async fn register(
    State(state): State<AppState>,
    dpo: Dpo,
    body: Body,
) -> Result<Response, AppError> {
    let form: RegisterForm = match axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|bytes| serde_qs::from_bytes(&bytes).ok())
    {
        Some(form) => form,
        None => return Ok(StatusCode::BAD_REQUEST.into_response()),
    };
    let personal = !form.personal.is_empty();
    let xlsx = form.format == "xlsx";
    let now = state.clock.now();
    let entry = Entry::new(
        crate::audit::AuditAction::ExportRegister,
        Who::Dpo(&dpo.account_id),
    )
    .facts(serde_json::json!({
        "personal_data": personal,
        "format": if xlsx { "xlsx" } else { "csv" },
    }));
    audit::record(&state.pool, now, &entry).await?;
    let mut header: Vec<String> = REGISTER_HEADER.iter().map(|h| (*h).to_owned()).collect();
    if personal {
        header.extend(crate::requests::columns::in_register().map(str::to_owned));
    }
    let today = Date::paris_of(now);
    if xlsx {
        let bytes = register_xlsx(&state.pool, header, personal, today).await?;
        let name = format!("register-{}.xlsx", today.iso());
        return Ok(attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &name,
            Body::from(bytes),
        ));
    }
    let first = Bytes::from(csv_line(&header));
    let pool = state.pool.clone();
    let pages = futures::stream::unfold(Some((i64::MIN, String::new())), move |after| {
        let pool = pool.clone();
        async move {
            let after = after?;
            match register_page(&pool, &after).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let next = rows.last().map(|r| (r.received_at, r.reference.clone()));
                    let chunk: String = rows
                        .iter()
                        .map(|r| csv_line(&r.cells(personal, today)))
                        .collect();
                    Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), next))
                }
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "register export stopped");
                    Some((Err(std::io::Error::other("register export stopped")), None))
                }
            }
        }
    });
    // Fused: the compression layer polls once more after the end, which a
    // bare `unfold` answers with a panic.
    let stream = futures::StreamExt::fuse(futures::StreamExt::chain(
        futures::stream::once(async move { Ok::<_, std::io::Error>(first) }),
        pages,
    ));
    let name = format!("register-{}.csv", Date::paris_of(now).iso());
    Ok(attachment(
        "text/csv; charset=utf-8",
        &name,
        Body::from_stream(stream),
    ))
}

/// The register as an Excel workbook: one sheet, every cell a string, so
/// that nothing in it runs as a formula whatever it starts with. Built in
/// memory (the CSV streams); at most Excel's 1,048,575 rows.
async fn register_xlsx(
    pool: &crate::db::Pool,
    header: Vec<String>,
    personal: bool,
    today: Date,
) -> anyhow::Result<Vec<u8>> {
    const MAX_ROWS: usize = 1_048_575;
    let mut lines = Vec::new();
    let mut after = (i64::MIN, String::new());
    while lines.len() < MAX_ROWS {
        let rows = register_page(pool, &after).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = (last.received_at, last.reference.clone());
        lines.extend(rows.iter().map(|r| r.cells(personal, today)));
    }
    lines.truncate(MAX_ROWS);
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u8>> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("register")?;
        for (row, cells) in std::iter::once(&header).chain(lines.iter()).enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                sheet.write_string(row as u32, column as u16, cell)?;
            }
        }
        Ok(workbook.save_to_buffer()?)
    })
    .await
    .context("register: the workbook's task")?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_separators_quoted() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+33 1 23"), "'+33 1 23");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tcmd"), "\"'\tcmd\"");
        // French Excel splits on `;`: what follows one is a cell's start.
        assert_eq!(csv_cell("Dupont;=1+1"), "\"Dupont;'=1+1\"");
        assert_eq!(csv_cell("a\t@SUM(A1)"), "\"a\t'@SUM(A1)\"");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("Dupont, Jean"), "\"Dupont, Jean\"");
        assert_eq!(csv_cell("R-7K3M-9QX2"), "R-7K3M-9QX2");
        assert_eq!(csv_cell(""), "");
    }
}
