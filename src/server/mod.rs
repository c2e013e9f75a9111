//! `cadlens serve`: the CADLens v1 API (api.md) over the library — read (through the sandboxed
//! `crate::worker`), result, render (inside the worker) and store. Nothing calls into the server.
//!
//! ```text
//! TCP ─ listener (connection cap, TLS handshake + HSTS with --tls-cert, head deadline/size, graceful shutdown)
//!     └ app::edge (request id, error bodies, headers, log) ─ router
//!         ├ public: /health, /v1/health, /v1/previews/… (signing, per-IP limit)
//!         └ auth (Bearer → Store::verify, per-key/IP limits) ─ handlers: parse (upload → sniff → job),
//!           jobs (status, result, image, delete), usage
//! queue (bounded) ─ runners (= --workers) ─ worker::start in a blocking thread ─ store (encrypted files)
//! janitor: retention sweep at start and every 10 min
//! webhooks: runners record job events ─ store ─ deliverer (signed POSTs to pinned addresses, retries)
//! tls: certificate from PEM, reloaded on SIGHUP; redirect: the optional plain listener (308 / 403 on /v1)
//! ```

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod handlers;
pub mod janitor;
pub mod listener;
pub mod openapi;
pub mod queue;
pub mod ratelimit;
pub mod redirect;
pub mod signing;
pub mod tls;
pub mod upload;
pub mod webhooks;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::Config;

use crate::store::{Store, StoreError, time};

/// A PROCESSING job found at start is retried until it has been started this many times (api.md §4: at
/// most 2 retries).
const MAX_ATTEMPTS: i64 = 3;
/// How long open connections may take to finish their request at shutdown.
const DRAIN: Duration = Duration::from_secs(10);

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
}

/// Runs the server until SIGINT or SIGTERM, then shuts down gracefully.
pub fn run(cfg: Config) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("cadlens-serve")
        .max_blocking_threads(64)
        .build()
        .map_err(|source| ServeError::Io { what: "starting the async runtime".into(), source })?;
    runtime.block_on(serve(cfg, shutdown_signal()))
}

/// Runs the server until `shutdown` resolves.
pub async fn serve(cfg: Config, shutdown: impl std::future::Future<Output = ()>) -> Result<(), ServeError> {
    // Certificates first: a bad file should stop the start before anything touches the store.
    let tls = match &cfg.tls {
        Some(files) => {
            let certs = tls::Certs::load(files.clone())?;
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(certs.server_config()?));
            Some((certs, acceptor))
        }
        None => None,
    };
    let store = Store::open(&cfg.paths)?;
    let signer = signing::Signer::new(store.preview_signing_key());
    let recovered = store.recover_jobs(MAX_ATTEMPTS, time::now_ms())?;
    drop(store);
    let db = db::Db::open(&cfg.paths, cfg.db_connections)?;
    let listener = TcpListener::bind(cfg.listen)
        .await
        .map_err(|source| ServeError::Io { what: format!("binding {}", cfg.listen), source })?;
    let local = listener.local_addr().map_err(|source| ServeError::Io { what: "local address".into(), source })?;
    let redirect = match cfg.http_redirect_listen {
        Some(addr) if tls.is_some() => Some(
            TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::Io { what: format!("binding {addr}"), source })?,
        ),
        _ => None,
    };
    let st = app::AppState::new(cfg, db, signer, local);
    log_sandbox(&st).await;
    for id in recovered {
        if !st.queue.push_recovered(id) {
            break;
        }
    }
    let runners = queue::spawn_runners(&st, st.cfg.workers);
    let janitor = janitor::spawn(&st);
    let deliverer = webhooks::spawn(&st);
    if let Some((certs, _)) = &tls {
        eprintln!("cadlens serve: TLS 1.2/1.3, certificate sha256 {}", certs.fingerprint());
        reload_on_sighup(Arc::clone(certs))?;
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let redirect = match redirect {
        Some(plain) => Some(spawn_redirect(plain, &st, local.port(), stop_rx)?),
        None => None,
    };
    // The one line on stdout: scripts and tests read the port from it.
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{local}");
    let _ = std::io::stdout().flush();
    eprintln!(
        "cadlens serve: {} workers, uploads up to {} bytes, data in {}",
        st.cfg.workers,
        st.cfg.max_upload_bytes,
        st.cfg.paths.data_dir.display()
    );
    let shutdown = async {
        shutdown.await;
        let _ = stop_tx.send(true);
    };
    let acceptor = tls.map(|(_, acceptor)| acceptor);
    listener::serve(listener, app::router(Arc::clone(&st)), &st.cfg, acceptor, shutdown, DRAIN).await;
    if let Some(redirect) = redirect {
        let _ = redirect.await;
    }
    finish_jobs(&st).await;
    janitor.abort();
    // Undelivered webhooks stay pending in the store; the next start sends them.
    deliverer.abort();
    for r in runners {
        r.abort();
    }
    eprintln!("cadlens serve: stopped");
    Ok(())
}

/// Lets running jobs finish for `--shutdown-grace`, then cancels the rest (they end FAILED, not billed)
/// and waits for their outcome to be recorded. Queued jobs stay PENDING for the next start.
async fn finish_jobs(st: &app::Shared) {
    st.begin_shutdown();
    let started = Instant::now();
    while st.queue.active() > 0 && started.elapsed() < st.cfg.shutdown_grace {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if st.queue.active() > 0 {
        eprintln!("cadlens serve: cancelling {} running job(s)", st.queue.active());
        st.queue.cancel_all();
    }
    let cancelled = Instant::now();
    while st.queue.active() > 0 && cancelled.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Reloads the certificate on each SIGHUP (renewal without a restart); a bad new file is logged and the
/// served certificate stays. Registered before the listening line, so a SIGHUP can never kill the server.
fn reload_on_sighup(certs: Arc<tls::Certs>) -> Result<(), ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hup = signal(SignalKind::hangup())
        .map_err(|source| ServeError::Io { what: "listening for SIGHUP".into(), source })?;
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            match certs.reload() {
                Ok(print) => eprintln!("cadlens serve: SIGHUP: TLS certificate reloaded, sha256 {print}"),
                Err(e) => eprintln!("cadlens serve: SIGHUP: {e}; still serving sha256 {}", certs.fingerprint()),
            }
        }
    });
    Ok(())
}

/// Starts the plain-HTTP redirect listener; it stops when `stop` turns true.
fn spawn_redirect(
    plain: TcpListener,
    st: &app::Shared,
    https_port: u16,
    mut stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, ServeError> {
    let addr = plain.local_addr().map_err(|source| ServeError::Io { what: "local address".into(), source })?;
    eprintln!("cadlens serve: plain HTTP on http://{addr} redirects to https (and refuses /v1)");
    let cfg = st.cfg.clone();
    Ok(tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        listener::serve(plain, redirect::router(https_port), &cfg, None, stopped, DRAIN).await;
    }))
}

/// One log line saying how confined the workers are (security.md §2.9: say so when the kernel lacks a layer).
async fn log_sandbox(st: &app::Shared) {
    let exe = st.cfg.worker_exe.clone();
    match tokio::task::spawn_blocking(move || crate::worker::sandbox_status(&exe)).await {
        Ok(Ok(status)) => eprintln!("cadlens serve: worker sandbox: {status}"),
        Ok(Err(e)) => eprintln!("cadlens serve: worker sandbox check failed: {e}"),
        Err(e) => eprintln!("cadlens serve: worker sandbox check failed: {e}"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                () = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => ctrl_c.await,
    }
    eprintln!("cadlens serve: shutting down");
}
