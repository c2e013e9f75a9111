//! The store's one error type. The CLI maps each variant to an exit code; the server (later) to a status.

use std::path::PathBuf;

/// Everything that can go wrong in the store. Messages never contain a password or a raw API key.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("no data directory: set --data-dir or CADLENS_HOME")]
    NoDataDir,
    #[error("invalid email address {0:?}")]
    InvalidEmail(String),
    #[error("password not accepted: {0}")]
    InvalidPassword(&'static str),
    #[error("invalid {what}: {value:?} ({hint})")]
    InvalidInput { what: &'static str, value: String, hint: &'static str },
    #[error("an account {0} already exists")]
    AccountExists(String),
    #[error("no account {0}")]
    AccountNotFound(String),
    #[error("no API key {0}")]
    KeyNotFound(String),
    #[error("API key {0} is revoked, expired or already rotated")]
    KeyNotActive(String),
    #[error("master key {path}: {reason}")]
    MasterKey { path: PathBuf, reason: String },
    #[error("the master key does not match this store (it was made with another key); refusing to go on")]
    MasterKeyMismatch,
    #[error("the store has schema version {found}, this cadlens knows up to {supported}: use a newer cadlens")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("backup refused: {0}")]
    Backup(String),
    #[error("cryptography: {0}")]
    Crypto(&'static str),
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.into();
        move |source| StoreError::Io { path, source }
    }

    pub(crate) fn invalid(what: &'static str, value: &str, hint: &'static str) -> StoreError {
        // Bounded so a huge argument cannot flood the terminal; callers never pass secrets here.
        let value: String = value.chars().take(80).collect();
        StoreError::InvalidInput { what, value, hint }
    }

    /// Whether the caller gave bad input (a usage error) rather than the store failing.
    pub fn is_usage(&self) -> bool {
        matches!(self, StoreError::InvalidEmail(_) | StoreError::InvalidPassword(_) | StoreError::InvalidInput { .. })
    }

    /// Whether reading or writing a file failed.
    pub fn is_io(&self) -> bool {
        matches!(self, StoreError::Io { .. } | StoreError::NoDataDir)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
