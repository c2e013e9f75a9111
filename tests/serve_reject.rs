//! Every refusal of `POST /v1/parse` and of the key check with its status and error body (api.md §2, §3.1,
//! §8), and nothing left behind: no job in the store, no file under the data dir, no planted marker (file
//! content, raw keys, the password) anywhere in the data dir or the server's log.

mod serve_support;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serve_support::{BOUNDARY, Part, Server, corpus_file, grep_dir, read_response};

const LIMIT: usize = 1 << 20;
const MARKER: &str = "PLANTED-FILE-CONTENT-MARKER-5f1d0c7e9a";
const PASSWORD_MARKER: &str = "PLANTED-PASSWORD-MARKER-0b8e2d44";

/// A DXF of exactly `len` bytes (a 999 comment pads it), with the file marker inside.
fn dxf_of_len(len: usize) -> Vec<u8> {
    let tail = "\n  0\nLINE\n  8\n0\n 10\n0\n 20\n0\n 11\n1\n 21\n1\n  0\nENDSEC\n  0\nEOF\n";
    let head = format!("  0\nSECTION\n  2\nENTITIES\n999\n{MARKER} ");
    let pad = len - head.len() - tail.len();
    format!("{head}{}{tail}", "x".repeat(pad)).into_bytes()
}

