//! The API for SOFACTO's own systems, under `/api/v1` (SPEC §4b). A system
//! authenticates with its key (`Authorization: Bearer spp_…`), never a
//! cookie, so these routes take no CSRF check and no session. Every error
//! is RFC 9457 `application/problem+json` with a stable `type`; bad input
//! is a 4xx, never a 5xx.

mod problem;

pub use problem::{Problem, ProblemDocument};

use crate::domain::task::{ResultBody, TaskState, parse_result};
use crate::limits::{self, Counter, Limit};
use crate::state::AppState;
use crate::systems::SystemRow;
use crate::systems::tasks::{self, NewResult, Recorded, ResultFile};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SOFACTO privacy portal: the API of SOFACTO's systems",
        version = "1",
        description = "Each of SOFACTO's systems (declared with `privacy-portal system add`) gets a task per GDPR request it is concerned by, and answers it with a result. Authenticate with `Authorization: Bearer spp_…`. Errors are RFC 9457 problem documents."
    ),
    servers((url = "/api/v1")),
    modifiers(&ApiKey),
    tags((name = "tasks", description = "A system's tasks and their results"))
)]
struct ApiDoc;

/// The key every call but the document's carries.
struct ApiKey;

impl utoipa::Modify for ApiKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "api_key",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("spp_ and 64 hex digits")
                        .build(),
                ),
            );
    }
}

/// Every route, each with its description: the router and the document
/// come from this one list.
fn described() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_tasks))
        .routes(routes!(read_task))
        .routes(routes!(post_result))
        .routes(routes!(record_request))
        .routes(routes!(openapi_document))
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    described().split_for_parts().1
}

#[derive(Clone)]
struct Document(Arc<String>);

/// The API's routes, to nest under `/api/v1`.
pub fn routes(state: &AppState) -> Router<AppState> {
    // A result's files travel in base64 (4 bytes for 3) inside JSON.
    let body_limit = state.config.max_file_bytes() / 3 * 4 + 64 * 1024;
    let (router, doc) = described().split_for_parts();
    let json = doc.to_json().unwrap_or_default();
    router
        .layer(axum::Extension(Document(Arc::new(json))))
        .fallback(|| async { Problem::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this route does not take this method",
            )
        })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
}

/// The system whose key came with the call, counted against its limit.
pub struct ApiSystem(pub SystemRow);

impl FromRequestParts<AppState> for ApiSystem {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|key| key.starts_with(crate::systems::keys::API_KEY_PREFIX))
            .ok_or_else(Problem::unauthorized)?;
        let system = crate::systems::by_key(&state.pool, key)
            .await
            .map_err(Problem::internal)?
            .ok_or_else(Problem::unauthorized)?;
        let now = state.clock.now();
        let limit = Limit::new(
            Counter::ApiCallsPerKeyMinute,
            &system.id,
            &state.config.limits,
        );
        let mut conn = state
            .pool
            .acquire()
            .await
            .map_err(|e| Problem::internal(anyhow::Error::new(e).context("api: connect")))?;
        let within = limits::hit(&mut conn, &state.counter_key, &limit, now)
            .await
            .map_err(Problem::internal)?;
        if !within {
            let window = Counter::ApiCallsPerKeyMinute.window_ms();
            let wait = (window - now.rem_euclid(window)).div_euclid(1000) + 1;
            return Err(Problem::too_many(wait as u64));
        }
        Ok(ApiSystem(system))
    }
}

/// The OpenAPI 3.1 document of this API (no key needed).
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "tasks",
    responses((status = 200, description = "This document", content_type = "application/json"))
)]
async fn openapi_document(axum::Extension(Document(json)): axum::Extension<Document>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        json.as_str().to_owned(),
    )
        .into_response()
}

/// One page of tasks.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TaskPage {
    pub tasks: Vec<crate::systems::tasks::TaskView>,
    /// Pass it as `after` for the next page; absent on the last one.
    pub next_after: Option<String>,
}

