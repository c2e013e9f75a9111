//! `GET /health` and `GET /v1/health` (api.md §3.7): public, no rate-limit headers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::server::app::Shared;

#[utoipa::path(operation_id = "health_health", get, path = "/health", tag = "health", responses((status = 200, description = "Up", body = Object), (status = 503, description = "Database unavailable", body = Object)))]
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

/// The same answer under the API prefix (its own function so the OpenAPI document lists both paths).
#[utoipa::path(operation_id = "health_health_v1", get, path = "/v1/health", tag = "health", responses((status = 200, description = "Up", body = Object), (status = 503, description = "Database unavailable", body = Object)))]
pub async fn health_v1(state: State<Shared>) -> Response {
    health(state).await
}