#[test]
fn every_rejection_has_its_status_and_body_and_leaves_nothing_behind() {
    let Some(dgn_v8) = corpus_file("dgn/tika__testDGN8.dgn") else { return };
    let Some(r12_dwg) = corpus_file("dwg/libredwg__test_test-data_r11_ACEB10.dwg") else { return };
    let srv = Server::start(&["--max-upload-bytes", &LIMIT.to_string()]);
    srv.cli(&["account", "create", "ann@example.com", "--password-stdin"], Some(PASSWORD_MARKER));
    let (key, _) = srv.key("ann@example.com", &[]);
    let (revoked, revoked_id) = srv.key("ann@example.com", &[]);
    srv.cli(&["key", "revoke", &revoked_id], None);
    let (expired, _) = srv.key("ann@example.com", &["--expires", "1s"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut malformed = key.clone().into_bytes();
    malformed[10] = if malformed[10] == b'a' { b'b' } else { b'a' };
    let malformed = String::from_utf8(malformed).unwrap_or_default();
    let dxf = dxf_of_len(2000);

    // Keys (api.md §2): one status, one text, for every way a key can be wrong.
    let no_key = srv.post_multipart("/v1/parse", None, &[Part::File("a.dxf", &dxf)]);
    let body = no_key.expect_error(401, "UNAUTHORIZED");
    assert_eq!(no_key.header("www-authenticate"), Some("Bearer realm=\"cadlens\""));
    for bad in [&malformed, &revoked, &expired, &"cadl_short".to_owned()] {
        let r = srv.upload(bad, "a.dxf", &dxf, "");
        assert_eq!(r.expect_error(401, "UNAUTHORIZED")["error"], body["error"]);
    }

    // Content checks in the spec's order.
    let not_multipart = ureq_post_raw(&srv, &key, "application/octet-stream", MARKER.as_bytes());
    assert_eq!(not_multipart.0, 415, "{}", not_multipart.1);
    assert!(not_multipart.1.contains("\"UNSUPPORTED_MEDIA_TYPE\""));
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend_from_slice(MARKER.as_bytes());
    srv.upload(&key, "plan.dwg", &png, "").expect_error(415, "UNSUPPORTED_FORMAT");
    let v8 = srv.upload(&key, "model.dgn", &dgn_v8, "").expect_error(422, "UNPROCESSABLE_FILE");
    assert!(v8["detail"].as_str().is_some_and(|d| d.contains("V8")), "{v8}");
    let old = srv.upload(&key, "old.dwg", &r12_dwg, "").expect_error(422, "UNPROCESSABLE_FILE");
    assert!(old["detail"].as_str().is_some_and(|d| d.contains("AC1009")), "{old}");
    srv.upload(&key, "empty.dxf", b"", "").expect_error(400, "FILE_REQUIRED");
    srv.post_multipart("/v1/parse", Some(&key), &[Part::Text("mode", "sync")]).expect_error(400, "FILE_REQUIRED");
    let two = [Part::File("a.dxf", &dxf), Part::File("b.dxf", &dxf)];
    srv.post_multipart("/v1/parse", Some(&key), &two).expect_error(400, "FILE_REQUIRED");
    let bad_mode = srv.upload(&key, "a.dxf", &dxf, "?mode=later").expect_error(400, "VALIDATION_ERROR");
    assert_eq!(bad_mode["details"]["fieldErrors"]["mode"][0], "mode must be one of: sync, async");
    srv.upload(&key, "a.dxf", &dxf, "?wait=true&mode=async").expect_error(400, "VALIDATION_ERROR");
    let hook = [Part::File("a.dxf", &dxf), Part::Text("webhookUrl", "ftp://example.com/x")];
    srv.post_multipart("/v1/parse", Some(&key), &hook).expect_error(400, "VALIDATION_ERROR");
    srv.upload(&key, "big.dxf", &dxf_of_len(LIMIT + 1), "").expect_error(413, "FILE_TOO_LARGE");
    oversize_declared(&srv, &key);
    oversize_streamed(&srv, &key);

    assert_eq!(srv.stored_jobs().len(), 0, "no job exists after a refusal");
    assert!(srv.job_files().is_empty(), "no file was written: {:?}", srv.job_files());
    assert_eq!(srv.get("/v1/usage", Some(&key)).json()["used"], 0, "nothing counts toward usage");

    // A file of exactly the limit is accepted; the planted content is stored only encrypted.
    let exact = srv.upload(&key, "exact.dxf", &dxf_of_len(LIMIT), "?wait=true");
    assert_eq!(exact.status, 200, "{}", exact.text());
    assert_eq!(srv.stored_jobs().len(), 1);

    for (what, needle) in
        [("file content", MARKER), ("password", PASSWORD_MARKER), ("key", &key), ("revoked key", &revoked)]
    {
        assert_eq!(
            grep_dir(&srv.data(), needle.as_bytes()),
            Vec::<std::path::PathBuf>::new(),
            "{what} in the data dir"
        );
        assert!(!srv.log().contains(needle), "{what} in the server log");
    }
}

/// POSTs a raw body with a content type (not multipart) over a plain socket; status and response text.
fn ureq_post_raw(srv: &Server, key: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut s = srv.connect();
    let head = format!(
        "POST /v1/parse HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {key}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        srv.addr,
        body.len()
    );
    s.write_all(head.as_bytes()).expect("head");
    s.write_all(body).expect("body");
    read_response(&mut s)
}

/// A declared length over the limit is answered without the body ever being sent.
fn oversize_declared(srv: &Server, key: &str) {
    let mut s = srv.connect();
    let head = format!(
        "POST /v1/parse HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {key}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 10000000000\r\nExpect: 100-continue\r\n\r\n",
        srv.addr
    );
    s.write_all(head.as_bytes()).expect("head");
    let (status, text) = read_response(&mut s);
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("\"FILE_TOO_LARGE\"") && !text.contains("100 Continue"), "{text}");
}

/// A chunked upload with no end: the server answers 413 once the file part passes the limit, long before
/// the 256 MiB the client would send.
fn oversize_streamed(srv: &Server, key: &str) {
    const WOULD_SEND: u64 = 256 << 20;
    let mut s = srv.connect();
    let head = format!(
        "POST /v1/parse HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {key}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nTransfer-Encoding: chunked\r\n\r\n",
        srv.addr
    );
    s.write_all(head.as_bytes()).expect("head");
    let sent = Arc::new(AtomicU64::new(0));
    let mut writer = s.try_clone().expect("clone");
    let counter = Arc::clone(&sent);
    let feeder = std::thread::spawn(move || {
        let part = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.dxf\"\r\n\r\n0\nSECTION\n"
        );
        let mut chunk = format!("{:x}\r\n{part}\r\n", part.len()).into_bytes();
        let data = MARKER.repeat(64 * 1024 / MARKER.len());
        while counter.load(Ordering::Relaxed) < WOULD_SEND {
            if writer.write_all(&chunk).is_err() {
                return;
            }
            counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            chunk = format!("{:x}\r\n{data}\r\n", data.len()).into_bytes();
        }
    });
    let (status, text) = read_response(&mut s);
    let at_answer = sent.load(Ordering::Relaxed);
    drop(s);
    let _ = feeder.join();
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("\"FILE_TOO_LARGE\""), "{text}");
    assert!(at_answer < WOULD_SEND / 4, "answered after {at_answer} bytes");
}

#[test]
fn oversized_heads_get_431_and_slow_heads_are_cut_off() {
    let srv = Server::start(&["--header-timeout", "1s"]);
    let mut s = srv.connect();
    let big = format!("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(64 * 1024));
    let _ = s.write_all(big.as_bytes());
    let (status, _) = read_response(&mut s);
    assert_eq!(status, 431);

    let mut slow = srv.connect();
    slow.write_all(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n").expect("partial head");
    let mut rest = Vec::new();
    // The server closes the connection at the head deadline (the socket's own read timeout is 30 s).
    let closed = std::io::Read::read_to_end(&mut slow, &mut rest);
    assert!(closed.is_ok(), "closed by the server, not by our timeout: {closed:?}");
    assert_eq!(srv.get("/v1/health", None).status, 200, "and it still serves");
}
