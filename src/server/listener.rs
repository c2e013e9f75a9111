//! The accept loop and the limits that apply before any handler (security.md S-HTTP-1..4): a cap on open
//! connections (more are closed at once, so they never queue behind the cap), a deadline for a complete
//! request head that is also the idle limit between requests on a kept-alive connection (hyper starts it
//! whenever it waits for a head), a head size limit answered with 431 by hyper, accept errors that are
//! logged and survived (EMFILE), and graceful shutdown: on the signal, no new connections, and each open
//! one finishes its request in flight and closes. With TLS, the handshake runs in the connection's own task
//! under its own deadline (a client that stalls it holds one slot, never the accept loop), and every response
//! carries HSTS (S-TLS-3; RFC 6797 forbids it over plain HTTP, so the plain listener never sends it).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::HttpService;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::app::trim_trailing_slash;
use super::auth::ClientAddr;
use super::config::Config;

/// hyper's smallest allowed read buffer.
const MIN_BUF: usize = 8192;
/// Headers per request at most.
const MAX_HEADERS: usize = 100;
/// Time for a complete TLS handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// One year and subdomains (ASVS 5.0 3.4.1).
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Serves `app` on `listener` (over TLS when `tls` is given) until `shutdown` resolves, then drains open
/// connections for up to `drain`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    cfg: &Config,
    tls: Option<TlsAcceptor>,
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
        let hsts = tls.is_some();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ClientAddr(addr));
            let answer = app.clone().oneshot(trim_trailing_slash(req.map(Body::new)));
            async move {
                let mut res = answer.await?;
                if hsts {
                    res.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
                }
                Ok::<_, Infallible>(res)
            }
        });
        let closing = closing_rx.clone();
        let builder = builder.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            match tls {
                None => drive(builder.serve_connection(TokioIo::new(stream), service), closing).await,
                Some(acceptor) => {
                    // A failed or late handshake just closes the connection: scanners would flood a log line.
                    if let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await {
                        drive(builder.serve_connection(TokioIo::new(stream), service), closing).await;
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let all = u32::try_from(cfg.max_connections.max(1)).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(drain, slots.acquire_many(all)).await;
}

/// Runs one connection to its end, or at shutdown lets it finish the request in flight.
async fn drive<I, S>(conn: http1::Connection<I, S>, mut closing: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    S: HttpService<Incoming, ResBody = Body>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = closing.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
