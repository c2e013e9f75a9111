//! `GET /v1/usage` (api.md §3.8): the caller's account's usage in the current UTC month, with the hosted
//! field names. Accounts have no quota here, so `limit` and `remaining` are null.

use crate::server::openapi::ErrorBody;
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

use crate::server::app::Shared;
use crate::server::auth::Principal;
use crate::server::error::ApiResult;
use crate::store::time;

#[utoipa::path(operation_id = "usage_show", get, path = "/v1/usage", tag = "usage", security(("bearer" = [])), responses((status = 200, description = "This month's usage", body = Object), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn show(State(st): State<Shared>, Extension(who): Extension<Principal>) -> ApiResult<Json<Value>> {
    let usage = st.db.call(move |s| s.usage(who.account_id, time::now_ms())).await??;
    let end = time::rfc3339(usage.period_end);
    Ok(Json(json!({
        "plan": "SELF_HOSTED",
        "planLabel": "Self-hosted",
        "limit": null,
        "used": usage.parses,
        "remaining": null,
        "overageCount": 0,
        "periodStart": time::rfc3339(usage.period_start),
        "periodEnd": end,
        "renewalDate": end,
        "bytesUploaded": usage.bytes,
        "jobs": { "PENDING": usage.pending, "PROCESSING": usage.processing,
                  "COMPLETED": usage.completed, "FAILED": usage.failed },
    })))
}
