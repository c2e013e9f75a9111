//! The optional plain-HTTP listener next to HTTPS (security.md S-TLS-2). Browser paths get a 308 to the same
//! path on https (308, not 301, so a method is never rewritten). The API under `/v1` gets a 403 and no
//! redirect: a client that follows redirects would otherwise keep sending its key in clear text on every
//! call and never notice (ASVS 5.0 4.1.2). It serves nothing else and never reaches the store.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};

use super::app::edge;
use super::error::ApiError;

/// The router of the plain listener; `https_port` is where the TLS listener is bound.
pub fn router(https_port: u16) -> Router {
    Router::new()
        .fallback(move |method: Method, headers: HeaderMap, uri: Uri| async move {
            answer(&method, &headers, &uri, https_port)
        })
        .layer(middleware::from_fn(edge))
}

fn answer(method: &Method, headers: &HeaderMap, uri: &Uri, https_port: u16) -> Response {
    let path = uri.path();
    if path == "/v1" || path.starts_with("/v1/") {
        if headers.contains_key(header::AUTHORIZATION) {
            // The key itself never reaches the log; its owner should rotate it all the same.
            eprintln!("cadlens serve: a credential was sent over plain HTTP to {}; refused", clean(path));
        }
        return ApiError::forbidden("The API is served over HTTPS only; plain HTTP requests are refused")
            .into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return ApiError::forbidden("Plain HTTP only redirects GET and HEAD to HTTPS").into_response();
    }
    let Some(host) = host_name(headers) else {
        return ApiError::invalid_request("A Host header is needed to redirect to HTTPS").into_response();
    };
    let port = if https_port == 443 { String::new() } else { format!(":{https_port}") };
    let target = format!("https://{host}{port}{}", uri.path_and_query().map_or("/", |pq| pq.as_str()));
    match HeaderValue::from_str(&target) {
        Ok(location) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::invalid_request("The request cannot be redirected").into_response(),
    }
}

/// The host of the `Host` header without its port (the https port replaces it), when it has only host
/// characters: a redirect must never carry something a client sent to another origin.
fn host_name(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let name = match host.strip_prefix('[') {
        Some(rest) => &host[..rest.find(']')? + 2],
        None => host.split(':').next()?,
    };
    let ok = !name.is_empty()
        && name.len() <= 255
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then_some(name)
}

fn clean(path: &str) -> String {
    path.chars().take(200).filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(value: &str) -> Option<String> {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(value).unwrap());
        host_name(&h).map(str::to_owned)
    }

    #[test]
    fn host_names_lose_their_port_and_keep_only_host_characters() {
        assert_eq!(host("example.com:80").as_deref(), Some("example.com"));
        assert_eq!(host("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(host("[::1]:8080").as_deref(), Some("[::1]"));
        assert_eq!(host("evil.com/x"), None);
        assert_eq!(host("[::1"), None);
    }
}
