//! HTTPS for `cadlens serve` (security.md S-TLS-1): rustls 0.23 on the ring provider, TLS 1.2 and 1.3 only
//! (rustls implements nothing older, so a TLS 1.0/1.1 client gets a handshake_failure alert), a certificate and
//! key from PEM files, and reload on SIGHUP: the resolver hands each new handshake the current certificate,
//! so a renewal takes effect without dropping open connections, and a bad new file leaves the old one in
//! place. Nothing here logs or returns key material: errors say which file and what kind of problem only.

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::{Digest, Sha256};

/// The PEM files named by `--tls-cert` and `--tls-key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Why a certificate or key could not be used. The reasons are our own words, never text of the files.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS certificate {}: {reason}", path.display())]
    Cert { path: PathBuf, reason: String },
    #[error("TLS private key {}: {reason}", path.display())]
    Key { path: PathBuf, reason: String },
    #[error("TLS private key {} does not belong to the certificate {}, or is of an unsupported kind", key.display(), cert.display())]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("TLS setup: {0}")]
    Config(#[from] rustls::Error),
}

/// The served certificate, swappable while the server runs.
#[derive(Debug)]
pub struct Certs {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
}

impl Certs {
    /// Loads `files` once; the server refuses to start when this fails.
    pub fn load(files: TlsFiles) -> Result<Arc<Certs>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let current = RwLock::new(Arc::new(read_pair(&files, &provider)?));
        Ok(Arc::new(Certs { files, provider, current }))
    }

    /// Reads the files again; on success new handshakes get the new certificate (its SHA-256 fingerprint is
    /// returned for the log), on failure the old one stays.
    pub fn reload(&self) -> Result<String, TlsError> {
        let fresh = Arc::new(read_pair(&self.files, &self.provider)?);
        let print = fingerprint(&fresh);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        Ok(print)
    }

    /// The SHA-256 fingerprint (hex) of the leaf certificate served now: public, safe to log.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The rustls server configuration: TLS 1.3 and 1.2, HTTP/1.1 by ALPN, certificates from `self`.
    pub fn server_config(self: &Arc<Self>) -> Result<ServerConfig, TlsError> {
        let mut cfg = ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
            .with_no_client_auth()
            .with_cert_resolver(Arc::clone(self) as Arc<dyn ResolvesServerCert>);
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(cfg)
    }
}

impl ResolvesServerCert for Certs {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner)))
    }
}

fn fingerprint(key: &CertifiedKey) -> String {
    key.cert
        .first()
        .map(|c| Sha256::digest(c.as_ref()).iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default()
}

/// Reads the chain and the key and checks that they belong together (rustls compares the public keys).
fn read_pair(files: &TlsFiles, provider: &CryptoProvider) -> Result<CertifiedKey, TlsError> {
    let cert_err = |reason: String| TlsError::Cert { path: files.cert.clone(), reason };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| cert_err(pem_reason(&e)))?;
    if chain.is_empty() {
        return Err(cert_err("no CERTIFICATE block found".into()));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| TlsError::Key { path: files.key.clone(), reason: pem_reason(&e) })?;
    CertifiedKey::from_der(chain, key, provider).map_err(|_| mismatch(&files.cert, &files.key))
}

fn mismatch(cert: &Path, key: &Path) -> TlsError {
    TlsError::Mismatch { cert: cert.to_owned(), key: key.to_owned() }
}

/// A PEM error in our words: some variants carry a line of the file, which for a key file could be secret.
fn pem_reason(e: &pem::Error) -> String {
    match e {
        pem::Error::Io(io) => io.to_string(),
        pem::Error::NoItemsFound => "no usable PEM block found".into(),
        _ => "not valid PEM".into(),
    }
}
