//! Route handlers, one file per resource, and the JSON views of a job they share.

pub mod health;
pub mod jobs;
pub mod keys;
pub mod parse;
pub mod previews;
pub mod usage;

use axum::http::{HeaderMap, header};
use serde_json::{Value, json};

use super::app::AppState;
use super::auth::unix_now;
use super::signing::preview_path;
use crate::store::{Job, JobStatus, time};

/// The base of absolute URLs: `--public-url`, else `http://` (`https://` with TLS) and the request's Host
/// (only host characters accepted; else the listen address).
pub fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &st.cfg.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255)
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']')));
    let scheme = if st.cfg.tls.is_some() { "https" } else { "http" };
    match host {
        Some(host) => format!("{scheme}://{host}"),
        None => format!("{scheme}://{}", st.local_addr),
    }
}

/// Fresh signed preview URLs of a COMPLETED job (one per sheet with a preview) and their expiry.
pub fn image_urls(st: &AppState, base: &str, job: &Job) -> (Vec<String>, u64) {
    let expires = unix_now() + st.cfg.preview_ttl_s;
    if job.status != JobStatus::Completed {
        return (Vec::new(), expires);
    }
    let n = usize::try_from(job.preview_count).unwrap_or(0);
    let urls = (0..n).map(|i| st.signer.url(base, &preview_path(&job.id, i), expires)).collect();
    (urls, expires)
}

fn opt_time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| Value::from(time::rfc3339(ms)))
}

/// The job object of api.md §3.3.
pub fn job_json(st: &AppState, base: &str, job: &Job) -> Value {
    let (urls, _) = image_urls(st, base, job);
    json!({
        "id": job.id,
        "jobId": job.id,
        "status": job.status.as_str(),
        "fileName": job.file_name,
        "fileSize": job.file_size,
        "format": job.format,
        "mimeType": "application/octet-stream",
        "createdAt": time::rfc3339(job.created_at),
        "updatedAt": time::rfc3339(job.updated_at),
        "startedAt": opt_time(job.started_at),
        "completedAt": opt_time(job.completed_at),
        "errorMsg": job.error_msg,
        "webhookUrl": job.webhook_url,
        "imageUrl": urls.first(),
        "expiresAt": time::rfc3339(job.expires_at),
    })
}

/// The short job summary of a 202 (api.md §3.1).
pub fn job_summary(job: &Job) -> Value {
    json!({
        "job_id": job.id,
        "jobId": job.id,
        "status": job.status.as_str(),
        "fileName": job.file_name,
        "fileSize": job.file_size,
        "createdAt": time::rfc3339(job.created_at),
    })
}
