//! Webhook delivery of `cadlens serve` (api.md §6, security.md §1.9) with the real binary on a loopback
//! port and a real receiver: a thread on 127.0.0.1 that records every request's raw body and headers and
//! answers from a script. Signatures are checked independently — Standard Webhooks by the Python
//! `standardwebhooks` package, `X-CADLens-Signature` by an HMAC computed here — never by our own `verify`.

mod serve_support;

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use serve_support::{Part, Server, common, grep_dir};

/// Two LINEs on two layers: a real DXF small enough to inline in every `job.completed` body.
const DXF: &str = "  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n  8\nwalls\n 10\n0\n 20\n0\n 11\n10\n 21\n0\n  0\nLINE\n  8\ndoors\n 10\n0\n 20\n0\n 11\n0\n 21\n5\n  0\nENDSEC\n  0\nEOF\n";

/// A DXF that makes a debug-build worker misbehave once it is sandboxed (`src/worker/hooks.rs`).
fn poison(hook: &str) -> Vec<u8> {
    format!("999\nCADLENS_TEST_HOOK {hook}\n  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n").into_bytes()
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    at: Instant,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    answered: u16,
}

impl Got {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map_or("", |(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("webhook body is JSON ({e})"))
    }
}

/// A webhook receiver on 127.0.0.1: answers each request with the next scripted status (then 200) and
/// closes the connection; a scripted 0 reads the request and then holds the connection silent for 12 s.
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    fn start(script: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("receiver binds");
        let port = listener.local_addr().expect("addr").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Mutex<VecDeque<u16>>> = Arc::new(Mutex::new(script.iter().copied().collect()));
        let (seen, answers) = (Arc::clone(&got), Arc::clone(&script));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let status = answers.lock().expect("script").pop_front().unwrap_or(200);
                if let Some(g) = serve_one(stream, status) {
                    seen.lock().expect("log").push(g);
                }
            }
        });
        Receiver { port, got }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().expect("log").clone()
    }

    /// Waits until at least `n` requests arrived (at most `secs`), then returns all of them.
    fn wait_for(&self, n: usize, secs: u64) -> Vec<Got> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(Instant::now() < deadline, "{} of {n} deliveries after {secs} s: {got:#?}", got.len());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Reads one HTTP/1.1 request (head, then `Content-Length` bytes), answers `status`, closes.
fn serve_one(mut s: TcpStream, status: u16) -> Option<Got> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok())?;
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = s.read(&mut chunk).ok().filter(|n| *n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    let at = Instant::now();
    if status == 0 {
        // Hold the connection on a thread of its own, so later deliveries are still served.
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(12));
            drop(s);
        });
        return Some(Got { at, path, headers, body, answered: 0 });
    }
    // A redirect names another port of this host: following it would show up there.
    let extra = if (300..400).contains(&status) { "Location: http://127.0.0.1:9/elsewhere\r\n" } else { "" };
    let answer = format!("HTTP/1.1 {status} Scripted\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nno");
    let _ = s.write_all(answer.as_bytes());
    Some(Got { at, path, headers, body, answered: status })
}

