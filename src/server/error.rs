//! The one error shape of api.md §8. Handlers and middleware return [`ApiError`]; it becomes a response
//! whose body is written by the edge middleware (`app::edge`), which alone knows the request id, so every
//! error body carries `requestId` without each handler passing it around. Bare error responses from the
//! framework (405 with `Allow`, timeouts) are given the same shape there.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::store::StoreError;

/// An error on its way to the client: status, code, a sentence, and the headers some codes need.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    /// What `error` and `detail` say. Never internals: paths, SQL or file content.
    pub detail: String,
    /// `details.fieldErrors` of a validation error.
    /// (Boxed: it is rare, and keeps every `Result<_, ApiError>` small.)
    pub field_errors: Option<Box<Map<String, Value>>>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError { status, code, detail: detail.into(), field_errors: None, retry_after: None }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found")
    }

    pub fn job_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Job not found")
    }

    pub fn unauthorized() -> ApiError {
        // One text for all six refusals of api.md §2, so a caller cannot tell which applied.
        ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Invalid or missing API key")
    }

    pub fn forbidden(detail: &str) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "FORBIDDEN", detail)
    }

    pub fn invalid_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", detail)
    }

    /// 400 `VALIDATION_ERROR` naming one field, with the hosted `details.fieldErrors` member.
    pub fn validation(field: &str, message: &str) -> ApiError {
        let mut fields = Map::new();
        fields.insert(field.to_owned(), json!([message]));
        ApiError {
            field_errors: Some(Box::new(fields)),
            ..ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", format!("Validation error: {message}"))
        }
    }

    pub fn unavailable(detail: &str, retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", detail)
        }
    }

    /// 500 with no internals; the cause goes to the log only (never a secret: store errors carry none).
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        eprintln!("cadlens serve: internal error: {cause}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Internal server error")
    }

    /// The JSON body of api.md §8.
    pub fn body(&self, request_id: &str) -> Value {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let mut body = json!({
            "error": self.detail,
            "code": self.code,
            "status": self.status.as_u16(),
            "type": format!("urn:cadlens:error:{}", self.code),
            "title": title,
            "detail": self.detail,
            "requestId": request_id,
        });
        if let (Some(fields), Some(obj)) = (&self.field_errors, body.as_object_mut()) {
            obj.insert("details".into(), json!({ "fieldErrors": fields, "formErrors": [] }));
        }
        body
    }

    /// The error for a bare framework response of `status` (no [`ApiError`] attached).
    pub fn for_status(status: StatusCode) -> ApiError {
        let (code, detail) = match status {
            StatusCode::NOT_FOUND => ("NOT_FOUND", "Not found"),
            StatusCode::METHOD_NOT_ALLOWED => ("METHOD_NOT_ALLOWED", "Method not allowed"),
            StatusCode::REQUEST_TIMEOUT => ("REQUEST_TIMEOUT", "The request took too long"),
            StatusCode::PAYLOAD_TOO_LARGE => ("FILE_TOO_LARGE", "The request body is too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
            s if s.is_client_error() => ("INVALID_REQUEST", "Invalid request"),
            _ => ("INTERNAL_ERROR", "Internal server error"),
        };
        ApiError::new(status, code, detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::internal(&e)
    }
}

impl IntoResponse for ApiError {
    /// An empty response carrying the error as an extension; `app::edge` writes the body.
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"cadlens\""));
        }
        res.extensions_mut().insert(self);
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_every_member_of_the_one_shape() {
        let body = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "FILE_TOO_LARGE", "too big").body("req_1");
        assert_eq!(
            body,
            json!({"error": "too big", "code": "FILE_TOO_LARGE", "status": 413,
                   "type": "urn:cadlens:error:FILE_TOO_LARGE", "title": "Payload Too Large",
                   "detail": "too big", "requestId": "req_1"})
        );
        let v = ApiError::validation("mode", "mode must be one of: sync, async").body("r");
        assert_eq!(v["details"]["fieldErrors"]["mode"][0], "mode must be one of: sync, async");
        assert_eq!(v["details"]["formErrors"], json!([]));
    }
}
