//! The accept loop and the limits that apply before any handler (security.md S-HTTP-1..4): a cap on open
//! connections (more are closed at once, so they never queue behind the cap), a deadline for a complete
//! request head that is also the idle limit between requests on a kept-alive connection (hyper starts it
//! whenever it waits for a head), a head size limit answered with 431 by hyper, accept errors that are
//! logged and survived (EMFILE), and graceful shutdown: on the signal, no new connections, and each open
//! one finishes its request in flight and closes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use super::app::trim_trailing_slash;
use super::auth::ClientAddr;
use super::config::Config;

/// hyper's smallest allowed read buffer.
const MIN_BUF: usize = 8192;
/// Headers per request at most.
const MAX_HEADERS: usize = 100;

/// Serves `app` on `listener` until `shutdown` resolves, then drains open connections for up to `drain`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    cfg: &Config,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) {
    let slots = Arc::new(Semaphore::new(cfg.max_connections.max(1)));
    let (closing_tx, closing_rx) = watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(cfg.header_timeout)
        .max_buf_size(cfg.max_head_bytes.max(MIN_BUF))
        .max_headers(MAX_HEADERS)
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, addr) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors or a connection reset before accept: never fatal.
                eprintln!("cadlens serve: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ClientAddr(addr));
            app.clone().oneshot(trim_trailing_slash(req.map(Body::new)))
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let all = u32::try_from(cfg.max_connections.max(1)).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(drain, slots.acquire_many(all)).await;
}
