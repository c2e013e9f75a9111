//! Everything `cadlens serve` can be told, with the defaults of cli.md and api.md. The CLI builds it from
//! flags; tests and embedders may build it directly.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::tls::TlsFiles;
use crate::result::Schema;
use crate::store::{StorePaths, time};

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub paths: StorePaths,
    /// Parse workers running at once (default: the cores).
    pub workers: usize,
    /// Largest accepted `file` part in bytes (api.md §3.1; a file of exactly this size is accepted).
    pub max_upload_bytes: u64,
    /// How long job records, results and previews are kept (api.md §10; at least one hour).
    pub retention_ms: i64,
    /// Lifetime of signed preview URLs in seconds (api.md §7; at most 7 days).
    pub preview_ttl_s: u64,
    /// Wall-clock limit of one parse.
    pub job_timeout: Duration,
    /// Memory (address space) limit of one parse worker.
    pub job_memory_bytes: u64,
    /// How long `wait=true` holds a request (api.md §5).
    pub sync_timeout: Duration,
    /// Files larger than this are never held synchronously.
    pub sync_max_bytes: u64,
    /// Requests per minute per key (api.md §11).
    pub rate_limit: u32,
    /// Requests per minute per client IP without a valid key, and for signed preview URLs.
    pub ip_rate_limit: u32,
    /// Base of signed URLs; else the request's scheme and Host.
    pub public_url: Option<String>,
    /// The result schema served when nothing else chooses one (api.md §3.4).
    pub result_schema: Schema,
    /// Jobs waiting for a worker before uploads get 503.
    pub max_queued: usize,
    /// Open connections at once; more are closed on accept.
    pub max_connections: usize,
    /// Limit for the whole request head (request line and headers); over it: 431.
    pub max_head_bytes: usize,
    /// Time to send a complete request head, and the idle time allowed between requests on a connection.
    pub header_timeout: Duration,
    /// Limit on handling one request, body included (sync waits and uploads fit well inside).
    pub request_timeout: Duration,
    /// How long shutdown waits for running jobs before it cancels them (they end FAILED).
    pub shutdown_grace: Duration,
    /// SQLite connections shared by the request handlers.
    pub db_connections: usize,
    /// The binary that runs `worker` (this one).
    pub worker_exe: PathBuf,
    /// Let webhooks go to loopback, private and link-local addresses (local development; S-WH-3).
    pub webhook_allow_private: bool,
    /// How long an undelivered webhook event is retried before it is given up (api.md §6).
    pub webhook_retry_window: Duration,
    /// Serve HTTPS with this certificate and key (reloaded on SIGHUP); else plain HTTP.
    pub tls: Option<TlsFiles>,
    /// A plain-HTTP listener that redirects browser paths to https and refuses /v1 (only with `tls`).
    pub http_redirect_listen: Option<SocketAddr>,
}

impl Config {
    /// The defaults of cli.md for a store at `paths`.
    pub fn new(paths: StorePaths) -> Config {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            paths,
            workers: cores,
            max_upload_bytes: 100 * 1024 * 1024,
            retention_ms: 7 * time::DAY,
            preview_ttl_s: 3600,
            job_timeout: Duration::from_secs(300),
            job_memory_bytes: 1 << 30,
            sync_timeout: Duration::from_secs(50),
            sync_max_bytes: 10 * 1024 * 1024,
            rate_limit: 120,
            ip_rate_limit: 30,
            public_url: None,
            result_schema: Schema::V2,
            max_queued: 1000,
            max_connections: 4096,
            max_head_bytes: 32 * 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            shutdown_grace: Duration::from_secs(10),
            db_connections: 8,
            worker_exe: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("cadlens")),
            webhook_allow_private: false,
            webhook_retry_window: Duration::from_secs(24 * 3600),
            tls: None,
            http_redirect_listen: None,
        }
    }
}

/// Parses a byte size: a whole number with an optional unit `B`, `KiB`, `MiB`, `GiB` (or `K`, `M`, `G`,
/// `KB`, `MB`, `GB`, all powers of 1024 as in `100MiB`).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().map_err(|_| format!("{text}: expected a number of bytes, e.g. 100MiB"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("{text}: unknown unit {unit:?} (B, KiB, MiB or GiB)")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("{text}: too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_bytes("100MiB"), Ok(104_857_600));
        assert_eq!(parse_bytes("1024"), Ok(1024));
        assert_eq!(parse_bytes("2k"), Ok(2048));
        assert!(parse_bytes("MiB").is_err());
        assert!(parse_bytes("5 parsecs").is_err());
        assert!(parse_bytes("99999999999999999999G").is_err());
    }
}
