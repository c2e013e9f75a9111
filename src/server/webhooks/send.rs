//! One delivery attempt (blocking; the deliverer runs it on the blocking pool): check the URL, resolve its
//! host and check every address (S-WH-3), then POST to exactly those addresses — the resolver handed to
//! the HTTP client returns them and nothing else, so a second lookup (DNS rebinding) cannot change where
//! the connection goes. Signed per attempt (fresh timestamp, stable `webhook-id`), 10 s for everything,
//! redirects returned as they are (a 3xx is a failure), the answer's body read at most 64 KiB and dropped.

use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;

use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::webhook::{WebhookSecret, WebhookTarget, sign};

/// Time for one attempt: connect, send, headers and the bounded body read (api.md §6).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a receiver's answer is read (and discarded) so the connection ends cleanly.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// `User-Agent` of every delivery (api.md §6).
pub fn user_agent() -> String {
    format!("CADLens-Webhook/1.0 (cadlens-serve/{})", env!("CARGO_PKG_VERSION"))
}

/// How an attempt went: the HTTP status if one came back, and why it failed if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub status: Option<u16>,
    pub error: Option<String>,
}

impl Sent {
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn failed(error: String) -> Sent {
        Sent { status: None, error: Some(error) }
    }
}

/// What an attempt needs; the body is the exact bytes that are signed and sent.
pub struct Delivery<'a> {
    pub url: &'a str,
    pub allow_private: bool,
    /// The key's secret first (it alone keys `X-CADLens-Signature`), then any still in a rotation's grace
    /// period (each adds a `v1,` signature to `webhook-signature`).
    pub secrets: &'a [WebhookSecret],
    pub event_id: &'a str,
    pub body: &'a [u8],
    /// Unix seconds of this attempt (`webhook-timestamp`).
    pub now_s: i64,
}

/// Makes one attempt. Never panics on what the receiver does; every failure is a sentence that quotes
/// neither the secret nor the body.
pub fn attempt(d: &Delivery<'_>) -> Sent {
    let target = match WebhookTarget::parse(d.url, d.allow_private) {
        Ok(t) => t,
        Err(e) => return Sent::failed(format!("refused: {e}")),
    };
    let addrs = match target.resolve(d.allow_private) {
        Ok(a) if !a.is_empty() => a,
        Ok(_) => return Sent::failed("refused: the host resolved to no address".into()),
        Err(e) => return Sent::failed(format!("refused: {e}")),
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(TIMEOUT))
        .user_agent(user_agent())
        .build();
    let agent = ureq::Agent::with_parts(config, DefaultConnector::new(), Pinned(addrs));
    let Some((first, older)) = d.secrets.split_first() else {
        return Sent::failed("no webhook secret to sign with".into());
    };
    let h = sign(first, d.event_id, d.now_s, d.body);
    let mut signatures = h.webhook_signature.clone();
    for other in older {
        signatures.push(' ');
        signatures.push_str(&sign(other, d.event_id, d.now_s, d.body).webhook_signature);
    }
    let sent = agent
        .post(target.url().as_str())
        .header("Content-Type", "application/json")
        .header("X-CADLens-Signature", &h.cadlens_signature)
        .header("webhook-id", &h.webhook_id)
        .header("webhook-timestamp", &h.webhook_timestamp)
        .header("webhook-signature", &signatures)
        .send(d.body);
    match sent {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let mut sink = std::io::sink();
            let _ = std::io::copy(&mut res.body_mut().as_reader().take(MAX_ANSWER_BYTES), &mut sink);
            let error = match status {
                200..=299 => None,
                300..=399 => Some(format!("HTTP {status}: redirects are not followed")),
                _ => Some(format!("HTTP {status}")),
            };
            Sent { status: Some(status), error }
        }
        Err(ureq::Error::Timeout(_)) => Sent::failed(format!("no answer within {} s", TIMEOUT.as_secs())),
        Err(ureq::Error::Io(e)) => Sent::failed(format!("connection failed: {}", e.kind())),
        Err(e) => Sent::failed(bounded(&e.to_string())),
    }
}

fn bounded(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// A resolver that answers with the addresses already checked, whatever it is asked.
#[derive(Debug)]
struct Pinned(Vec<SocketAddr>);

impl Resolver for Pinned {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        for a in self.0.iter().take(16) {
            out.push(*a);
        }
        if out.is_empty() { Err(ureq::Error::HostNotFound) } else { Ok(out) }
    }
}
