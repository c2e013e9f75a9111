//! Our webhook signatures checked by an independent implementation: the `standardwebhooks` Python package
//! (security.md §3.6), not by our own `verify`.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use cadlens::webhook::{WebhookSecret, sign};

/// Verifies with `standardwebhooks.Webhook(secret).verify(body, headers)`; prints `ok` or the exception.
const VERIFY: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
args = json.loads(sys.stdin.read())
try:
    Webhook(args["secret"]).verify(args["body"].encode(), args["headers"])
    print("ok")
except Exception as e:
    print(type(e).__name__)
"#;

fn python_verdict(python: &std::path::Path, secret: &str, body: &str, headers: serde_json::Value) -> String {
    let input = serde_json::json!({ "secret": secret, "body": body, "headers": headers });
    let mut child = Command::new(python)
        .args(["-c", VERIFY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the verifier's python runs");
    child.stdin.take().expect("stdin").write_all(input.to_string().as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("python finishes");
    assert!(out.status.success(), "python failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

#[test]
fn standard_webhooks_package_accepts_our_signature_and_refuses_tampering() {
    let Some(python) = common::verifier_python() else { return };
    let secret = WebhookSecret::generate().expect("random source");
    let body = r#"{"eventId":"7d1c9b4e-2f0a-4c8e-9b61-0f3a2d5e8c47","sequence":2,"event":"job.completed","jobId":"job_4fQ9zKc2LmT7vWx8RbN1aHs3"}"#;
    let ts = now();
    let h = sign(&secret, "7d1c9b4e-2f0a-4c8e-9b61-0f3a2d5e8c47", ts, body.as_bytes());
    let headers = serde_json::json!({
        "webhook-id": h.webhook_id, "webhook-timestamp": h.webhook_timestamp, "webhook-signature": h.webhook_signature,
    });
    assert_eq!(python_verdict(&python, secret.expose_text(), body, headers.clone()), "ok");

    // One changed byte in the body (re-serialised JSON would do the same): refused.
    let tampered = body.replace("\"sequence\":2", "\"sequence\":3");
    assert_eq!(python_verdict(&python, secret.expose_text(), &tampered, headers.clone()), "WebhookVerificationError");

    // Another key's secret: refused.
    let other = WebhookSecret::generate().expect("random source");
    assert_eq!(python_verdict(&python, other.expose_text(), body, headers), "WebhookVerificationError");
}

#[test]
fn standard_webhooks_package_refuses_a_replay_six_minutes_later() {
    let Some(python) = common::verifier_python() else { return };
    let secret = WebhookSecret::generate().expect("random source");
    let body = r#"{"event":"job.processing"}"#;
    let h = sign(&secret, "msg_replay", now() - 360, body.as_bytes());
    let headers = serde_json::json!({
        "webhook-id": h.webhook_id, "webhook-timestamp": h.webhook_timestamp, "webhook-signature": h.webhook_signature,
    });
    assert_eq!(python_verdict(&python, secret.expose_text(), body, headers), "WebhookVerificationError");
}
