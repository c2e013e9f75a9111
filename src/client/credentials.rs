//! Where the API key comes from, in cli.md's order: `--key-file`, `CADLENS_KEY`, the OS keyring. The key is
//! held in `Zeroizing` memory and never appears in an error message (only its 12-character display prefix
//! may be shown, as the store does).

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::store::ApiKeyFormat;

/// The keyring service name; the entry's user is the normalised server URL, so keys for several servers
/// coexist.
const KEYRING_SERVICE: &str = "cadlens";
/// The file (in the user's config directory) that remembers the server `login` last used.
const SERVER_FILE: &str = "server";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    KeyFile,
    Environment,
    Keyring,
}

impl KeySource {
    pub fn describe(self) -> &'static str {
        match self {
            KeySource::KeyFile => "--key-file",
            KeySource::Environment => "CADLENS_KEY",
            KeySource::Keyring => "the OS keyring",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("cannot read the key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    #[error("the key from {0} is not a cadlens API key (cadl_ followed by 48 lowercase hex digits, checksum included)")]
    Malformed(&'static str),
    #[error("no API key for {server}: use `cadlens login --server {server}`, set CADLENS_KEY, or pass --key-file")]
    Missing { server: String },
    #[error(
        "no OS keyring service answered ({reason}); on a headless machine keep the key in CADLENS_KEY or a file given to --key-file"
    )]
    NoKeyring { reason: String },
    #[error("the OS keyring refused the operation: {0}")]
    Keyring(String),
    #[error("server URL {0:?} is not an absolute http or https URL")]
    BadServer(String),
    #[error("cannot remember the server in {path}: {reason}")]
    Config { path: PathBuf, reason: String },
}

/// `http://host:port`, `http://host:port/` and `http://host:port/v1` all name the same server (api.md §1):
/// the base without a trailing slash or `/v1`.
pub fn normalise_server(raw: &str) -> Result<String, CredentialError> {
    let url = url::Url::parse(raw.trim()).map_err(|_| CredentialError::BadServer(raw.to_owned()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(CredentialError::BadServer(raw.to_owned()));
    }
    let mut base = url.as_str().trim_end_matches('/').to_owned();
    if let Some(stripped) = base.strip_suffix("/v1") {
        base = stripped.to_owned();
    }
    Ok(base)
}

/// The key for `server` from the first source that has one.
pub fn find_key(key_file: Option<&Path>, server: &str) -> Result<(Zeroizing<String>, KeySource), CredentialError> {
    if let Some(path) = key_file {
        return read_key_file(path).map(|k| (k, KeySource::KeyFile));
    }
    if let Some(value) = std::env::var_os("CADLENS_KEY") {
        let key = Zeroizing::new(value.to_string_lossy().trim().to_owned());
        return checked(key, KeySource::Environment).map(|k| (k, KeySource::Environment));
    }
    match keyring_entry(server)?.get_password() {
        Ok(stored) => checked(Zeroizing::new(stored), KeySource::Keyring).map(|k| (k, KeySource::Keyring)),
        Err(keyring::Error::NoEntry) => Err(CredentialError::Missing { server: server.to_owned() }),
        Err(e) => Err(keyring_error(e)),
    }
}

fn read_key_file(path: &Path) -> Result<Zeroizing<String>, CredentialError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| CredentialError::KeyFile { path: path.to_owned(), reason: e.to_string() })?,
    );
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    checked(Zeroizing::new(first.to_owned()), KeySource::KeyFile)
}

fn checked(key: Zeroizing<String>, source: KeySource) -> Result<Zeroizing<String>, CredentialError> {
    if ApiKeyFormat::is_well_formed(&key) { Ok(key) } else { Err(CredentialError::Malformed(source.describe())) }
}

pub fn store_in_keyring(server: &str, key: &str) -> Result<(), CredentialError> {
    keyring_entry(server)?.set_password(key).map_err(keyring_error)
}

/// Removes the stored key; `Ok(false)` when there was none.
pub fn remove_from_keyring(server: &str) -> Result<bool, CredentialError> {
    match keyring_entry(server)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(keyring_error(e)),
    }
}

fn keyring_entry(server: &str) -> Result<keyring::Entry, CredentialError> {
    keyring::Entry::new(KEYRING_SERVICE, server).map_err(keyring_error)
}

/// A keyring that is absent (no D-Bus session, no Secret Service) is a setup fact with a known way around
/// it; anything else is reported as the keyring's own refusal.
fn keyring_error(e: keyring::Error) -> CredentialError {
    match e {
        keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            let reason = match keyring::Entry::store_status() {
                Err(init) => init.to_string(),
                Ok(()) => e.to_string(),
            };
            CredentialError::NoKeyring { reason }
        }
        other => CredentialError::Keyring(other.to_string()),
    }
}

fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "cadlens").map(|d| d.config_dir().to_owned())
}

/// The server `login` last used, else the hosted API.
pub fn remembered_server() -> String {
    config_dir()
        .and_then(|d| std::fs::read_to_string(d.join(SERVER_FILE)).ok())
        .and_then(|s| normalise_server(s.trim()).ok())
        .unwrap_or_else(|| super::HOSTED_SERVER.to_owned())
}

pub fn remember_server(server: &str) -> Result<(), CredentialError> {
    let dir = config_dir().ok_or_else(|| CredentialError::Config {
        path: PathBuf::from("~/.config/cadlens"),
        reason: "no home directory".into(),
    })?;
    let path = dir.join(SERVER_FILE);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, format!("{server}\n")))
        .map_err(|e| CredentialError::Config { path, reason: e.to_string() })
}

pub fn forget_server() {
    if let Some(d) = config_dir() {
        let _ = std::fs::remove_file(d.join(SERVER_FILE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_with_or_without_v1_name_the_same_base() {
        for raw in
            ["http://127.0.0.1:8787", "http://127.0.0.1:8787/", "http://127.0.0.1:8787/v1", "http://127.0.0.1:8787/v1/"]
        {
            assert_eq!(normalise_server(raw).expect("valid"), "http://127.0.0.1:8787", "{raw}");
        }
        assert_eq!(normalise_server("https://api.cadlens.co").expect("valid"), "https://api.cadlens.co");
        assert!(matches!(normalise_server("ftp://x"), Err(CredentialError::BadServer(_))));
        assert!(matches!(normalise_server("localhost:8787"), Err(CredentialError::BadServer(_))));
    }

    #[test]
    fn a_key_file_gives_its_first_non_empty_line_and_refuses_a_malformed_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = ApiKeyFormat::generate().expect("random");
        let good = dir.path().join("good");
        std::fs::write(&good, format!("\n  {}  \n", key.as_str())).expect("write");
        assert_eq!(read_key_file(&good).expect("reads").as_str(), key.as_str());

        let bad = dir.path().join("bad");
        let mut wrong = key.to_string();
        wrong.pop();
        wrong.push(if key.ends_with('0') { '1' } else { '0' });
        std::fs::write(&bad, &wrong).expect("write");
        let err = read_key_file(&bad).expect_err("checksum differs");
        assert!(matches!(err, CredentialError::Malformed("--key-file")));
        assert!(!err.to_string().contains(&wrong), "the error never repeats the key");
    }
}
