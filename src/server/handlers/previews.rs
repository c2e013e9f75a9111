//! The signed preview download (api.md §7): no key, the URL itself is the capability. Limited per client
//! IP; the signature is checked (constant time) before the job is looked up, and a deleted or purged job
//! is 404 even with a valid signature.

use crate::server::openapi::ErrorBody;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::app::Shared;
use crate::server::auth::{ClientAddr, limited, unix_now};
use crate::server::error::{ApiError, ApiResult};
use crate::server::queue::preview_file;
use crate::server::signing::{SigError, preview_path};
use crate::store::{JobStatus, is_job_id};

/// `/v1/previews/{jobId}.png`: the first sheet.
#[utoipa::path(operation_id = "previews_first", get, path = "/v1/previews/{file}", tag = "previews", params(("file" = String, Path, description = "JOB.png"), ("expires" = u64, Query, description = "Unix seconds"), ("sig" = String, Query, description = "Signature")), responses((status = 200, description = "PNG", content_type = "image/png"), (status = 403, description = "Bad or expired signature", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn first(
    State(st): State<Shared>,
    Path(file): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    client: Option<Extension<ClientAddr>>,
) -> Response {
    let Some(job_id) = file.strip_suffix(".png") else { return ApiError::not_found().into_response() };
    serve(&st, job_id, 0, &query, client).await.unwrap_or_else(IntoResponse::into_response)
}

/// `/v1/previews/{jobId}/{sheetIndex}.png`.
#[utoipa::path(operation_id = "previews_sheet", get, path = "/v1/previews/{job}/{file}", tag = "previews", params(("job" = String, Path, description = "Job id"), ("file" = String, Path, description = "SHEET.png"), ("expires" = u64, Query, description = "Unix seconds"), ("sig" = String, Query, description = "Signature")), responses((status = 200, description = "PNG", content_type = "image/png"), (status = 403, description = "Bad or expired signature", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn sheet(
    State(st): State<Shared>,
    Path((job_id, file)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    client: Option<Extension<ClientAddr>>,
) -> Response {
    let sheet = file.strip_suffix(".png").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0 && *n < 10_000);
    let Some(sheet) = sheet else { return ApiError::not_found().into_response() };
    serve(&st, &job_id, sheet, &query, client).await.unwrap_or_else(IntoResponse::into_response)
}

async fn serve(
    st: &Shared,
    job_id: &str,
    sheet: usize,
    query: &[(String, String)],
    client: Option<Extension<ClientAddr>>,
) -> ApiResult<Response> {
    let now = unix_now();
    let ip = client.map(|c| c.0.0.ip().to_string()).unwrap_or_default();
    let d = st.ip_limiter.check(&ip, now);
    if !d.allowed {
        return Ok(limited(d));
    }
    if !is_job_id(job_id) {
        return Err(ApiError::not_found());
    }
    let get = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let expires = get("expires");
    st.signer.verify(&preview_path(job_id, sheet), expires, get("sig"), now).map_err(|e| match e {
        SigError::Invalid => {
            ApiError::new(StatusCode::FORBIDDEN, "INVALID_SIGNATURE", "The preview URL's signature is not valid")
        }
        SigError::Expired => ApiError::new(StatusCode::FORBIDDEN, "URL_EXPIRED", "The preview URL has expired"),
    })?;
    let left = expires.and_then(|e| e.parse::<u64>().ok()).unwrap_or(now).saturating_sub(now);
    let id = job_id.to_owned();
    let png = st
        .db
        .call(move |s| -> Result<_, crate::store::StoreError> {
            match s.job(&id)? {
                Some(job) if job.status == JobStatus::Completed => s.job_file_bytes(&id, &preview_file(sheet)),
                _ => Ok(None),
            }
        })
        .await??
        .ok_or_else(ApiError::not_found)?;
    let mut res = Body::from(png.to_vec()).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    if let Ok(v) = HeaderValue::from_str(&format!("private, max-age={left}")) {
        headers.insert(header::CACHE_CONTROL, v);
    }
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    Ok(res)
}
