//! The job routes (api.md §3.2–§3.6): list, status, result, image URL, delete. Every lookup is scoped to
//! the calling key, so another key's job answers exactly like a missing one (404, §9).

use crate::server::openapi::ErrorBody;
use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{base_url, image_urls, job_json};
use crate::result::Schema;
use crate::server::app::{AppState, Shared};
use crate::server::auth::Principal;
use crate::server::error::{ApiError, ApiResult};
use crate::server::queue::result_file;
use crate::store::{Job, JobStatus, WebhookDelivery, is_job_id, time};

/// The caller's job `id`, or 404.
pub async fn owned_job(st: &Shared, who: &Principal, id: &str) -> ApiResult<Job> {
    if !is_job_id(id) {
        return Err(ApiError::job_not_found());
    }
    let (id, key) = (id.to_owned(), who.key_id.clone());
    st.db.call(move |s| s.job_for_key(&id, &key)).await??.ok_or_else(ApiError::job_not_found)
}

#[utoipa::path(operation_id = "jobs_list", get, path = "/v1/jobs", tag = "jobs", security(("bearer" = [])), responses((status = 200, description = "The caller's jobs, newest first", body = Object), (status = 400, description = "Bad query", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn list(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    let mut limit = 100u32;
    let mut status = None;
    for (name, value) in &query {
        match name.as_str() {
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| ApiError::validation("limit", "limit must be a whole number from 1 to 100"))?;
            }
            "status" => {
                status = Some(JobStatus::parse(value).ok_or_else(|| {
                    ApiError::validation("status", "status must be one of: PENDING, PROCESSING, COMPLETED, FAILED")
                })?);
            }
            _ => {}
        }
    }
    let key = who.key_id.clone();
    let jobs = st.db.call(move |s| s.jobs_for_key(&key, status, limit)).await??;
    let base = base_url(&st, &headers);
    Ok(Json(json!({ "jobs": jobs.iter().map(|j| job_json(&st, &base, j)).collect::<Vec<_>>() })))
}

#[utoipa::path(operation_id = "jobs_show", get, path = "/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path, description = "Job id")), responses((status = 200, description = "The job", body = Object), (status = 404, description = "No such job of this key", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn show(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let job = owned_job(&st, &who, &id).await?;
    let mut body = job_json(&st, &base_url(&st, &headers), &job);
    let job_id = job.id.clone();
    let deliveries = st.db.call(move |s| s.webhook_deliveries(&job_id)).await??;
    if let Some(obj) = body.as_object_mut() {
        obj.insert("webhookDeliveries".into(), deliveries.iter().map(delivery_json).collect());
    }
    Ok(Json(body))
}

/// One entry of `webhookDeliveries` (api.md §6; `sequence`, `nextAttemptAt`, `gaveUpAt` and
/// `lastError` are ours).
fn delivery_json(d: &WebhookDelivery) -> Value {
    let at = |t: Option<i64>| t.map_or(Value::Null, |t| Value::from(time::rfc3339(t)));
    json!({
        "eventId": d.event_id,
        "event": d.event,
        "sequence": d.sequence,
        "attempts": d.attempts,
        "lastStatus": d.last_status,
        "deliveredAt": at(d.delivered_at),
        "nextAttemptAt": at(d.next_attempt_at),
        "gaveUpAt": at(d.gave_up_at),
        "lastError": d.last_error,
    })
}

/// 409 for a job that has no result (yet).
fn not_ready(job: &Job) -> ApiError {
    match job.status {
        JobStatus::Failed => ApiError::new(
            StatusCode::CONFLICT,
            "JOB_FAILED",
            job.error_msg.clone().unwrap_or_else(|| "The job failed".to_owned()),
        ),
        _ => ApiError::new(StatusCode::CONFLICT, "JOB_NOT_READY", "The job has not finished yet"),
    }
}

/// The schema of api.md §3.4: the request's `?schema=`, else the one given at upload, else the server's.
fn chosen_schema(st: &AppState, job: &Job, query: &[(String, String)]) -> ApiResult<Schema> {
    if let Some((_, v)) = query.iter().find(|(n, _)| n == "schema") {
        return v.parse().map_err(|_| ApiError::validation("schema", "schema must be one of: 2.0.0, 2024-01"));
    }
    Ok(job.result_schema.as_deref().and_then(|s| s.parse().ok()).unwrap_or(st.cfg.result_schema))
}

