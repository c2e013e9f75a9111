//! Bearer keys (api.md §2) and the rate limits that go with them (§11), as one middleware in front of every
//! keyed route: the key is checked with the store's `verify` (a malformed key never reaches the store), a
//! refused request is limited by client IP, an accepted one by key, and every keyed response carries the
//! `X-RateLimit-*` headers. Handlers find the caller as a [`Principal`] extension.

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use zeroize::Zeroizing;

use super::app::Shared;
use super::error::ApiError;
use super::ratelimit::Decision;
use crate::store::{ApiKeyFormat, Scope, VerifyError};

/// The client's address, put on every request by the listener.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

/// Who is calling: the verified key and its account.
#[derive(Debug, Clone)]
pub struct Principal {
    pub key_id: String,
    pub account_id: i64,
    pub email: String,
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive, exactly one token).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' ')).then_some(token)
}

pub fn unix_now() -> u64 {
    u64::try_from(crate::store::time::now_ms() / 1000).unwrap_or(0)
}

/// The middleware for routes that need the `parse` scope (job routes and usage).
pub async fn require_parse(State(st): State<Shared>, req: Request, next: Next) -> Response {
    require(st, Scope::Parse, req, next).await
}

/// The middleware for the key management routes (`admin` scope).
pub async fn require_admin(State(st): State<Shared>, req: Request, next: Next) -> Response {
    require(st, Scope::Admin, req, next).await
}

async fn require(st: Shared, scope: Scope, mut req: Request, next: Next) -> Response {
    let now = unix_now();
    let ip = client_ip(&req);
    // An IP already over its allowance for keyless requests gets no key lookup (each refused lookup is
    // an audit write): guessing costs the server nothing once throttled.
    if st.ip_limiter.is_exhausted(&ip, now) {
        return limited(st.ip_limiter.check(&ip, now));
    }
    let token = bearer(req.headers()).filter(|t| ApiKeyFormat::is_well_formed(t)).map(|t| Zeroizing::new(t.to_owned()));
    let verified = match token {
        Some(token) => match st.db.call(move |s| s.verify(&token)).await {
            Ok(v) => v,
            Err(e) => return e.into_response(),
        },
        None => Err(VerifyError::Malformed),
    };
    let key = match verified {
        Ok(key) => key,
        Err(VerifyError::Store(e)) => return ApiError::unavailable_store(&e).into_response(),
        Err(_) => {
            // Requests without a valid key are limited per client IP, so key guessing is throttled too.
            let d = st.ip_limiter.check(&ip, now);
            return if d.allowed { ApiError::unauthorized().into_response() } else { limited(d) };
        }
    };
    let d = st.key_limiter.check(&key.key_id, now);
    let mut res = if !d.allowed {
        return limited(d);
    } else if !key.scopes.contains(&scope) {
        ApiError::forbidden("This API key lacks the scope this route needs").into_response()
    } else {
        req.extensions_mut().insert(Principal { key_id: key.key_id, account_id: key.account_id, email: key.email });
        next.run(req).await
    };
    limit_headers(res.headers_mut(), &d);
    res
}

pub fn client_ip(req: &Request) -> String {
    req.extensions().get::<ClientAddr>().map(|c| c.0.ip().to_string()).unwrap_or_default()
}

/// 429 `RATE_LIMITED` with `Retry-After` and the window's headers.
pub fn limited(d: Decision) -> Response {
    let err = ApiError {
        retry_after: Some(d.retry_after),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "Too many requests; retry after the window resets",
        )
    };
    let mut res = err.into_response();
    limit_headers(res.headers_mut(), &d);
    res
}

pub fn limit_headers(headers: &mut HeaderMap, d: &Decision) {
    headers.insert("x-ratelimit-limit", HeaderValue::from(d.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(d.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(d.reset));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_takes_exactly_one_token() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::AUTHORIZATION, HeaderValue::from_str(v).expect("header"));
            bearer(&m).map(str::to_owned)
        };
        assert_eq!(h("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(h("bearer abc").as_deref(), Some("abc"));
        assert_eq!(h("Basic abc"), None);
        assert_eq!(h("Bearer a b"), None);
        assert_eq!(h("Bearer"), None);
    }
}