/// The system's tasks, oldest first, 100 a page.
#[utoipa::path(
    get,
    path = "/tasks",
    tag = "tasks",
    params(
        ("state" = Option<String>, Query, description = "open, done, not_found, retained, failed, or all (the default)"),
        ("after" = Option<String>, Query, description = "The `next_after` of the page before"),
    ),
    responses(
        (status = 200, description = "A page of the system's tasks", body = TaskPage),
        (status = 400, description = "The query string cannot be read", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "An unknown state, or a cursor that is not one of the system's tasks", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds; fix the call first"))),
        (status = 429, description = "Too many calls with this key this minute", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds until the next minute"))),
    ),
    security(("api_key" = []))
)]
async fn list_tasks(
    State(state): State<AppState>,
    ApiSystem(system): ApiSystem,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) =
        query.map_err(|_| Problem::bad_request("the query string cannot be read"))?;
    let wanted = match query.get("state").map(String::as_str) {
        None | Some("") | Some("all") => None,
        Some(slug) => Some(TaskState::parse(slug).ok_or_else(|| {
            Problem::invalid(vec![(
                "state",
                "one of open, done, not_found, retained, failed, all".to_owned(),
            )])
        })?),
    };
    let after = match query.get("after").filter(|a| !a.is_empty()) {
        None => None,
        Some(id) => Some(
            tasks::cursor_of(&state.pool, &system.id, id)
                .await
                .map_err(Problem::internal)?
                .ok_or_else(|| {
                    Problem::invalid(vec![("after", "not one of your tasks".to_owned())])
                })?,
        ),
    };
    let page = tasks::list(&state.pool, &system.id, wanted, after)
        .await
        .map_err(Problem::internal)?;
    let next_after = (page.len() as i64 == tasks::PAGE)
        .then(|| page.last().map(|t| t.id.clone()))
        .flatten();
    Ok(axum::Json(TaskPage {
        tasks: page,
        next_after,
    })
    .into_response())
}

/// One of the system's tasks; another system's is not found.
#[utoipa::path(
    get,
    path = "/tasks/{id}",
    tag = "tasks",
    params(("id" = String, Path, description = "The task's id")),
    responses(
        (status = 200, description = "The task", body = crate::systems::tasks::TaskView),
        (status = 401, description = "No valid API key", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 404, description = "No task of this system has this id", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls with this key this minute", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds until the next minute"))),
    ),
    security(("api_key" = []))
)]
async fn read_task(
    State(state): State<AppState>,
    ApiSystem(system): ApiSystem,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let task = tasks::get(&state.pool, &system.id, &id)
        .await
        .map_err(Problem::internal)?
        .ok_or_else(|| Problem::not_found("no task of yours has this id"))?;
    Ok(axum::Json(task).into_response())
}

/// The longest Idempotency-Key taken.
const MAX_KEY_CHARS: usize = 200;

/// A body sent as anything but JSON is `415`.
fn require_json(headers: &HeaderMap) -> Result<(), Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if json {
        Ok(())
    } else {
        Err(Problem::unsupported_media_type())
    }
}

/// The `Idempotency-Key` header, 1 to `MAX_KEY_CHARS` characters, sent
/// with each `what` (a result, a request).
fn idempotency_key<'h>(headers: &'h HeaderMap, what: &str) -> Result<&'h str, Problem> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.chars().count() <= MAX_KEY_CHARS)
        .ok_or_else(|| {
            Problem::bad_request(&format!(
                "send an Idempotency-Key header (1 to {MAX_KEY_CHARS} characters) with each {what}"
            ))
        })
}