/// The stored result of a COMPLETED job in `schema` with fresh signed image URLs filled in (the worker
/// leaves them empty). Counts as a delivery: the first one deletes the uploaded original (api.md §10).
pub async fn result_document(st: &Shared, base: &str, job: &Job, schema: Schema) -> ApiResult<Value> {
    let (id, name) = (job.id.clone(), result_file(schema));
    let bytes = st.db.call(move |s| s.job_file_bytes(&id, &name)).await??.ok_or_else(ApiError::job_not_found)?;
    let mut doc: Value = serde_json::from_slice(&bytes).map_err(|e| ApiError::internal(&e))?;
    let (urls, _) = image_urls(st, base, job);
    fill_image_urls(&mut doc, &urls);
    let id = job.id.clone();
    st.db
        .call(move |s| -> Result<(), crate::store::StoreError> {
            let now = time::now_ms();
            if s.mark_result_delivered(&id, now)? {
                s.delete_original(&id, now)?;
            }
            Ok(())
        })
        .await??;
    Ok(doc)
}

/// Sets `imageUrl` (first sheet), `imageUrls` (where the schema has it) and each sheet's `imageUrl`.
fn fill_image_urls(doc: &mut Value, urls: &[String]) {
    let Some(obj) = doc.as_object_mut() else { return };
    if obj.contains_key("imageUrl") {
        obj.insert("imageUrl".into(), urls.first().map_or(Value::Null, |u| Value::from(u.clone())));
    }
    if obj.contains_key("imageUrls") {
        obj.insert("imageUrls".into(), Value::from(urls.to_vec()));
    }
    if let Some(sheets) = obj.get_mut("sheets").and_then(Value::as_array_mut) {
        for (i, sheet) in sheets.iter_mut().enumerate() {
            if let Some(sheet) = sheet.as_object_mut() {
                sheet.insert("imageUrl".into(), urls.get(i).map_or(Value::Null, |u| Value::from(u.clone())));
            }
        }
    }
}

#[utoipa::path(operation_id = "jobs_result", get, path = "/v1/jobs/{id}/result", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path, description = "Job id"), ("schema" = Option<String>, Query, description = "2.0.0 or 2024-01")), responses((status = 200, description = "The result document", body = Object), (status = 404, description = "No such job", body = ErrorBody), (status = 409, description = "Not completed", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn result(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    let job = owned_job(&st, &who, &id).await?;
    if job.status != JobStatus::Completed {
        return Err(not_ready(&job));
    }
    let schema = chosen_schema(&st, &job, &query)?;
    Ok(Json(result_document(&st, &base_url(&st, &headers), &job, schema).await?))
}

#[utoipa::path(operation_id = "jobs_image", get, path = "/v1/jobs/{id}/image", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path, description = "Job id")), responses((status = 200, description = "Signed preview URLs", body = Object), (status = 404, description = "No such job", body = ErrorBody), (status = 409, description = "Not completed", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn image(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let job = owned_job(&st, &who, &id).await?;
    if job.status != JobStatus::Completed {
        return Err(not_ready(&job));
    }
    let (urls, expires) = image_urls(&st, &base_url(&st, &headers), &job);
    let Some(first) = urls.first() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "This job has no preview (3D models have none yet)",
        ));
    };
    let expires_ms = i64::try_from(expires).unwrap_or(i64::MAX / 1000) * 1000;
    Ok(Json(json!({ "imageUrl": first, "imageUrls": urls, "expiresAt": time::rfc3339(expires_ms) })))
}

#[utoipa::path(operation_id = "jobs_delete", delete, path = "/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])), params(("id" = String, Path, description = "Job id")), responses((status = 204, description = "Deleted"), (status = 404, description = "No such job", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn delete(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = owned_job(&st, &who, &id).await?;
    st.queue.cancel(&job.id);
    let key = who.key_id.clone();
    let deleted =
        st.db.call(move |s| s.delete_job(&format!("key:{key}"), &job.id, Some(&key), time::now_ms())).await??;
    if !deleted {
        return Err(ApiError::job_not_found());
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().remove(header::CONTENT_TYPE);
    Ok(res)
}
