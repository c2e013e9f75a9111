//! The application: shared state, the route table of api.md §3, and the edge middleware that every
//! response passes (request id, the one error body, common headers, the access log line).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;

use super::auth::{self, ClientAddr};
use super::config::Config;
use super::db::Db;
use super::error::ApiError;
use super::handlers::{health, jobs, keys, parse, previews, usage};
use super::queue::Queue;
use super::ratelimit::Limiter;
use super::signing::Signer;

/// What every handler shares.
pub struct AppState {
    pub cfg: Config,
    pub db: Arc<Db>,
    pub queue: Arc<Queue>,
    pub key_limiter: Limiter,
    pub ip_limiter: Limiter,
    pub signer: Signer,
    /// The bound address (the base of URLs when a request has no usable Host).
    pub local_addr: SocketAddr,
    /// Wakes the webhook deliverer when an event is recorded or an attempt ends.
    pub webhook_wake: tokio::sync::Notify,
    /// Upload bytes held in memory at once, in MiB permits (see `handlers::parse`).
    pub upload_budget: tokio::sync::Semaphore,
    shutting_down: AtomicBool,
}

pub type Shared = Arc<AppState>;

/// Upload bytes the server holds in memory at once (1 GiB, as the CLI's parse budget): an upload waits for
/// its share before its body is read, so many large uploads at once queue instead of multiplying memory.
/// One upload larger than the whole budget still runs, alone.
pub const UPLOAD_BUDGET_MIB: u32 = 1024;

impl AppState {
    pub fn new(cfg: Config, db: Arc<Db>, signer: Signer, local_addr: SocketAddr) -> Shared {
        Arc::new(AppState {
            queue: Arc::new(Queue::new(cfg.max_queued)),
            key_limiter: Limiter::new(cfg.rate_limit),
            ip_limiter: Limiter::new(cfg.ip_rate_limit),
            cfg,
            db,
            signer,
            local_addr,
            webhook_wake: tokio::sync::Notify::new(),
            upload_budget: tokio::sync::Semaphore::new(UPLOAD_BUDGET_MIB as usize),
            shutting_down: AtomicBool::new(false),
        })
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Relaxed)
    }

    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::Relaxed);
    }
}

/// The routes. Keyed routes sit behind `auth::require_parse`; health and signed previews are public.
pub fn router(st: Shared) -> Router {
    let keyed = Router::new()
        .route("/v1/parse", post(parse::create).layer(DefaultBodyLimit::disable()))
        .route("/v1/jobs", get(jobs::list))
        .route("/v1/jobs/{id}", get(jobs::show).delete(jobs::delete))
        .route("/v1/jobs/{id}/result", get(jobs::result))
        .route("/v1/jobs/{id}/image", get(jobs::image))
        .route("/v1/usage", get(usage::show))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&st), auth::require_parse));
    let admin = Router::new()
        .route("/v1/keys", get(keys::list).post(keys::create))
        .route("/v1/keys/{id}", axum::routing::delete(keys::revoke))
        .route("/v1/keys/{id}/rotate", post(keys::rotate))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&st), auth::require_admin));
    let public = Router::new()
        .route("/health", get(health::health))
        .route("/v1/health", get(health::health_v1))
        .route("/v1/openapi.json", get(super::openapi::serve))
        .route("/v1/previews/{file}", get(previews::first))
        .route("/v1/previews/{job}/{file}", get(previews::sheet));
    let timeout = st.cfg.request_timeout;
    keyed
        .merge(admin)
        .merge(public)
        .fallback(|| async { ApiError::not_found() })
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(middleware::from_fn(edge))
        .with_state(st)
}

/// Every response: `X-Request-Id` (echoed when the client sent a sane one), the error body of api.md §8
/// for any error (with that id), `Cache-Control: no-store` and `nosniff`, and one log line that names no
/// query string (preview signatures stay out of the log) and no header (keys stay out too).
pub async fn edge(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(req.headers());
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let client = req.extensions().get::<ClientAddr>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    let mut res = next.run(req).await;
    // Errors the framework made itself (405, timeouts, extractor rejections in text/plain) get the one shape.
    let err = res.extensions_mut().remove::<ApiError>().or_else(|| {
        let failed = res.status().is_client_error() || res.status().is_server_error();
        let json =
            res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        (failed && !json).then(|| ApiError::for_status(res.status()))
    });
    if let Some(err) = err {
        let body = serde_json::to_vec(&err.body(&id)).unwrap_or_default();
        *res.body_mut() = Body::from(body);
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        res.headers_mut().remove(header::CONTENT_LENGTH);
    } else if res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json")) {
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    }
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    log_line(&id, &client, method.as_str(), &path, res.status(), started.elapsed());
    res
}

fn log_line(id: &str, client: &str, method: &str, path: &str, status: StatusCode, took: Duration) {
    let path: String = path.chars().take(200).filter(|c| !c.is_control()).collect();
    let at = crate::store::time::rfc3339(crate::store::time::now_ms());
    eprintln!("{at} {id} {client} {method} {path} {} {}us", status.as_u16(), took.as_micros());
}

/// The client's `X-Request-Id` if it is 1–128 printable ASCII characters, else `req_` + 16 random
/// letters and digits.
fn request_id(headers: &HeaderMap) -> String {
    let given = headers
        .get("x-request-id")
        .map(HeaderValue::as_bytes)
        .filter(|v| (1..=128).contains(&v.len()) && v.iter().all(|b| (0x21..=0x7e).contains(b)))
        .and_then(|v| std::str::from_utf8(v).ok());
    match given {
        Some(id) => id.to_owned(),
        None => format!("req_{}", crate::store::random_base62(16).unwrap_or_else(|_| "0".repeat(16))),
    }
}

/// Paths ending in `/` are the same route without it (api.md §1).
pub fn trim_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let pq = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_owned(),
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req
}
