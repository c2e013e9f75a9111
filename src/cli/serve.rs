//! `cadlens serve`: flags to [`server::Config`], then the server until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::{GlobalArgs, exit};
use crate::result::Schema;
use crate::server::{self, Config, ServeError, config::parse_bytes};
use crate::store::{StorePaths, time};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on (loopback unless --tls-cert or --insecure-http)
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// The data directory of the store (jobs, accounts, keys)
    #[arg(long, value_name = "DIR", env = "CADLENS_HOME", hide_env_values = true)]
    data_dir: Option<PathBuf>,
    /// Parses running at once, each in its own sandboxed worker process (default: the cores)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    /// Largest accepted upload, e.g. 100MiB (api.md: a file of exactly this size is accepted)
    #[arg(long, default_value = "100MiB", value_name = "SIZE", value_parser = parse_bytes)]
    max_upload_bytes: u64,
    /// How long jobs, results and previews are kept, e.g. 7d (at least 1h)
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = retention_arg)]
    retention: i64,
    /// Lifetime of signed preview URLs, e.g. 1h (at most 7d)
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = ttl_arg)]
    preview_ttl: u64,
    /// Wall-clock and CPU limit of one parse
    #[arg(long, default_value = "300s", value_name = "DURATION", value_parser = duration_arg)]
    job_timeout: Duration,
    /// Memory limit of one parse worker (address space)
    #[arg(long, default_value = "1GiB", value_name = "SIZE", value_parser = parse_bytes)]
    job_memory: u64,
    /// How long wait=true holds a request before answering 202
    #[arg(long, default_value = "50s", value_name = "DURATION", value_parser = duration_arg)]
    sync_timeout: Duration,
    /// Larger uploads are never held by wait=true
    #[arg(long, default_value = "10MiB", value_name = "SIZE", value_parser = parse_bytes)]
    sync_max_bytes: u64,
    /// Requests per minute per API key
    #[arg(long, default_value_t = 120, value_name = "N")]
    rate_limit: u32,
    /// Requests per minute per client IP without a valid key, and for preview downloads
    #[arg(long, default_value_t = 30, value_name = "N")]
    ip_rate_limit: u32,
    /// Base of the URLs the server hands out (default: http:// and the request's Host)
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Result schema when the request and the upload name none
    #[arg(long, default_value = "2.0.0", value_name = "VERSION", value_parser = schema_arg)]
    result_schema: Schema,
    /// Jobs waiting for a worker before uploads are refused with 503
    #[arg(long, default_value_t = 1000, value_name = "N")]
    max_queued: usize,
    /// Open connections at once; more are closed on accept
    #[arg(long, default_value_t = 4096, value_name = "N")]
    max_connections: usize,
    /// Time to send a request's headers, and the idle limit of a kept-alive connection
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration_arg)]
    header_timeout: Duration,
    /// Limit on handling one request, upload and sync wait included
    #[arg(long, default_value = "120s", value_name = "DURATION", value_parser = duration_arg)]
    request_timeout: Duration,
    /// At shutdown, how long running parses may finish before they are cancelled (and fail)
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration_arg)]
    shutdown_grace: Duration,
    /// Allow a non-loopback --listen address without TLS (the API key travels in clear text)
    #[arg(long)]
    insecure_http: bool,
    /// Let webhooks go to loopback, private and link-local addresses (for local development)
    #[arg(long)]
    webhook_allow_private: bool,
    /// How long an undelivered webhook event is retried before it is given up, e.g. 24h
    #[arg(long, default_value = "24h", value_name = "DURATION", value_parser = duration_arg)]
    webhook_retry_window: Duration,
    /// Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain; SIGHUP reloads it and the key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Also listen for plain HTTP here: browser paths get a 308 to https, /v1 paths a 403 (never a redirect)
    #[arg(long, value_name = "ADDR:PORT", requires = "tls_cert")]
    http_redirect_listen: Option<SocketAddr>,
}

fn duration_arg(text: &str) -> Result<Duration, String> {
    let ms = time::parse_duration(text).map_err(|e| e.to_string())?;
    Ok(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

fn retention_arg(text: &str) -> Result<i64, String> {
    let ms = time::parse_duration(text).map_err(|e| e.to_string())?;
    if ms < time::HOUR { Err(format!("{text}: retention is at least 1h")) } else { Ok(ms) }
}

fn ttl_arg(text: &str) -> Result<u64, String> {
    let secs = u64::try_from(time::parse_duration(text).map_err(|e| e.to_string())? / 1000).unwrap_or(0);
    if (1..=server::signing::MAX_TTL_S).contains(&secs) { Ok(secs) } else { Err(format!("{text}: between 1s and 7d")) }
}

fn schema_arg(text: &str) -> Result<Schema, String> {
    text.parse().map_err(|e: crate::result::UnknownSchema| e.to_string())
}

pub fn run(args: ServeArgs, _global: &GlobalArgs) -> u8 {
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(server::tls::TlsFiles { cert, key }),
        _ => None,
    };
    if tls.is_none() && !args.listen.ip().is_loopback() {
        if !args.insecure_http {
            eprintln!(
                "error: {} is not a loopback address and no --tls-cert/--tls-key were given: API keys would cross \
                 the network in clear text. Pass --insecure-http to do it anyway.",
                args.listen
            );
            return exit::USAGE;
        }
        // On every start, so an operator cannot forget it is on.
        eprintln!("warning: --insecure-http: serving plain HTTP on {}: API keys travel unencrypted", args.listen);
    }
    let paths = match StorePaths::resolve(args.data_dir.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return super::store_cmds::exit_code(&e);
        }
    };
    let mut cfg = Config::new(paths);
    cfg.listen = args.listen;
    if let Some(n) = args.workers {
        cfg.workers = usize::from(n);
    }
    cfg.max_upload_bytes = args.max_upload_bytes;
    cfg.retention_ms = args.retention;
    cfg.preview_ttl_s = args.preview_ttl;
    cfg.job_timeout = args.job_timeout;
    cfg.job_memory_bytes = args.job_memory;
    cfg.sync_timeout = args.sync_timeout;
    cfg.sync_max_bytes = args.sync_max_bytes;
    cfg.rate_limit = args.rate_limit;
    cfg.ip_rate_limit = args.ip_rate_limit;
    cfg.public_url = args.public_url;
    cfg.result_schema = args.result_schema;
    cfg.max_queued = args.max_queued;
    cfg.max_connections = args.max_connections;
    cfg.header_timeout = args.header_timeout;
    cfg.request_timeout = args.request_timeout;
    cfg.shutdown_grace = args.shutdown_grace;
    cfg.webhook_allow_private = args.webhook_allow_private;
    cfg.webhook_retry_window = args.webhook_retry_window;
    cfg.tls = tls;
    cfg.http_redirect_listen = args.http_redirect_listen;
    match server::run(cfg) {
        Ok(()) => exit::OK,
        Err(ServeError::Store(e)) => {
            eprintln!("error: {e}");
            super::store_cmds::exit_code(&e)
        }
        Err(e @ (ServeError::Io { .. } | ServeError::Tls(_))) => {
            eprintln!("error: {e}");
            exit::IO
        }
    }
}
