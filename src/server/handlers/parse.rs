//! `POST /v1/parse` (api.md §3.1, §5): the checks in the spec's order — content type, declared size,
//! streamed size, a file part, magic bytes, the other fields — all before anything is stored; then the job
//! row and the encrypted original, a place in the queue, and for `wait=true` a bounded wait for the end.

use crate::server::openapi::ErrorBody;
use axum::Extension;
use axum::Json;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use super::jobs::result_document;
use super::{base_url, job_json, job_summary};
use crate::model::FileFormat;
use crate::result::Schema;
use crate::server::app::{Shared, UPLOAD_BUDGET_MIB};
use crate::server::auth::Principal;
use crate::server::error::{ApiError, ApiResult};
use crate::server::upload::{self, MULTIPART_OVERHEAD, Upload};
use crate::sniff::{self, SniffError, Sniffed};
use crate::store::{Job, JobStatus, NewJob, ORIGINAL, time};
use crate::webhook::WebhookTarget;

const DIVERTED: &str = "Parsing continues asynchronously; poll GET /v1/jobs/{jobId} or use a webhook.";

/// The validated text fields and query parameters.
struct Options {
    sync: bool,
    webhook_url: Option<String>,
    schema: Option<Schema>,
}

#[utoipa::path(operation_id = "parse_create", post, path = "/v1/parse", tag = "parse", security(("bearer" = [])), request_body(content_type = "multipart/form-data", description = "file, mode, wait, webhookUrl, schema"), responses((status = 200, description = "Completed (wait=true)", body = Object), (status = 202, description = "Queued", body = Object), (status = 400, description = "Invalid request", body = ErrorBody), (status = 413, description = "Too large", body = ErrorBody), (status = 415, description = "Unknown format", body = ErrorBody), (status = 422, description = "Refused format", body = ErrorBody), (status = 503, description = "Queue full", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn create(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
    req: Request,
) -> ApiResult<Response> {
    let limit = st.cfg.max_upload_bytes;
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the file as multipart/form-data with a part named file",
        ));
    }
    // A declared body over the limit is refused without reading any of it.
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit.saturating_add(MULTIPART_OVERHEAD)) {
        return Err(upload::too_large(limit));
    }
    // Memory: reserve this upload's share of the in-memory budget (the declared size, or the limit for a
    // chunked body) before reading it; released once the upload is stored or refused (never held by a sync wait).
    let share = declared.unwrap_or(limit).min(limit).div_ceil(1 << 20).max(1);
    let share = u32::try_from(share).unwrap_or(u32::MAX).min(UPLOAD_BUDGET_MIB);
    let budget = st.upload_budget.acquire_many(share).await.map_err(|_| ApiError::unavailable("Shutting down", 5))?;
    let multipart = Multipart::from_request(req, &st).await.map_err(|e| ApiError::invalid_request(e.body_text()))?;
    let upload = upload::read(multipart, limit).await?;
    let sniffed = sniff::sniff_bytes(&upload.bytes).map_err(|e| sniff_refusal(&e))?;
    refuse_old_dwg(&sniffed)?;
    let opts = options(&query, &upload, st.cfg.webhook_allow_private)?;
    if opts.webhook_url.is_some() {
        require_webhook_secret(&st, &who).await?;
    }
    let permit = st.queue.reserve().map_err(|_| ApiError::unavailable("The job queue is full; try again later", 30))?;
    let job = store_job(&st, &who, upload, &sniffed, &opts).await?;
    drop(budget);
    let base = base_url(&st, &headers);
    let held = opts.sync && u64::try_from(job.file_size).unwrap_or(u64::MAX) <= st.cfg.sync_max_bytes;
    let finished = held.then(|| st.queue.subscribe());
    permit.send(job.id.clone());
    let Some(finished) = finished else {
        return Ok(accepted(&job, opts.sync));
    };
    let Some(done) = wait_for(&st, &job.id, finished).await? else {
        return Ok(accepted(&job, true));
    };
    let body = match done.status {
        JobStatus::Completed => {
            let schema = opts.schema.unwrap_or(st.cfg.result_schema);
            let mut doc = result_document(&st, &base, &done, schema).await?;
            if let Some(obj) = doc.as_object_mut() {
                obj.insert("job_id".into(), Value::from(done.id.clone()));
                obj.insert("fileName".into(), Value::from(done.file_name.clone()));
                obj.insert("fileSize".into(), Value::from(done.file_size));
                obj.insert("completedAt".into(), done.completed_at.map_or(Value::Null, |t| time::rfc3339(t).into()));
            }
            doc
        }
        _ => job_json(&st, &base, &done),
    };
    Ok(with_location(Json(body).into_response(), &done.id))
}

/// 415 for content no rule recognises, 422 for a recognised format cadlens refuses (DGN V8, …).
fn sniff_refusal(e: &SniffError) -> ApiError {
    match e {
        SniffError::Unrecognised { .. } => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_FORMAT",
            "The file's content matches no supported CAD format",
        ),
        SniffError::Unsupported { format, reason } => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "UNPROCESSABLE_FILE", format!("{format}: {reason}"))
        }
        SniffError::Io(e) => ApiError::internal(e),
    }
}

/// api.md §3.1 accepts DWG from R14 (`AC1014`) to `AC1032`: an older or unknown version code is a
/// recognised format with an unusable header (422), refused before it is stored.
fn refuse_old_dwg(sniffed: &Sniffed) -> ApiResult<()> {
    const ACCEPTED: [&str; 6] = ["AC1014", "AC1015", "AC1018", "AC1021", "AC1024", "AC1027"];
    let version = sniffed.version.as_deref().unwrap_or("");
    if sniffed.format != FileFormat::Dwg || ACCEPTED.contains(&version) || version == "AC1032" {
        return Ok(());
    }
    let release = sniffed.release.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "UNPROCESSABLE_FILE",
        format!("DWG {version}{release} is older than R14 or unknown; save it as R14 or later"),
    ))
}

