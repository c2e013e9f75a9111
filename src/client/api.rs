//! A blocking client of the CADLens v1 API (api.md) — the same calls against `cadlens serve` and the hosted
//! service. Redirects are never followed (a key must not be replayed to another origin), error bodies are
//! read for their `error`/`detail`, and waiting is polling with back-off, so no webhook is needed.

use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::Value;
use zeroize::Zeroizing;

use super::multipart::FilePart;
use crate::result::Schema;

/// Largest JSON answer accepted (results of big drawings are large, but not unbounded).
const MAX_JSON_BYTES: u64 = 2 << 30;
const MAX_PNG_BYTES: u64 = 256 << 20;
const FIRST_POLL: Duration = Duration::from_millis(100);
const LONGEST_POLL: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("the server refused the API key (HTTP 401): {0}")]
    Unauthorized(String),
    #[error("the server answered HTTP {status} {code}: {message}")]
    Status { status: u16, code: String, message: String },
    #[error("cannot reach {server}: {reason}")]
    Transport { server: String, reason: String },
    #[error("the server's answer is not what the API promises: {0}")]
    Protocol(String),
    #[error("job {job} did not finish within {waited:?}")]
    Timeout { job: String, waited: Duration },
}

impl RemoteError {
    /// HTTP 415/422: the server recognised no usable format, as a local `unsupported` refusal.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, RemoteError::Status { status: 415 | 422, .. })
    }
}

/// The fields of a job object a client acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub status: String,
    pub format: Option<String>,
    pub error_msg: Option<String>,
}

impl Job {
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.as_str(), "COMPLETED" | "FAILED")
    }

    fn from_json(v: &Value) -> Result<Job, RemoteError> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let id = text("jobId")
            .or_else(|| text("job_id"))
            .or_else(|| text("id"))
            .ok_or_else(|| RemoteError::Protocol("a job without jobId".into()))?;
        let status = text("status").ok_or_else(|| RemoteError::Protocol("a job without status".into()))?;
        Ok(Job { id, status, format: text("format"), error_msg: text("errorMsg") })
    }
}

pub struct Client {
    server: String,
    key: Zeroizing<String>,
    agent: ureq::Agent,
}