/// A new account and key; returns the raw key and the `whsec_` secret `key create` showed once.
fn key_with_secret(srv: &Server, email: &str) -> (String, String) {
    srv.cli(&["account", "create", email, "--password-stdin"], Some("a long test password"));
    let out = srv.cli(&["key", "create", "--account", email, "--name", "hooks"], None);
    let key = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(key.starts_with("cadl_") && !key.contains('\n'), "stdout is the key alone: {key:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let secret = stderr
        .split_whitespace()
        .find(|w| w.starts_with("whsec_"))
        .unwrap_or_else(|| panic!("key create shows the webhook secret: {stderr}"))
        .to_owned();
    (key, secret)
}

fn upload_with_hook(srv: &Server, key: &str, name: &str, bytes: &[u8], field: &str, url: &str) -> serve_support::Reply {
    srv.post_multipart("/v1/parse", Some(key), &[Part::File(name, bytes), Part::Text(field, url)])
}

fn job_id(reply: &serve_support::Reply) -> String {
    assert_eq!(reply.status, 202, "{}", reply.text());
    reply.json()["jobId"].as_str().expect("jobId").to_owned()
}

/// `sha256=` + hex HMAC-SHA256 of `body` keyed with the `whsec_` text, computed here.
fn hosted_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// `standardwebhooks.Webhook(secret).verify(body, headers)` for each (body, headers): `ok` or the
/// exception's name, one Python run for all.
const VERIFY: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
out = []
for case in json.loads(sys.stdin.read()):
    try:
        Webhook(case["secret"]).verify(case["body"].encode(), case["headers"])
        out.append("ok")
    except Exception as e:
        out.append(type(e).__name__)
print(json.dumps(out))
"#;

fn python_verdicts(python: &std::path::Path, secret: &str, cases: &[(&[u8], &Got)]) -> Vec<String> {
    let input: Vec<Value> = cases
        .iter()
        .map(|(body, g)| {
            json!({
                "secret": secret,
                "body": String::from_utf8_lossy(body),
                "headers": {
                    "webhook-id": g.header("webhook-id"),
                    "webhook-timestamp": g.header("webhook-timestamp"),
                    "webhook-signature": g.header("webhook-signature"),
                },
            })
        })
        .collect();
    let mut child = Command::new(python)
        .args(["-c", VERIFY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the verifier's python runs");
    child.stdin.take().expect("stdin").write_all(Value::from(input).to_string().as_bytes()).expect("stdin");
    let out = child.wait_with_output().expect("python finishes");
    assert!(out.status.success(), "python failed: {out:?}");
    serde_json::from_slice(&out.stdout).expect("a JSON list of verdicts")
}

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && s.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || (c.is_ascii_hexdigit() && !c.is_ascii_uppercase()))
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

fn events(got: &[Got]) -> Vec<(String, i64)> {
    got.iter()
        .map(|g| {
            let v = g.json();
            (v["event"].as_str().unwrap_or("").to_owned(), v["sequence"].as_i64().unwrap_or(0))
        })
        .collect()
}

#[test]
fn three_events_arrive_in_order_and_both_signatures_verify() {
    let srv = Server::start(&["--webhook-allow-private"]);
    let rx = Receiver::start(&[]);
    let (key, secret) = key_with_secret(&srv, "ann@example.com");

    let done = job_id(&upload_with_hook(&srv, &key, "walls.dxf", DXF.as_bytes(), "webhookUrl", &rx.url("/done")));
    let failed = job_id(&upload_with_hook(&srv, &key, "bad.dxf", &poison("panic"), "webhook_url", &rx.url("/fail")));
    let done_job = srv.wait_terminal(&key, &done);
    let failed_job = srv.wait_terminal(&key, &failed);
    assert_eq!((done_job["status"].as_str(), failed_job["status"].as_str()), (Some("COMPLETED"), Some("FAILED")));
    let got = rx.wait_for(4, 30);
    std::thread::sleep(Duration::from_millis(300));
    let got_all = rx.got();
    assert_eq!(got_all.len(), 4, "one POST per event, none twice: {:?}", events(&got_all));

    let to = |path: &str| got.iter().filter(|g| g.path == path).cloned().collect::<Vec<Got>>();
    let (to_done, to_fail) = (to("/done"), to("/fail"));
    assert_eq!(events(&to_done), [("job.processing".into(), 1), ("job.completed".into(), 2)]);
    assert_eq!(events(&to_fail), [("job.processing".into(), 1), ("job.failed".into(), 2)]);

    for (g, id) in to_done.iter().map(|g| (g, &done)).chain(to_fail.iter().map(|g| (g, &failed))) {
        let v = g.json();
        assert_eq!(v["jobId"], id.as_str());
        let event_id = v["eventId"].as_str().expect("eventId");
        assert!(is_uuid_v4(event_id), "{event_id}");
        assert_eq!(g.header("webhook-id"), event_id, "webhook-id is the eventId");
        assert_eq!(g.header("content-type"), "application/json");
        assert!(g.header("user-agent").starts_with("CADLens-Webhook/1.0 (cadlens-serve/"), "{:?}", g.headers);
        assert_eq!(g.header("x-cadlens-signature"), hosted_signature(&secret, &g.body));
        let ts: i64 = g.header("webhook-timestamp").parse().expect("unix seconds");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
        assert!((now - ts).abs() < 60, "fresh timestamp {ts} vs {now}");
        let expected_status = match v["event"].as_str() {
            Some("job.processing") => "PROCESSING",
            Some("job.completed") => "COMPLETED",
            _ => "FAILED",
        };
        assert_eq!(v["status"], expected_status);
        assert!(v["timestamp"].as_str().is_some_and(|t| t.ends_with('Z') && t.len() == 24), "{v}");
    }
    let ids: std::collections::BTreeSet<&str> = got.iter().map(|g| g.header("webhook-id")).collect();
    assert_eq!(ids.len(), 4, "one event id per event");

    // job.completed: the summary, and (small) the whole result inline, equal to the result document.
    let completed = to_done[1].json();
    let r = &completed["result"];
    assert_eq!(r["schemaVersion"], "2.0.0");
    assert_eq!(r["entityCount"], 2);
    assert_eq!(r["resultUrl"], srv.url(&format!("/v1/jobs/{done}/result")));
    let doc = srv.get(&format!("/v1/jobs/{done}/result?schema=2024-01"), Some(&key)).json();
    assert_eq!(r["layerCount"].as_u64(), doc["layersJson"].as_array().map(|l| l.len() as u64));
    assert_eq!(r["layerCount"], doc["metadata"]["layerCount"]);
    assert_eq!(r["vectorJson"], doc["vectorJson"]);
    assert_eq!(r["layersJson"], doc["layersJson"]);
    assert_eq!(r["metadata"], doc["metadata"]);
    assert_eq!(r["vectorJson"].as_array().map(Vec::len), Some(2));
    let image = srv.get(r["imageUrl"].as_str().expect("imageUrl"), None);
    assert_eq!(image.status, 200);
    assert!(image.body.starts_with(b"\x89PNG"), "the signed preview URL works without a key");
    assert!(to_done[0].json().get("result").is_none() && to_done[0].json().get("error").is_none());

    // job.failed carries the job's errorMsg.
    let failure = to_fail[1].json();
    assert_eq!(failure["error"], failed_job["errorMsg"]);
    assert!(failure["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(failure.get("result").is_none());

    // The independent verifier accepts all four and refuses a changed byte.
    if let Some(python) = common::verifier_python() {
        let tampered = String::from_utf8_lossy(&to_done[1].body).replace("\"sequence\":2", "\"sequence\":3");
        let mut cases: Vec<(&[u8], &Got)> = got.iter().map(|g| (g.body.as_slice(), g)).collect();
        cases.push((tampered.as_bytes(), &to_done[1]));
        assert_eq!(python_verdicts(&python, &secret, &cases), ["ok", "ok", "ok", "ok", "WebhookVerificationError"]);
    }

    // The job shows its deliveries.
    let shown = srv.get(&format!("/v1/jobs/{done}"), Some(&key)).json();
    let list = shown["webhookDeliveries"].as_array().expect("webhookDeliveries");
    assert_eq!(list.len(), 2);
    for (d, g) in list.iter().zip(&to_done) {
        assert_eq!(d["eventId"], g.header("webhook-id"));
        assert_eq!((d["attempts"].as_i64(), d["lastStatus"].as_i64()), (Some(1), Some(200)));
        assert!(d["deliveredAt"].is_string() && d["nextAttemptAt"].is_null(), "{d}");
    }
    assert_eq!(list[1]["event"], "job.completed");

    // The secret is nowhere in the log or the data dir (it is sealed in the database).
    assert!(!srv.log().contains(&secret), "secret in the server log");
    assert!(grep_dir(&srv.data(), secret.as_bytes()).is_empty(), "secret in clear under the data dir");
}

#[test]
fn a_redirect_and_a_500_are_retried_after_2_and_4_seconds_under_the_same_webhook_id() {
    let srv = Server::start(&["--webhook-allow-private"]);
    let rx = Receiver::start(&[302, 500]);
    let (key, secret) = key_with_secret(&srv, "bob@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "walls.dxf", DXF.as_bytes(), "webhookUrl", &rx.url("/hook")));
    let got = rx.wait_for(4, 30);
    assert_eq!(
        events(&got),
        [
            ("job.processing".into(), 1),
            ("job.processing".into(), 1),
            ("job.processing".into(), 1),
            ("job.completed".into(), 2)
        ],
        "job.completed waits until job.processing is delivered"
    );
    assert_eq!(got.iter().map(|g| g.answered).collect::<Vec<_>>(), [302, 500, 200, 200]);
    let first_id = got[0].header("webhook-id");
    assert!(got[..3].iter().all(|g| g.header("webhook-id") == first_id), "same webhook-id on every retry");
    assert!(got[..3].windows(2).all(|w| w[0].body == w[1].body), "the same bytes on every retry");
    let gap1 = got[1].at - got[0].at;
    let gap2 = got[2].at - got[1].at;
    println!("retry gaps: {gap1:?}, {gap2:?}");
    assert!(gap1 >= Duration::from_millis(1900) && gap1 < Duration::from_millis(3500), "{gap1:?}");
    assert!(gap2 >= Duration::from_millis(3900) && gap2 < Duration::from_millis(5500), "{gap2:?}");
    let ts: Vec<i64> = got[..3].iter().map(|g| g.header("webhook-timestamp").parse().expect("ts")).collect();
    assert!(ts[0] < ts[1] && ts[1] < ts[2], "a fresh timestamp per attempt: {ts:?}");
    if let Some(python) = common::verifier_python() {
        let cases: Vec<(&[u8], &Got)> = got.iter().map(|g| (g.body.as_slice(), g)).collect();
        assert_eq!(python_verdicts(&python, &secret, &cases), ["ok"; 4]);
    }
    let job = srv.get(&format!("/v1/jobs/{id}"), Some(&key)).json();
    let list = job["webhookDeliveries"].as_array().expect("webhookDeliveries");
    assert_eq!(list[0]["attempts"], 3);
    assert_eq!(list[0]["lastStatus"], 200);
    assert_eq!(list[1]["attempts"], 1);
    assert!(srv.log().contains("HTTP 302: redirects are not followed"), "the failure is logged");
}

#[test]
fn private_and_loopback_targets_are_refused_at_upload_without_the_flag() {
    let srv = Server::start(&[]);
    let (key, _) = key_with_secret(&srv, "cy@example.com");
    let listed = srv.cli(&["key", "list", "--json"], None);
    let keys: Vec<Value> =
        String::from_utf8_lossy(&listed.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["hasWebhookSecret"], true);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("whsec_"), "listing never shows the secret");
    for (field, url, address) in [
        ("webhookUrl", "http://10.0.0.1/", "10.0.0.1"),
        ("webhook_url", "http://127.0.0.1:9/", "127.0.0.1"),
        ("webhookUrl", "https://localhost/cad", "127.0.0.1"),
    ] {
        let reply = upload_with_hook(&srv, &key, "walls.dxf", DXF.as_bytes(), field, url);
        let body = reply.expect_error(400, "VALIDATION_ERROR");
        let why = body["details"]["fieldErrors"]["webhookUrl"][0].as_str().unwrap_or_default().to_owned();
        assert!(why.contains(address) && why.contains("private"), "{url}: {body}");
    }
    // POST /v1/keys shows a new key's secret once; the listing says it has one and never shows it.
    let (admin, _) = srv.key("cy@example.com", &["--scope", "admin,parse"]);
    let made = srv.post("/v1/keys", &admin, "application/json", r#"{"name":"hooks","scopes":["parse"]}"#);
    assert_eq!(made.status, 201, "{}", made.text());
    let shown = made.json()["webhookSecret"].as_str().unwrap_or_default().to_owned();
    assert!(shown.starts_with("whsec_") && shown.len() == 50, "{shown}");
    let listed = srv.get("/v1/keys", Some(&admin));
    assert!(!listed.text().contains("whsec_"), "{}", listed.text());
    assert!(listed.json()["keys"].as_array().expect("keys").iter().all(|k| k["hasWebhookSecret"] == true));
    assert!(srv.stored_jobs().is_empty(), "no job was created");
    assert!(srv.job_files().is_empty(), "nothing was written");
    assert_eq!(srv.get("/v1/usage", Some(&key)).json()["used"], 0);
}

#[test]
fn a_pending_delivery_survives_a_restart_and_a_retried_job_counts_on_to_3() {
    // The job sleeps in its worker until the 3 s timeout; the server is killed while it runs and while
    // the receiver's 500 to job.processing awaits its retry.
    let args = ["--webhook-allow-private", "--job-timeout", "3s"];
    let mut srv = Server::start(&args);
    let rx = Receiver::start(&[500]);
    let (key, secret) = key_with_secret(&srv, "dee@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "slow.dxf", &poison("sleep"), "webhookUrl", &rx.url("/hook")));
    let first = rx.wait_for(1, 20);
    assert_eq!(first[0].answered, 500);
    wait_deliveries(&srv, &key, &id, 10, |l| l.first().is_some_and(|d| d["attempts"] == 1));
    srv.kill();
    srv.restart(&args);

    let got = rx.wait_for(4, 30);
    assert_eq!(
        events(&got),
        [
            ("job.processing".into(), 1),
            ("job.processing".into(), 1),
            ("job.processing".into(), 2),
            ("job.failed".into(), 3)
        ]
    );
    assert_eq!(
        got[1].header("webhook-id"),
        first[0].header("webhook-id"),
        "the pending event, delivered after the restart"
    );
    assert_eq!(got[1].body, first[0].body);
    assert_eq!(got[1..].iter().map(|g| g.answered).collect::<Vec<_>>(), [200, 200, 200]);
    let job = srv.wait_terminal(&key, &id);
    assert_eq!(job["status"], "FAILED");
    assert_eq!(got[3].json()["error"], job["errorMsg"]);
    let seqs: Vec<i64> =
        job["webhookDeliveries"].as_array().expect("list").iter().filter_map(|d| d["sequence"].as_i64()).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(job["webhookDeliveries"][0]["attempts"], 2);
    if let Some(python) = common::verifier_python() {
        let cases: Vec<(&[u8], &Got)> = got.iter().map(|g| (g.body.as_slice(), g)).collect();
        assert_eq!(python_verdicts(&python, &secret, &cases), ["ok"; 4]);
    }
}

/// Polls the job until `done` holds for its `webhookDeliveries` (at most `secs`); returns the job.
fn wait_deliveries(srv: &Server, key: &str, id: &str, secs: u64, done: impl Fn(&[Value]) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let job = srv.get(&format!("/v1/jobs/{id}"), Some(key)).json();
        if job["webhookDeliveries"].as_array().is_some_and(|l| done(l)) {
            return job;
        }
        assert!(Instant::now() < deadline, "deliveries never got there: {job}");
        // Five polls a second stay well under the per-key rate limit (120 a minute) for 20 s.
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_loopback_target_is_refused_again_at_delivery_when_the_flag_is_gone() {
    // Registered while the server allowed private targets; after a restart without the flag the pending
    // retry resolves to 127.0.0.1 and is refused without connecting.
    let mut srv = Server::start(&["--webhook-allow-private"]);
    let rx = Receiver::start(&[500]);
    let (key, _) = key_with_secret(&srv, "eve@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "slow.dxf", &poison("sleep"), "webhookUrl", &rx.url("/hook")));
    rx.wait_for(1, 20);
    wait_deliveries(&srv, &key, &id, 10, |l| l.first().is_some_and(|d| d["attempts"] == 1));
    srv.kill();
    srv.restart(&[]);
    let job = wait_deliveries(&srv, &key, &id, 20, |l| l.first().is_some_and(|d| d["attempts"] == 2));
    let first = &job["webhookDeliveries"][0];
    assert!(first["lastStatus"].is_null(), "no HTTP answer: {first}");
    let why = first["lastError"].as_str().unwrap_or_default();
    assert!(why.starts_with("refused:") && why.contains("127.0.0.1"), "{why}");
    assert!(first["nextAttemptAt"].is_string(), "still retried within the window: {first}");
    assert_eq!(rx.got().len(), 1, "nothing reached the receiver after the restart");
}

#[test]
fn after_the_retry_window_an_event_is_given_up_and_the_next_one_goes() {
    // Window 3 s, counted from each event: job.processing is tried at 0 s and 2 s, and the next try (6 s)
    // would fall outside, so it is given up after two 500s. job.completed, made at once but held behind
    // it, gets its first try at about 2 s; its retry (4 s) is outside too, so it gives up after one.
    let srv = Server::start(&["--webhook-allow-private", "--webhook-retry-window", "3s"]);
    let rx = Receiver::start(&[500; 16]);
    let (key, _) = key_with_secret(&srv, "fay@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "walls.dxf", DXF.as_bytes(), "webhookUrl", &rx.url("/hook")));
    let job = wait_deliveries(&srv, &key, &id, 25, |l| l.len() == 2 && l.iter().all(|d| d["gaveUpAt"].is_string()));
    let list = job["webhookDeliveries"].as_array().expect("list");
    for (d, attempts) in list.iter().zip([2, 1]) {
        assert_eq!((d["attempts"].as_i64(), d["lastStatus"].as_i64()), (Some(attempts), Some(500)), "{d}");
        assert!(d["deliveredAt"].is_null() && d["nextAttemptAt"].is_null(), "{d}");
    }
    let got = rx.got();
    assert_eq!(events(&got), [("job.processing".into(), 1), ("job.processing".into(), 1), ("job.completed".into(), 2)]);
    assert!(got[2].at >= got[1].at, "job.completed only after job.processing was given up");
    assert_eq!(srv.log().matches("given up").count(), 2, "each give-up is logged");
}

#[test]
fn during_a_rotation_grace_period_both_secrets_sign() {
    let srv = Server::start(&["--webhook-allow-private"]);
    let rx = Receiver::start(&[]);
    let (old_key, old_secret) = key_with_secret(&srv, "gus@example.com");
    let listed = srv.cli(&["key", "list", "--json"], None);
    let old_id = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|k| k["keyPrefix"] == old_key[..12])
        .and_then(|k| k["id"].as_str().map(str::to_owned))
        .expect("the key is listed");
    let out = srv.cli(&["key", "rotate", &old_id, "--grace", "1h"], None);
    let new_key = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let new_secret = stderr.split_whitespace().find(|w| w.starts_with("whsec_")).expect("new secret shown").to_owned();
    assert_ne!(new_secret, old_secret);

    job_id(&upload_with_hook(&srv, &new_key, "walls.dxf", DXF.as_bytes(), "webhookUrl", &rx.url("/hook")));
    let got = rx.wait_for(2, 30);
    for g in &got {
        assert_eq!(g.header("webhook-signature").matches("v1,").count(), 2, "{:?}", g.headers);
        assert_eq!(g.header("x-cadlens-signature"), hosted_signature(&new_secret, &g.body), "the current key's");
    }
    if let Some(python) = common::verifier_python() {
        let cases: Vec<(&[u8], &Got)> = got.iter().map(|g| (g.body.as_slice(), g)).collect();
        assert_eq!(python_verdicts(&python, &new_secret, &cases), ["ok"; 2], "the new secret verifies");
        assert_eq!(python_verdicts(&python, &old_secret, &cases), ["ok"; 2], "so does the old one, for now");
    }
}

#[test]
fn deleting_a_job_stops_its_pending_deliveries() {
    let srv = Server::start(&["--webhook-allow-private"]);
    let rx = Receiver::start(&[500]);
    let (key, _) = key_with_secret(&srv, "hal@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "slow.dxf", &poison("sleep"), "webhookUrl", &rx.url("/hook")));
    rx.wait_for(1, 20);
    assert_eq!(srv.delete(&format!("/v1/jobs/{id}"), &key).status, 204);
    // The retry was due 2 s after the 500; give it twice that.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(rx.got().len(), 1, "no retry and no job.failed after DELETE: {:?}", events(&rx.got()));
    assert!(srv.job_files().is_empty(), "the event bodies went with the job");
}

#[test]
fn a_receiver_that_never_answers_is_cut_off_after_10_seconds() {
    let srv = Server::start(&["--webhook-allow-private", "--rate-limit", "1000"]);
    let rx = Receiver::start(&[0]);
    let (key, _) = key_with_secret(&srv, "ivy@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "walls.dxf", DXF.as_bytes(), "webhookUrl", &rx.url("/hook")));
    let started = Instant::now();
    let job = wait_deliveries(&srv, &key, &id, 20, |l| l.first().is_some_and(|d| d["attempts"] == 1));
    let took = started.elapsed();
    let first = &job["webhookDeliveries"][0];
    assert_eq!(first["lastError"], "no answer within 10 s", "{first}");
    assert!(first["lastStatus"].is_null() && first["nextAttemptAt"].is_string(), "{first}");
    assert!(took >= Duration::from_secs(9) && took < Duration::from_secs(14), "{took:?}");
}

#[test]
fn an_attempt_cut_off_by_a_crash_is_retried_at_once_after_the_restart() {
    // The receiver holds the first delivery without answering; the server is killed meanwhile, so that
    // attempt's outcome is never recorded. The next start releases it instead of waiting out its lease.
    let args = ["--webhook-allow-private"];
    let mut srv = Server::start(&args);
    let rx = Receiver::start(&[0]);
    let (key, _) = key_with_secret(&srv, "jo@example.com");
    let id = job_id(&upload_with_hook(&srv, &key, "walls.dxf", DXF.as_bytes(), "webhookUrl", &rx.url("/hook")));
    let first = rx.wait_for(1, 20);
    // The parse ends long before the held attempt's 10 s timeout: kill with job.completed queued behind it.
    assert_eq!(srv.wait_terminal(&key, &id)["status"], "COMPLETED");
    srv.kill();
    let restarted = Instant::now();
    srv.restart(&args);
    let got = rx.wait_for(3, 20);
    assert!(got[1].at - restarted < Duration::from_secs(8), "released, not held for the 30 s lease");
    assert_eq!(got[1].header("webhook-id"), first[0].header("webhook-id"));
    assert_eq!(events(&got), [("job.processing".into(), 1), ("job.processing".into(), 1), ("job.completed".into(), 2)]);
    let job = wait_deliveries(&srv, &key, &id, 10, |l| l.len() == 2 && l.iter().all(|d| d["deliveredAt"].is_string()));
    assert_eq!(job["webhookDeliveries"][0]["attempts"], 1, "the cut-off attempt left no record");
    assert!(srv.log().contains("cut off by the last stop are due again"), "the release is logged");
}