/// The system's result for its task, with its files. The same
/// Idempotency-Key and body again get the first answer.
#[utoipa::path(
    post,
    path = "/tasks/{id}/result",
    tag = "tasks",
    params(
        ("id" = String, Path, description = "The task's id"),
        ("Idempotency-Key" = String, Header, description = "1 to 200 characters, new for each result"),
    ),
    request_body(content = crate::domain::task::ResultBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The result is recorded (or was, under this key)", body = crate::systems::tasks::ResultAnswer),
        (status = 400, description = "No Idempotency-Key, or a body that cannot be read", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 404, description = "No task of this system has this id", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 409, description = "The task has its result, under another key", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 413, description = "The files are larger than PORTAL_MAX_FILE_MB together", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds; fix the call first"))),
        (status = 415, description = "The body is not application/json", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds; fix the call first"))),
        (status = 422, description = "A field is wrong (see errors), or the key came with another body", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds; fix the call first"))),
        (status = 429, description = "Too many calls with this key this minute", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds until the next minute"))),
    ),
    security(("api_key" = []))
)]
async fn post_result(
    State(state): State<AppState>,
    ApiSystem(system): ApiSystem,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large(state.config.max_file_bytes())
        } else {
            Problem::bad_request("the body cannot be read")
        }
    })?;
    require_json(&headers)?;
    let key = idempotency_key(&headers, "result")?;
    let body_sha256 = crate::secure::sha256_hex(&[&id, &crate::secure::sha256_bytes_hex(&body)]);
    // The same call again: its first answer, even if the task has moved on.
    if let Some(seen) = tasks::replayed(&state.pool, &system.id, key, &body_sha256)
        .await
        .map_err(Problem::internal)?
    {
        return Ok(answer(seen));
    }
    let task = tasks::get(&state.pool, &system.id, &id)
        .await
        .map_err(Problem::internal)?
        .ok_or_else(|| Problem::not_found("no task of yours has this id"))?;
    let parsed: ResultBody = serde_json::from_slice(&body)
        .map_err(|e| Problem::invalid(vec![("body", format!("not a result: {e}"))]))?;
    let right = crate::domain::RightKind::parse(&task.right)
        .ok_or_else(|| Problem::internal(anyhow::anyhow!("api: a task's right does not parse")))?;
    let result =
        parse_result(&parsed, right).map_err(|e| Problem::invalid(vec![(e.field, e.problem)]))?;
    let files = read_files(&parsed, state.config.max_file_bytes())?;
    let recorded = tasks::record_result(
        &state.pool,
        NewResult {
            system_id: &system.id,
            task_id: &id,
            idempotency_key: key,
            body_sha256: &body_sha256,
            result,
            identifiers: &parsed.identifiers,
            files,
        },
        state.clock.now(),
    )
    .await
    .map_err(Problem::internal)?;
    Ok(answer(recorded))
}

fn answer(recorded: Recorded) -> Response {
    match recorded {
        Recorded::Answer { status, body } => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Recorded::KeyReused => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused",
            "Idempotency-Key used for another call",
            "this key came before with another task or body: use a new key for a new result",
        )
        .with_retry_after(60)
        .into_response(),
        Recorded::NoSuchTask => Problem::not_found("no task of yours has this id").into_response(),
        Recorded::AlreadyAnswered => Problem::new(
            StatusCode::CONFLICT,
            "task-answered",
            "The task has its result",
            "this task was answered already under another Idempotency-Key",
        )
        .into_response(),
    }
}

/// The result's files, decoded and checked: JSON or CSV (by content),
/// within PORTAL_MAX_FILE_MB together.
fn read_files(body: &ResultBody, max_bytes: usize) -> Result<Vec<ResultFile>, Problem> {
    const MAX_FILES: usize = 20;
    if body.files.len() > MAX_FILES {
        return Err(Problem::invalid(vec![(
            "files",
            format!("at most {MAX_FILES} files"),
        )]));
    }
    let mut total = 0;
    let mut files = Vec::new();
    for file in &body.files {
        let data = base64::engine::general_purpose::STANDARD
            .decode(file.content_base64.trim())
            .map_err(|_| {
                Problem::invalid(vec![("files", "content_base64 is not base64".to_owned())])
            })?;
        total += data.len();
        if total > max_bytes {
            return Err(Problem::too_large(max_bytes));
        }
        let name = crate::files::clean_name(&file.name);
        let kind = crate::files::kind_of(&name, &data, crate::files::Sender::Dpo)
            .filter(|kind| ["application/json", "text/csv"].contains(kind))
            .filter(|kind| file.content_type.eq_ignore_ascii_case(kind));
        let Some(content_type) = kind else {
            return Err(Problem::invalid(vec![(
                "files",
                format!(
                    "'{name}' is not a {} file: send JSON (name.json) or CSV (name.csv), and say which in content_type",
                    file.content_type
                ),
            )]));
        };
        files.push(ResultFile {
            name,
            content_type,
            data,
        });
    }
    Ok(files)
}

