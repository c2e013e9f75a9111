//! `serve` at the edge (security.md S-TLS-1..3) against the real binary on loopback with real handshakes:
//! TLS 1.3 and 1.2 accepted, a TLS 1.1 ClientHello refused with a protocol_version alert, HSTS on HTTPS
//! only, the plain listener's 308 for browser paths and 403 (never a redirect) for /v1, the --insecure-http
//! rule, and SIGHUP swapping the served certificate (a bad new file keeps the old one). Certificates are
//! made per test with the openssl CLI; the client pins the exact certificate it expects.

mod serve_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, ProtocolVersion, SignatureScheme, SupportedProtocolVersion};
use serve_support::{Server, common};
use sha2::{Digest, Sha256};

const HSTS: &str = "max-age=31536000; includeSubDomains";

/// A fresh self-signed P-256 certificate for localhost and 127.0.0.1 in `dir`: (cert.pem, key.pem).
fn make_cert(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join(format!("{name}.crt")), dir.join(format!("{name}.key")));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .args(["-subj", &format!("/CN=localhost {name}")])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "openssl req: {}", String::from_utf8_lossy(&out.stderr));
    (cert, key)
}

fn der(cert: &Path) -> Vec<u8> {
    CertificateDer::from_pem_file(cert).expect("PEM certificate").as_ref().to_vec()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Accepts exactly the pinned certificates (self-signed, so no chain to build) and checks the handshake
/// signatures for real with the ring provider.
#[derive(Debug)]
struct Pinned {
    certs: Vec<Vec<u8>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.certs.iter().any(|c| c.as_slice() == end_entity.as_ref()) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("not a pinned certificate".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// What one HTTPS request saw.
struct Seen {
    version: ProtocolVersion,
    cert_sha256: String,
    head: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `GET path` over TLS limited to `version`, trusting only `pins`.
fn https_get(addr: &str, version: &'static SupportedProtocolVersion, pins: &[&Path], path: &str) -> Seen {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Pinned { certs: pins.iter().map(|p| der(p)).collect(), provider: Arc::clone(&provider) };
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[version])
        .expect("versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let conn = rustls::ClientConnection::new(Arc::new(cfg), ServerName::try_from("localhost").expect("name"))
        .expect("client connection");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(tls, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").expect("request over TLS");
    let mut bytes = Vec::new();
    if let Err(e) = tls.read_to_end(&mut bytes) {
        assert!(e.kind() == std::io::ErrorKind::UnexpectedEof && !bytes.is_empty(), "reading the response: {e}");
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    let leaf = tls.conn.peer_certificates().and_then(|c| c.first()).expect("a server certificate");
    Seen { version: tls.conn.protocol_version().expect("negotiated"), cert_sha256: sha256(leaf.as_ref()), head }
}

fn addr_of(server: &Server) -> String {
    assert!(server.base.starts_with("https://"), "{}", server.base);
    server.base.trim_start_matches("https://").to_owned()
}

fn wait_for_log(server: &Server, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = server.log();
        if log.contains(needle) {
            return log;
        }
        assert!(Instant::now() < deadline, "no {needle:?} in the log:\n{log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn tls_args<'a>(cert: &'a Path, key: &'a Path) -> Vec<&'a str> {
    vec!["--tls-cert", cert.to_str().expect("utf-8"), "--tls-key", key.to_str().expect("utf-8")]
}

#[test]
fn tls_1_3_and_1_2_are_served_with_hsts_and_1_1_is_refused() {
    let dir = common::temp_dir();
    let (cert, key) = make_cert(dir.path(), "a");
    let server = Server::start(&tls_args(&cert, &key));
    let addr = addr_of(&server);

    for (version, expect) in
        [(&rustls::version::TLS13, ProtocolVersion::TLSv1_3), (&rustls::version::TLS12, ProtocolVersion::TLSv1_2)]
    {
        let seen = https_get(&addr, version, &[&cert], "/health");
        assert_eq!(seen.version, expect);
        assert!(seen.head.starts_with("HTTP/1.1 200"), "{}", seen.head);
        assert_eq!(seen.header("strict-transport-security"), Some(HSTS));
        assert_eq!(seen.cert_sha256, sha256(&der(&cert)));
        // Errors from the API over TLS carry it too.
        let refused = https_get(&addr, version, &[&cert], "/v1/jobs");
        assert!(refused.head.starts_with("HTTP/1.1 401"), "{}", refused.head);
        assert_eq!(refused.header("strict-transport-security"), Some(HSTS));
    }

    // A TLS 1.1 ClientHello: legacy version 0x0302, no supported_versions extension, TLS 1.1-era suites.
    let mut hello = vec![0x03, 0x02];
    hello.extend_from_slice(&[0x5a; 32]); // random
    hello.push(0); // no session id
    // Suites the server has (ECDHE-ECDSA/RSA-AES128-GCM-SHA256), so only the version can be the reason.
    hello.extend_from_slice(&[0x00, 0x04, 0xc0, 0x2b, 0xc0, 0x2f]);
    hello.extend_from_slice(&[0x01, 0x00]); // null compression; no extensions
    let mut handshake = vec![0x01, 0x00, 0x00, u8::try_from(hello.len()).expect("small")];
    handshake.extend_from_slice(&hello);
    let mut record = vec![0x16, 0x03, 0x02, 0x00, u8::try_from(handshake.len()).expect("small")];
    record.extend_from_slice(&handshake);
    let mut tcp = TcpStream::connect(&addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(15))).expect("timeout");
    tcp.write_all(&record).expect("ClientHello");
    let mut reply = Vec::new();
    let _ = tcp.read_to_end(&mut reply);
    // One alert record, and nothing else (no ServerHello): fatal (2), handshake_failure (40), which is
    // what rustls answers a client that offers no version it has.
    assert_eq!(reply, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 40], "a fatal handshake_failure alert, got {reply:02x?}");

    // openssl's own TLS 1.1 client (security level 0 lets OpenSSL 3 offer it) gets the same alert.
    let out = Command::new("openssl")
        .args(["s_client", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-connect", &addr])
        .stdin(Stdio::null())
        .output()
        .expect("openssl s_client");
    let said = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "TLS 1.1 was accepted:\n{said}");
    assert!(said.contains("alert handshake failure") && said.contains("SSL alert number 40"), "{said}");
    assert!(said.contains("Cipher is (NONE)") && said.contains("no peer certificate available"), "{said}");

    // The certificate fingerprint is logged; the private key never is.
    let log = server.log();
    assert!(log.contains(&format!("certificate sha256 {}", sha256(&der(&cert)))), "{log}");
    let key_pem = std::fs::read_to_string(&key).expect("key");
    for line in key_pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!log.contains(line), "key material in the log");
    }
}

#[test]
fn plain_listener_redirects_browser_paths_and_refuses_the_api() {
    let dir = common::temp_dir();
    let (cert, key) = make_cert(dir.path(), "a");
    let mut args = tls_args(&cert, &key);
    args.extend(["--http-redirect-listen", "127.0.0.1:0"]);
    let server = Server::start(&args);
    let https_port = addr_of(&server).rsplit(':').next().expect("port").to_owned();
    let log = wait_for_log(&server, "plain HTTP on http://");
    let plain = log
        .split("plain HTTP on http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("plain address")
        .to_owned();

    let ask = |request: &str| -> String {
        let mut tcp = TcpStream::connect(&plain).expect("connect plain");
        tcp.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        tcp.write_all(request.as_bytes()).expect("request");
        let mut text = String::new();
        let _ = tcp.read_to_string(&mut text);
        text
    };
    let header = |text: &str, name: &str| -> Option<String> {
        text.split("\r\n\r\n").next()?.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };

    let root = ask("GET / HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n");
    assert!(root.starts_with("HTTP/1.1 308"), "{root}");
    assert_eq!(header(&root, "location"), Some(format!("https://localhost:{https_port}/")));
    assert_eq!(header(&root, "strict-transport-security"), None, "HSTS over plain HTTP (RFC 6797)");

    let docs = ask("HEAD /docs?tab=api HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert!(docs.starts_with("HTTP/1.1 308"), "{docs}");
    assert_eq!(header(&docs, "location"), Some(format!("https://127.0.0.1:{https_port}/docs?tab=api")));

    let key = "cl_live_planted0123456789abcdefghijklmn";
    let api = ask(&format!(
        "GET /v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    ));
    assert!(api.starts_with("HTTP/1.1 403"), "{api}");
    assert_eq!(header(&api, "location"), None, "an API path must not be redirected");
    assert_eq!(header(&api, "strict-transport-security"), None);
    let body: serde_json::Value =
        serde_json::from_str(api.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("problem JSON");
    assert_eq!(body["code"], "FORBIDDEN", "{body}");
    assert_eq!(body["status"], 403, "{body}");

    let post = ask("POST /v1/parse HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert!(post.starts_with("HTTP/1.1 403"), "{post}");
    assert_eq!(header(&post, "location"), None);

    let log = wait_for_log(&server, "credential was sent over plain HTTP to /v1/jobs");
    assert!(!log.contains(key), "the key reached the log");
}

#[test]
fn non_loopback_without_tls_needs_insecure_http_and_warns() {
    let dir = common::temp_dir();
    let serve = |extra: &[&str]| {
        common::bin()
            .args(["serve", "--listen", "0.0.0.0:0"])
            .args(extra)
            .env("CADLENS_HOME", dir.path().join("data"))
            .env("CADLENS_MASTER_KEY_FILE", dir.path().join("master.key"))
            .env_remove("CREDENTIALS_DIRECTORY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cadlens serve")
    };

    let refused = serve(&[]).wait_with_output().expect("exit");
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--insecure-http") && said.contains("0.0.0.0:0"), "{said}");
    assert!(refused.stdout.is_empty(), "it must not listen");

    for _ in 0..2 {
        let mut child = serve(&["--insecure-http"]);
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
        assert!(line.starts_with("listening on http://0.0.0.0:"), "{line:?}");
        let _ = child.kill();
        let out = child.wait_with_output().expect("stopped");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("warning: --insecure-http: serving plain HTTP on 0.0.0.0:0"), "{said}");
    }

    // With TLS a non-loopback address needs no flag.
    let (cert, key) = make_cert(dir.path(), "a");
    let mut child = serve(&tls_args(&cert, &key));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
    assert!(line.starts_with("listening on https://0.0.0.0:"), "{line:?}");
    let _ = child.kill();
    let out = child.wait_with_output().expect("stopped");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"), "no warning with TLS");
}

#[test]
fn sighup_swaps_the_certificate_and_a_bad_file_keeps_the_old_one() {
    let dir = common::temp_dir();
    let (cert_a, key_a) = make_cert(dir.path(), "a");
    let (cert_b, key_b) = make_cert(dir.path(), "b");
    let (cert, key) = (dir.path().join("served.crt"), dir.path().join("served.key"));
    std::fs::copy(&cert_a, &cert).expect("copy");
    std::fs::copy(&key_a, &key).expect("copy");
    let (print_a, print_b) = (sha256(&der(&cert_a)), sha256(&der(&cert_b)));
    assert_ne!(print_a, print_b);

    let server = Server::start(&tls_args(&cert, &key));
    let addr = addr_of(&server);
    let pins: [&Path; 2] = [&cert_a, &cert_b];
    assert_eq!(https_get(&addr, &rustls::version::TLS13, &pins, "/health").cert_sha256, print_a);

    let hup = || {
        let pid = libc::pid_t::try_from(server.pid()).expect("pid");
        // SAFETY: kill(2) with a pid of our own child and a valid signal number has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGHUP) }, 0);
    };
    std::fs::copy(&cert_b, &cert).expect("copy");
    std::fs::copy(&key_b, &key).expect("copy");
    hup();
    wait_for_log(&server, &format!("TLS certificate reloaded, sha256 {print_b}"));
    let after = https_get(&addr, &rustls::version::TLS13, &pins, "/health");
    assert_eq!(after.cert_sha256, print_b);
    assert!(after.head.starts_with("HTTP/1.1 200"), "{}", after.head);
    assert_eq!(https_get(&addr, &rustls::version::TLS12, &pins, "/health").cert_sha256, print_b);

    // A truncated certificate: logged, and B stays served.
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nMIIB\n").expect("write");
    hup();
    let log = wait_for_log(&server, &format!("still serving sha256 {print_b}"));
    assert!(log.contains("TLS certificate"), "{log}");
    assert_eq!(https_get(&addr, &rustls::version::TLS13, &pins, "/health").cert_sha256, print_b);
    // A key of another certificate: refused the same way.
    std::fs::copy(&cert_b, &cert).expect("copy");
    std::fs::copy(&key_a, &key).expect("copy");
    hup();
    wait_for_log(&server, "does not belong to the certificate");
    assert_eq!(https_get(&addr, &rustls::version::TLS12, &pins, "/health").cert_sha256, print_b);
    for pem in [&key_a, &key_b] {
        let text = std::fs::read_to_string(pem).expect("key");
        for line in text.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!server.log().contains(line), "key material in the log");
        }
    }
}

#[test]
fn a_key_that_does_not_match_stops_the_start() {
    let dir = common::temp_dir();
    let (cert_a, _) = make_cert(dir.path(), "a");
    let (_, key_b) = make_cert(dir.path(), "b");
    let out = common::bin()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(tls_args(&cert_a, &key_b))
        .env("CADLENS_HOME", dir.path().join("data"))
        .env("CADLENS_MASTER_KEY_FILE", dir.path().join("master.key"))
        .env_remove("CREDENTIALS_DIRECTORY")
        .stdin(Stdio::null())
        .output()
        .expect("cadlens serve");
    assert_eq!(out.status.code(), Some(4));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("b.key does not belong to the certificate"), "{said}");
    assert!(out.stdout.is_empty(), "it must not listen");
}

#[test]
fn a_client_that_never_finishes_the_handshake_is_closed_after_10_s() {
    let dir = common::temp_dir();
    let (cert, key) = make_cert(dir.path(), "a");
    let server = Server::start(&tls_args(&cert, &key));
    let addr = addr_of(&server);
    let started = Instant::now();
    let mut tcp = TcpStream::connect(&addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    tcp.write_all(&[0x16, 0x03, 0x01]).expect("the start of a record, then silence");
    let mut reply = Vec::new();
    let read = tcp.read_to_end(&mut reply);
    let took = started.elapsed();
    assert!(read.is_ok(), "closed by the server, not by our 30 s timeout: {read:?}");
    assert!(reply.is_empty(), "nothing sent back: {reply:02x?}");
    assert!((Duration::from_secs(9)..Duration::from_secs(15)).contains(&took), "closed after {took:?}");
    // The server still serves the next client.
    assert!(https_get(&addr, &rustls::version::TLS13, &[&cert], "/health").head.starts_with("HTTP/1.1 200"));
}
