//! The events of a job (api.md §6) and their bodies. Each event is recorded in the store at the moment the
//! job changes state, with its body made once: retries send the very same bytes under the same
//! `eventId`, so a receiver can deduplicate and the signature always covers what is stored.

use serde_json::{Map, Value};

use crate::result::Schema;
use crate::server::app::AppState;
use crate::server::queue::result_file;
use crate::server::signing::preview_path;
use crate::store::{Job, JobStatus, Store, StoreError, time};

/// The whole body stays at most this big with the result's arrays in it; otherwise they are left out and
/// the receiver fetches `resultUrl`.
pub const MAX_INLINE_BODY: usize = 256 * 1024;
/// Lifetime of the preview URL in a `job.completed` body.
const IMAGE_URL_TTL_S: u64 = 24 * 3600;
/// The result members a `job.completed` body carries when they fit (taken from the 2024-01 document,
/// the schema that has them).
const INLINE_MEMBERS: [&str; 3] = ["vectorJson", "layersJson", "metadata"];

pub const PROCESSING: &str = "job.processing";
pub const COMPLETED: &str = "job.completed";
pub const FAILED: &str = "job.failed";

/// Records `job.processing` for a job that has just started, when it has a webhook.
pub fn processing(s: &Store, job: &Job, now: i64) -> Result<bool, StoreError> {
    if job.webhook_url.is_none() {
        return Ok(false);
    }
    s.add_webhook_event(&job.id, PROCESSING, now, |seq, event_id| {
        to_bytes(envelope(event_id, seq, PROCESSING, &job.id, JobStatus::Processing, now))
    })?;
    Ok(true)
}

/// Records `job.completed` or `job.failed` for a job that has just ended (read back from the store, so
/// the counts and the error are what the job shows), when it has a webhook.
pub fn ended(s: &Store, st: &AppState, job_id: &str, now: i64) -> Result<bool, StoreError> {
    let Some(job) = s.job(job_id)? else { return Ok(false) };
    if job.webhook_url.is_none() || !job.status.is_terminal() {
        return Ok(false);
    }
    let event = if job.status == JobStatus::Completed { COMPLETED } else { FAILED };
    let inline = if job.status == JobStatus::Completed { inline_members(s, &job.id)? } else { None };
    s.add_webhook_event(&job.id, event, now, |seq, event_id| {
        let mut body = envelope(event_id, seq, event, &job.id, job.status, now);
        if job.status == JobStatus::Failed {
            body.insert("error".into(), Value::from(job.error_msg.clone().unwrap_or_default()));
            return to_bytes(body);
        }
        body.insert("result".into(), Value::Object(result_summary(st, &job)));
        completed_body(body, inline)
    })?;
    Ok(true)
}

/// The fields every event has, in the order of api.md §6.
fn envelope(event_id: &str, seq: i64, event: &str, job_id: &str, status: JobStatus, now: i64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("eventId".into(), Value::from(event_id));
    m.insert("sequence".into(), Value::from(seq));
    m.insert("event".into(), Value::from(event));
    m.insert("jobId".into(), Value::from(job_id));
    m.insert("status".into(), Value::from(status.as_str()));
    m.insert("timestamp".into(), Value::from(time::rfc3339(now)));
    m
}

/// `result` without the arrays: schema, counts, a 24 h preview URL and where the whole result is.
fn result_summary(st: &AppState, job: &Job) -> Map<String, Value> {
    let base = match &st.cfg.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => format!("http://{}", st.local_addr),
    };
    let schema = job.result_schema.as_deref().and_then(|s| s.parse().ok()).unwrap_or(st.cfg.result_schema);
    let image_url = (job.preview_count > 0).then(|| {
        let expires = crate::server::auth::unix_now() + IMAGE_URL_TTL_S;
        st.signer.url(&base, &preview_path(&job.id, 0), expires)
    });
    let mut r = Map::new();
    r.insert("schemaVersion".into(), Value::from(schema.as_str()));
    r.insert("entityCount".into(), Value::from(job.entity_count.unwrap_or(0)));
    r.insert("layerCount".into(), Value::from(job.layer_count.unwrap_or(0)));
    r.insert("imageUrl".into(), image_url.map_or(Value::Null, Value::from));
    r.insert("resultUrl".into(), Value::from(format!("{base}/v1/jobs/{}/result", job.id)));
    r
}

/// The inline members from the stored 2024-01 result, or `None` when that file alone is already over the
/// body limit (then it is not even parsed).
fn inline_members(s: &Store, job_id: &str) -> Result<Option<Map<String, Value>>, StoreError> {
    let Some(bytes) = s.job_file_bytes(job_id, &result_file(Schema::V2024))? else { return Ok(None) };
    if bytes.len() > MAX_INLINE_BODY {
        return Ok(None);
    }
    let Ok(Value::Object(mut doc)) = serde_json::from_slice::<Value>(&bytes) else { return Ok(None) };
    let mut out = Map::new();
    for name in INLINE_MEMBERS {
        if let Some(v) = doc.remove(name) {
            out.insert(name.to_owned(), v);
        }
    }
    Ok(Some(out))
}

/// The `job.completed` body with the inline members when the whole stays within the limit.
fn completed_body(body: Map<String, Value>, inline: Option<Map<String, Value>>) -> Vec<u8> {
    if let Some(inline) = inline {
        let mut full = body.clone();
        if let Some(Value::Object(result)) = full.get_mut("result") {
            result.extend(inline);
        }
        let bytes = to_bytes(full);
        if bytes.len() <= MAX_INLINE_BODY {
            return bytes;
        }
    }
    to_bytes(body)
}

fn to_bytes(m: Map<String, Value>) -> Vec<u8> {
    // Serialising a Map of JSON values cannot fail.
    serde_json::to_vec(&Value::Object(m)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Map<String, Value> {
        let mut b = envelope("7d1c9b4e-2f0a-4c8e-9b61-0f3a2d5e8c47", 2, COMPLETED, "job_x", JobStatus::Completed, 0);
        b.insert("result".into(), Value::Object(Map::new()));
        b
    }

    #[test]
    fn the_envelope_has_the_documented_fields_in_order() {
        let v: Value = serde_json::from_slice(&to_bytes(base())).expect("json");
        let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["eventId", "sequence", "event", "jobId", "status", "timestamp", "result"]);
        assert_eq!(v["timestamp"], "1970-01-01T00:00:00.000Z");
        assert_eq!(v["sequence"], 2);
    }

    #[test]
    fn inline_members_are_kept_only_when_the_body_fits() {
        let mut small = Map::new();
        small.insert("vectorJson".into(), Value::from(vec![1, 2, 3]));
        let v: Value = serde_json::from_slice(&completed_body(base(), Some(small))).expect("json");
        assert_eq!(v["result"]["vectorJson"], serde_json::json!([1, 2, 3]));

        let mut big = Map::new();
        big.insert("vectorJson".into(), Value::from("x".repeat(MAX_INLINE_BODY)));
        let bytes = completed_body(base(), Some(big));
        assert!(bytes.len() < 1024, "{}", bytes.len());
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        assert!(v["result"].get("vectorJson").is_none());
    }
}
