//! `GET /health` and `GET /v1/health` (api.md §3.7): public, no rate-limit headers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::server::app::Shared;

pub async fn health(State(st): State<Shared>) -> Response {
    let ok = matches!(st.db.call(|s| s.check()).await, Ok(Ok(())));
    let version = env!("CARGO_PKG_VERSION");
    if ok {
        Json(json!({ "status": "ok", "db": "ok", "version": version })).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "error", "db": "error", "version": version })))
            .into_response()
    }
}