/// A value from the query or, failing that, the form (api.md §3.1 allows both for these).
fn param<'a>(query: &'a [(String, String)], upload: &'a Upload, name: &str) -> Option<&'a str> {
    query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).or_else(|| upload.field(name))
}

fn options(query: &[(String, String)], upload: &Upload, allow_private: bool) -> ApiResult<Options> {
    let mode = match param(query, upload, "mode") {
        None => None,
        Some("sync") => Some(true),
        Some("async") => Some(false),
        Some(_) => return Err(ApiError::validation("mode", "mode must be one of: sync, async")),
    };
    let wait = match param(query, upload, "wait") {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(_) => return Err(ApiError::validation("wait", "wait must be one of: true, false, 1, 0")),
    };
    if wait == Some(true) && mode == Some(false) {
        return Err(ApiError::validation("wait", "wait=true cannot be combined with mode=async"));
    }
    let webhook_url = match (upload.field("webhookUrl"), upload.field("webhook_url")) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::validation("webhookUrl", "webhookUrl and webhook_url differ"));
        }
        (Some(url), _) | (None, Some(url)) => Some(check_webhook_url(url, allow_private)?),
        (None, None) => None,
    };
    let schema = param(query, upload, "schema")
        .map(|s| {
            s.parse::<Schema>().map_err(|_| ApiError::validation("schema", "schema must be one of: 2.0.0, 2024-01"))
        })
        .transpose()?;
    Ok(Options { sync: wait.or(mode).unwrap_or(false), webhook_url, schema })
}

/// An absolute http(s) URL of at most 2048 characters, without credentials, and (unless the server runs
/// with `--webhook-allow-private`) not a literal loopback, private or link-local address nor `localhost`
/// (S-WH-3). Names are resolved and checked again before every delivery.
fn check_webhook_url(url: &str, allow_private: bool) -> ApiResult<String> {
    match WebhookTarget::parse(url, allow_private) {
        Ok(_) => Ok(url.to_owned()),
        Err(e) => Err(ApiError::validation("webhookUrl", &e.to_string())),
    }
}

/// Deliveries are always signed, so a key made before webhooks existed (it has no secret) cannot ask for
/// one; rotating it gives its successor a secret.
async fn require_webhook_secret(st: &Shared, who: &Principal) -> ApiResult<()> {
    let key = who.key_id.clone();
    let has = st.db.call(move |s| s.key(&key).map(|k| k.has_webhook_secret)).await??;
    if has {
        Ok(())
    } else {
        Err(ApiError::validation(
            "webhookUrl",
            "this API key has no webhook signing secret (it predates webhooks); rotate it to get one",
        ))
    }
}

/// Creates the job and writes the encrypted original; if the write fails the job is removed again, so a
/// failed upload leaves nothing.
async fn store_job(st: &Shared, who: &Principal, upload: Upload, sniffed: &Sniffed, opts: &Options) -> ApiResult<Job> {
    let (account_id, key_id) = (who.account_id, who.key_id.clone());
    let format = sniffed.format.json_name().to_owned();
    let webhook_url = opts.webhook_url.clone();
    let schema = opts.schema.map(|s| s.as_str().to_owned());
    let retention_ms = st.cfg.retention_ms;
    let Upload { file_name, bytes, .. } = upload;
    st.db
        .call(move |s| {
            let new = NewJob {
                account_id,
                key_id: &key_id,
                file_name: &file_name,
                file_size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                format: &format,
                webhook_url: webhook_url.as_deref(),
                result_schema: schema.as_deref(),
                retention_ms,
            };
            let actor = format!("key:{key_id}");
            let job = s.create_job(&actor, &new, time::now_ms())?;
            if let Err(e) = s.put_job_file(&job.id, ORIGINAL, &bytes) {
                let _ = s.delete_job(&actor, &job.id, None, time::now_ms());
                return Err(e);
            }
            Ok(job)
        })
        .await?
        .map_err(ApiError::from)
}

/// Waits until the job is terminal or `--sync-timeout` passes; the terminal job, or `None`.
async fn wait_for(
    st: &Shared,
    id: &str,
    mut finished: tokio::sync::broadcast::Receiver<String>,
) -> ApiResult<Option<Job>> {
    let until_done = async {
        loop {
            match finished.recv().await {
                Ok(done) if done == id => return,
                Ok(_) => {}
                // Missed some ends: look at the job itself.
                Err(RecvError::Lagged(_)) => {
                    let id = id.to_owned();
                    if let Ok(Ok(Some(job))) = st.db.call(move |s| s.job(&id)).await {
                        if job.status.is_terminal() {
                            return;
                        }
                    }
                }
                Err(RecvError::Closed) => return,
            }
        }
    };
    let _ = tokio::time::timeout(st.cfg.sync_timeout, until_done).await;
    let id = id.to_owned();
    let job = st.db.call(move |s| s.job(&id)).await??;
    Ok(job.filter(|j| j.status.is_terminal()))
}

/// 202 with the job summary (and the hand-over message for a sync request that was not held).
fn accepted(job: &Job, diverted: bool) -> Response {
    let mut body = job_summary(job);
    if let (true, Some(obj)) = (diverted, body.as_object_mut()) {
        obj.insert("message".into(), Value::from(DIVERTED));
    }
    with_location((StatusCode::ACCEPTED, Json(body)).into_response(), &job.id)
}

fn with_location(mut res: Response, id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/jobs/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}