/// A request that reached SOFACTO another way (a letter, an email, a call,
/// a visit), recorded by a system such as customer service: the same rules
/// as the DPO's "record a request" form.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordBody {
    /// `letter`, `email`, `phone` or `in_person`.
    #[schema(example = "phone")]
    pub channel: String,
    /// The day it reached SOFACTO (YYYY-MM-DD, Paris), 60 days back at
    /// most: the GDPR clock starts then.
    #[schema(example = "2026-12-04")]
    pub received_on: String,
    /// Why it is recorded after that day (required then).
    #[serde(default)]
    pub late_reason: String,
    /// The person's address, if they gave one: the notices go there,
    /// else by post.
    #[serde(default)]
    pub email: String,
    /// The request as the portal's form has it: `right`, `first_name`,
    /// `last_name`, `relation`, `reply_channel`, `lang`, and the right's
    /// own fields.
    pub request: crate::domain::request::RequestForm,
}

/// What was recorded.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RecordedRequest {
    pub reference: String,
}

/// The API's name for a field of the console's forms.
fn api_field(field: &str) -> String {
    match field.strip_prefix("intake_") {
        Some("arrived_on") => "received_on".to_owned(),
        Some(intake) => intake.to_owned(),
        None => format!("request.{field}"),
    }
}

/// Records a request from another channel, for a right the system
/// handles. The same Idempotency-Key again returns the same request.
#[utoipa::path(
    post,
    path = "/requests",
    tag = "tasks",
    params(("Idempotency-Key" = String, Header, description = "1 to 200 characters, new for each request")),
    request_body(content = RecordBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded (or recorded before under this key)", body = RecordedRequest),
        (status = 400, description = "No Idempotency-Key, or a body that cannot be read", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 403, description = "A right this system does not handle", body = ProblemDocument, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds; fix the call first"))),
        (status = 422, description = "A field is wrong (see errors)", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds; fix the call first"))),
        (status = 429, description = "Too many calls with this key this minute", body = ProblemDocument, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds until the next minute"))),
    ),
    security(("api_key" = []))
)]
async fn record_request(
    State(state): State<AppState>,
    ApiSystem(system): ApiSystem,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body.map_err(|_| Problem::bad_request("the body cannot be read"))?;
    require_json(&headers)?;
    let key = idempotency_key(&headers, "request")?;
    let parsed: RecordBody = serde_json::from_slice(&body)
        .map_err(|e| Problem::invalid(vec![("body", format!("not a request: {e}"))]))?;
    if let Some(right) = crate::domain::RightKind::parse(parsed.request.right.trim())
        && !system.handles(right)
    {
        return Err(Problem::forbidden(&format!(
            "this key records requests for {} only",
            system.rights
        )));
    }
    let form = crate::domain::request::RequestForm {
        // One key per system: a double send files once.
        submission_key: crate::secure::sha256_hex(&["api request", &system.id, key]),
        add_row: None,
        ..parsed.request
    };
    let intake = crate::domain::request::intake::IntakeForm {
        channel: parsed.channel,
        arrived_on: parsed.received_on,
        email: parsed.email,
        late_reason: parsed.late_reason,
    };
    let mut errors = crate::domain::request::ValidRequest::parse(&form)
        .err()
        .unwrap_or_default();
    let today = crate::domain::Date::paris_of(state.clock.now());
    let valid_intake = crate::domain::request::intake::parse(&intake, today, &mut errors);
    let (Ok(valid), Some(intake)) = (
        crate::domain::request::ValidRequest::parse(&form),
        valid_intake,
    ) else {
        // Each field at fault, with the code of what is wrong with it.
        let fields: Vec<(String, String)> = errors
            .0
            .iter()
            .map(|(field, code)| {
                let code = serde_json::to_value(code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                (api_field(field), code)
            })
            .collect();
        return Err(Problem::invalid(fields));
    };
    let reference = crate::requests::file(
        &state,
        crate::requests::NewRequest {
            email: intake.email.as_ref(),
            valid: &valid,
            submission_key: &form.submission_key,
            intake: crate::requests::Intake::OtherChannel {
                channel: intake.channel,
                arrived_on: intake.arrived_on,
            },
            recorded_by: None,
            recorded_by_system: Some(&system.id),
            late_reason: intake.late_reason.as_deref(),
        },
    )
    .await
    .map_err(|_| Problem::internal(anyhow::anyhow!("api: the request could not be filed")))?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RecordedRequest {
            reference: reference.to_string(),
        }),
    )
        .into_response())
}