impl Client {
    /// `server` is a normalised base URL (no `/v1`, no trailing slash).
    pub fn new(server: &str, key: Zeroizing<String>) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(600)))
            .user_agent(concat!("cadlens/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { server: server.to_owned(), key, agent }
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1{path}", self.server)
    }

    fn bearer(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("Bearer {}", self.key.as_str()))
    }

    fn transport(&self, e: ureq::Error) -> RemoteError {
        RemoteError::Transport { server: self.server.clone(), reason: e.to_string() }
    }

    /// POST /v1/parse: uploads `bytes` as `file_name`; the job as created (PENDING, or further).
    pub fn upload(&self, file_name: &str, bytes: &[u8]) -> Result<Job, RemoteError> {
        let part = FilePart::new("file", file_name, bytes).map_err(|e| RemoteError::Protocol(e.to_string()))?;
        let mut body = part.reader();
        let response = self
            .agent
            .post(self.url("/parse"))
            .header("Authorization", self.bearer().as_str())
            .header("Content-Type", part.content_type())
            .header("Content-Length", part.len().to_string())
            .send(ureq::SendBody::from_reader(&mut body))
            .map_err(|e| self.transport(e))?;
        let v = self.json(response)?;
        Job::from_json(&v)
    }

    /// GET /v1/jobs/{id}.
    pub fn job(&self, id: &str) -> Result<Job, RemoteError> {
        let response = self.get_authorized(&format!("/jobs/{id}"))?;
        Job::from_json(&self.json(response)?)
    }

    /// Polls the job until it is COMPLETED or FAILED, backing off from 100 ms to 5 s between polls.
    pub fn wait(&self, id: &str, limit: Duration) -> Result<Job, RemoteError> {
        let started = Instant::now();
        let mut pause = FIRST_POLL;
        loop {
            let job = self.job(id)?;
            if job.is_terminal() {
                return Ok(job);
            }
            if started.elapsed() + pause > limit {
                return Err(RemoteError::Timeout { job: id.to_owned(), waited: started.elapsed() });
            }
            std::thread::sleep(pause);
            pause = (pause * 3 / 2).min(LONGEST_POLL);
        }
    }

    /// GET /v1/jobs/{id}/result in `schema`: the document's bytes as the server sent them.
    pub fn result(&self, id: &str, schema: Schema) -> Result<Vec<u8>, RemoteError> {
        let response = self.get_authorized(&format!("/jobs/{id}/result?schema={}", schema.as_str()))?;
        self.body(response, MAX_JSON_BYTES)
    }

    /// GET /v1/jobs/{id}/image, then the signed URL it names (which needs no key, so none is sent).
    pub fn preview(&self, id: &str) -> Result<Vec<u8>, RemoteError> {
        let response = self.get_authorized(&format!("/jobs/{id}/image"))?;
        let v = self.json(response)?;
        let url = v
            .get("imageUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| RemoteError::Protocol("an image answer without imageUrl".into()))?;
        let response = self.agent.get(url).call().map_err(|e| self.transport(e))?;
        self.body(response, MAX_PNG_BYTES)
    }

    /// GET /v1/usage: the calling key's month (also how `whoami` checks a key).
    pub fn usage(&self) -> Result<Value, RemoteError> {
        let response = self.get_authorized("/usage")?;
        self.json(response)
    }

    fn get_authorized(&self, path: &str) -> Result<ureq::http::Response<ureq::Body>, RemoteError> {
        self.agent
            .get(self.url(path))
            .header("Authorization", self.bearer().as_str())
            .call()
            .map_err(|e| self.transport(e))
    }

    fn json(&self, response: ureq::http::Response<ureq::Body>) -> Result<Value, RemoteError> {
        let bytes = self.body(response, MAX_JSON_BYTES)?;
        serde_json::from_slice(&bytes).map_err(|e| RemoteError::Protocol(format!("invalid JSON: {e}")))
    }

    /// The body of a 2xx answer (bounded), or the error the answer describes.
    fn body(&self, response: ureq::http::Response<ureq::Body>, limit: u64) -> Result<Vec<u8>, RemoteError> {
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| RemoteError::Transport { server: self.server.clone(), reason: e.to_string() })?;
        if (200..300).contains(&status) {
            if bytes.len() as u64 > limit {
                return Err(RemoteError::Protocol(format!("answer larger than {limit} bytes")));
            }
            return Ok(bytes);
        }
        Err(error_from(status, &bytes))
    }
}

/// api.md §8: `{ "error", "code", "detail", … }`; hosted bodies may carry only `error`.
fn error_from(status: u16, body: &[u8]) -> RemoteError {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let message = text("detail").or_else(|| text("error")).unwrap_or_else(|| format!("HTTP {status}"));
    if status == 401 {
        return RemoteError::Unauthorized(message);
    }
    let code = text("code").unwrap_or_else(|| "-".into());
    RemoteError::Status { status, code, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_give_their_detail_and_code() {
        let body = br#"{"error":"File exceeds the upload limit","code":"FILE_TOO_LARGE","status":413,"detail":"File exceeds the upload limit of 10 bytes"}"#;
        match error_from(413, body) {
            RemoteError::Status { status, code, message } => {
                assert_eq!((status, code.as_str()), (413, "FILE_TOO_LARGE"));
                assert_eq!(message, "File exceeds the upload limit of 10 bytes");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            matches!(error_from(401, br#"{"error":"Invalid or missing API key"}"#), RemoteError::Unauthorized(m) if m == "Invalid or missing API key")
        );
        assert!(error_from(422, b"not json").is_unsupported());
    }

    #[test]
    fn jobs_are_read_from_either_id_field() {
        let a = Job::from_json(&serde_json::json!({"job_id": "job_a", "status": "PENDING"})).expect("job");
        assert_eq!(a.id, "job_a");
        assert!(!a.is_terminal());
        let b = Job::from_json(
            &serde_json::json!({"id": "job_b", "jobId": "job_b", "status": "FAILED", "errorMsg": "bad"}),
        )
        .expect("job");
        assert_eq!((b.id.as_str(), b.error_msg.as_deref(), b.is_terminal()), ("job_b", Some("bad"), true));
        assert!(Job::from_json(&serde_json::json!({"status": "PENDING"})).is_err());
    }
}
