//! Key management for `admin` keys (api.md §3.8): list, create, rotate, revoke — always within the calling
//! key's account (another account's key is 404). A raw key appears in exactly one response, the 201 that
//! made it (with its `whsec_` webhook secret, also shown only there); listings never carry the key, its
//! hash or the secret, only whether the key has one (`hasWebhookSecret`: keys made before webhooks do not).

use crate::server::openapi::ErrorBody;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::app::Shared;
use crate::server::auth::Principal;
use crate::server::error::{ApiError, ApiResult};
use crate::store::{ApiKey, CreatedKey, KeyEnv, NewKey, Scope, StoreError, time};

fn opt_time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| Value::from(time::rfc3339(ms)))
}

fn key_json(k: &ApiKey) -> Value {
    json!({
        "id": k.id,
        "name": k.name,
        "keyPrefix": k.key_prefix,
        "scopes": k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "createdAt": time::rfc3339(k.created_at),
        "lastUsedAt": opt_time(k.last_used_at),
        "expiresAt": opt_time(k.expires_at),
        "revokedAt": opt_time(k.revoked_at),
        "hasWebhookSecret": k.has_webhook_secret,
    })
}

fn created(c: &CreatedKey) -> Response {
    let mut body = key_json(&c.key);
    if let Some(obj) = body.as_object_mut() {
        obj.insert("key".into(), Value::from(c.raw.as_str()));
        obj.insert("webhookSecret".into(), Value::from(c.webhook_secret.expose_text()));
    }
    (StatusCode::CREATED, Json(body)).into_response()
}

/// The body of a JSON route: `application/json`, else 415; malformed, else 400.
fn json_body<T: for<'de> Deserialize<'de>>(headers: &HeaderMap, body: &Bytes) -> ApiResult<T> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", "Send a JSON body"));
    }
    serde_json::from_slice(body).map_err(|_| ApiError::invalid_request("The body is not the expected JSON object"))
}

/// The actor named in the audit log for changes made through the API.
fn actor(who: &Principal) -> String {
    format!("key:{}", who.key_id)
}

/// The caller's account's keys, newest first.
#[utoipa::path(operation_id = "keys_list", get, path = "/v1/keys", tag = "keys", security(("bearer" = [])), responses((status = 200, description = "Keys of the account", body = Object), (status = 403, description = "Not an admin key", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn list(State(st): State<Shared>, Extension(who): Extension<Principal>) -> ApiResult<Json<Value>> {
    let keys = st.db.call(move |s| s.keys(Some(&who.email))).await??;
    Ok(Json(json!({ "keys": keys.iter().map(key_json).collect::<Vec<_>>() })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewKeyBody {
    name: Option<String>,
    scopes: Option<Vec<String>>,
    expires_at: Option<String>,
    max_upload_bytes: Option<u64>,
    monthly_quota: Option<u64>,
}

#[utoipa::path(operation_id = "keys_create", post, path = "/v1/keys", tag = "keys", security(("bearer" = [])), request_body(content = Object, content_type = "application/json"), responses((status = 201, description = "Created; the key is shown once", body = Object), (status = 400, description = "Invalid body", body = ErrorBody), (status = 403, description = "Not an admin key", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn create(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let req: NewKeyBody = json_body(&headers, &body)?;
    let name = req.name.filter(|n| (1..=64).contains(&n.chars().count()) && !n.chars().any(char::is_control));
    let name = name.ok_or_else(|| ApiError::validation("name", "name must be 1 to 64 characters"))?;
    let scopes = req
        .scopes
        .unwrap_or_else(|| vec!["parse".into()])
        .iter()
        .map(|s| Scope::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::validation("scopes", "scopes must be among: parse, admin"))?;
    let now = time::now_ms();
    let expires_in = match req.expires_at.as_deref() {
        None => None,
        Some(text) => Some(
            time::parse_rfc3339(text).filter(|t| *t > now).ok_or_else(|| {
                ApiError::validation("expiresAt", "expiresAt must be a future UTC time like 2027-01-01T00:00:00.000Z")
            })? - now,
        ),
    };
    if req.max_upload_bytes.is_some() || req.monthly_quota.is_some() {
        return Err(ApiError::validation(
            "monthlyQuota",
            "per-key upload limits and quotas are not supported yet; send null",
        ));
    }
    let made = st
        .db
        .call(move |s| {
            let new = NewKey { account: &who.email, name: &name, scopes, env: KeyEnv::Live, expires_in };
            s.create_key(&actor(&who), &new)
        })
        .await??;
    Ok(created(&made))
}

/// The caller's account's key `id`, or 404.
async fn own_key(st: &Shared, who: &Principal, id: &str) -> ApiResult<ApiKey> {
    let (email, id) = (who.email.clone(), id.to_owned());
    let keys = st.db.call(move |s| s.keys(Some(&email))).await??;
    keys.into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Key not found"))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RotateBody {
    grace_seconds: Option<i64>,
}

#[utoipa::path(operation_id = "keys_rotate", post, path = "/v1/keys/{id}/rotate", tag = "keys", security(("bearer" = [])), params(("id" = String, Path, description = "Key id")), responses((status = 200, description = "Rotated; the new key is shown once", body = Object), (status = 403, description = "Not an admin key", body = ErrorBody), (status = 404, description = "No such key", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn rotate(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let req: RotateBody = if body.is_empty() { RotateBody::default() } else { json_body(&headers, &body)? };
    let grace = req.grace_seconds.unwrap_or(0);
    if !(0..=86_400).contains(&grace) {
        return Err(ApiError::validation("graceSeconds", "graceSeconds must be from 0 to 86400"));
    }
    let key = own_key(&st, &who, &id).await?;
    let made = st.db.call(move |s| s.rotate_key(&actor(&who), &key.id, grace * 1000)).await?.map_err(not_active)?;
    Ok(created(&made))
}

#[utoipa::path(operation_id = "keys_revoke", delete, path = "/v1/keys/{id}", tag = "keys", security(("bearer" = [])), params(("id" = String, Path, description = "Key id")), responses((status = 204, description = "Revoked"), (status = 403, description = "Not an admin key", body = ErrorBody), (status = 404, description = "No such key", body = ErrorBody), (status = 409, description = "The last admin key", body = ErrorBody), (status = 401, description = "Invalid or missing API key", body = ErrorBody), (status = 429, description = "Rate limited", body = ErrorBody)))]
pub async fn revoke(
    State(st): State<Shared>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let key = own_key(&st, &who, &id).await?;
    if key.id == who.key_id {
        let (email, now) = (who.email.clone(), time::now_ms());
        let keys = st.db.call(move |s| s.keys(Some(&email))).await??;
        let other_admin =
            keys.iter().any(|k| k.id != key.id && k.status(now) == "active" && k.scopes.contains(&Scope::Admin));
        if !other_admin {
            return Err(ApiError::new(StatusCode::CONFLICT, "LAST_ADMIN_KEY", "This is the account's last admin key"));
        }
    }
    st.db.call(move |s| s.revoke_key(&actor(&who), &key.id)).await?.map_err(not_active)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Revoking or rotating a key that is already revoked, expired or rotated: 404 like an unknown one.
fn not_active(e: StoreError) -> ApiError {
    match e {
        StoreError::KeyNotActive(_) | StoreError::KeyNotFound(_) => {
            ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Key not found")
        }
        other => ApiError::from(other),
    }
}
