//! Where a webhook may go (security.md S-WH-3). A URL is checked twice: its form when a job registers it
//! ([`WebhookTarget::parse`], plus literal addresses and `localhost` at once), and its resolved addresses
//! right before each delivery ([`WebhookTarget::resolve`]), whose result is the address list to connect
//! to — so a name that re-resolves to a private address between check and use (DNS rebinding) gains
//! nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

use url::{Host, Url};

/// api.md §3.1: `webhookUrl` is at most 2048 characters.
pub const MAX_URL_LEN: usize = 2048;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("webhookUrl is longer than {MAX_URL_LEN} characters ({0})")]
    TooLong(usize),
    #[error("webhookUrl is not an absolute URL: {0}")]
    Malformed(String),
    #[error("webhookUrl must use http or https, not {0:?}")]
    Scheme(String),
    #[error("webhookUrl must not carry a user name or password")]
    Credentials,
    #[error("webhookUrl has no host")]
    NoHost,
    #[error("webhookUrl points at {0}, a loopback, private, link-local or otherwise non-public address")]
    Forbidden(IpAddr),
    #[error("webhookUrl's host {host} could not be resolved: {reason}")]
    Resolve { host: String, reason: String },
}

/// A syntactically valid webhook URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    url: Url,
}

impl WebhookTarget {
    /// Checks the form, and refuses at once what needs no lookup: literal non-public addresses and
    /// `localhost` (which resolves to loopback by definition, RFC 6761), unless `allow_private`.
    pub fn parse(text: &str, allow_private: bool) -> Result<WebhookTarget, TargetError> {
        if text.len() > MAX_URL_LEN {
            return Err(TargetError::TooLong(text.len()));
        }
        let url = Url::parse(text).map_err(|e| TargetError::Malformed(e.to_string()))?;
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(TargetError::Scheme(other.to_owned())),
        }
        // Credentials in a URL end up in logs and job listings; a receiver authenticates by signature.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::Credentials);
        }
        let target = WebhookTarget { url };
        if !allow_private {
            match target.url.host() {
                None => return Err(TargetError::NoHost),
                Some(Host::Ipv4(v4)) => refuse_if_forbidden(IpAddr::V4(v4))?,
                Some(Host::Ipv6(v6)) => refuse_if_forbidden(IpAddr::V6(v6))?,
                Some(Host::Domain(name)) if is_localhost_name(name) => {
                    return Err(TargetError::Forbidden(IpAddr::V4(Ipv4Addr::LOCALHOST)));
                }
                Some(Host::Domain(_)) => {}
            }
        } else if target.url.host().is_none() {
            return Err(TargetError::NoHost);
        }
        Ok(target)
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Resolves the host (a blocking lookup: call it off the async runtime) and returns the addresses
    /// to connect to. Any non-public address in the answer refuses the whole target unless
    /// `allow_private`: mixing one in is how rebinding attacks pick the address the client tries.
    pub fn resolve(&self, allow_private: bool) -> Result<Vec<SocketAddr>, TargetError> {
        let host = self.url.host_str().ok_or(TargetError::NoHost)?;
        let port = self.url.port_or_known_default().ok_or(TargetError::NoHost)?;
        // IPv6 literals come bracketed from host_str; ToSocketAddrs wants them bare.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = (bare, port)
            .to_socket_addrs()
            .map_err(|e| TargetError::Resolve { host: host.to_owned(), reason: e.to_string() })?
            .collect();
        if addrs.is_empty() {
            return Err(TargetError::Resolve { host: host.to_owned(), reason: "no addresses".into() });
        }
        if !allow_private {
            for a in &addrs {
                refuse_if_forbidden(a.ip())?;
            }
        }
        Ok(addrs)
    }
}

fn refuse_if_forbidden(ip: IpAddr) -> Result<(), TargetError> {
    if is_forbidden_address(ip) { Err(TargetError::Forbidden(ip)) } else { Ok(()) }
}

fn is_localhost_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// True for every address a webhook must not reach by default: unspecified, loopback, private (RFC 1918,
/// unique-local), shared (100.64/10), link-local, multicast, broadcast, reserved and benchmarking ranges,
/// and IPv6 forms that embed such an IPv4 address (mapped, NAT64, 6to4).
pub fn is_forbidden_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0                                   // 0.0.0.0/8 "this network"
        || a == 10                           // RFC 1918
        || a == 127                          // loopback
        || (a == 100 && (64..=127).contains(&b)) // 100.64/10 shared address space (CGNAT)
        || (a == 169 && b == 254)            // link-local, cloud metadata endpoints
        || (a == 172 && (16..=31).contains(&b)) // RFC 1918
        || (a == 192 && b == 168)            // RFC 1918
        || (a == 192 && b == 0 && c == 0)    // 192.0.0/24 IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15 benchmarking
        || a >= 224 // multicast 224/4, reserved 240/4 and broadcast
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    if let Some(v4) = embedded_v4(ip) {
        return is_forbidden_v4(v4);
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || (seg[0] & 0xfe00) == 0xfc00 // fc00::/7 unique local
        || (seg[0] & 0xffc0) == 0xfe80 // fe80::/10 link-local
        || (seg[0] & 0xffc0) == 0xfec0 // fec0::/10 deprecated site-local
        || (seg[0] & 0xff00) == 0xff00 // multicast
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), NAT64 (`64:ff9b::/96`) or 6to4
/// (`2002:AABB:CCDD::/48`) address: reaching those reaches the IPv4 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let seg = ip.segments();
    let from = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        return Some(from(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        return Some(from(seg[1], seg[2]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(s: &str) -> bool {
        is_forbidden_address(s.parse().expect("test address"))
    }

    #[test]
    fn private_and_special_ipv4_ranges_are_forbidden() {
        for a in [
            "0.0.0.0",
            "10.0.0.1",
            "127.0.0.1",
            "127.255.0.9",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "192.0.0.8",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(forbidden(a), "{a} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_and_neighbours_of_private_ranges_are_allowed() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.169.0.1",
            "2606:4700::1111",
        ] {
            assert!(!forbidden(a), "{a} should be allowed");
        }
    }

    #[test]
    fn ipv6_special_ranges_and_embedded_ipv4_are_forbidden() {
        for a in [
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ] {
            assert!(forbidden(a), "{a} should be forbidden");
        }
        assert!(!forbidden("::ffff:8.8.8.8"));
        assert!(!forbidden("2002:0808:0808::1"));
    }

    #[test]
    fn literal_private_targets_are_refused_at_registration_unless_allowed() {
        assert_eq!(
            WebhookTarget::parse("http://10.0.0.1/hook", false),
            Err(TargetError::Forbidden("10.0.0.1".parse().expect("ip")))
        );
        assert_eq!(
            WebhookTarget::parse("http://127.0.0.1:9/", false),
            Err(TargetError::Forbidden("127.0.0.1".parse().expect("ip")))
        );
        assert_eq!(
            WebhookTarget::parse("https://[::1]:8443/x", false),
            Err(TargetError::Forbidden("::1".parse().expect("ip")))
        );
        assert!(matches!(WebhookTarget::parse("https://LocalHost./x", false), Err(TargetError::Forbidden(_))));
        assert!(WebhookTarget::parse("http://127.0.0.1:9/", true).is_ok());
    }

    #[test]
    fn obfuscated_ipv4_literals_are_normalised_before_the_check() {
        // The WHATWG parser reads these as 127.0.0.1; a naive string check would let them through.
        for u in ["http://2130706433/", "http://0x7f.0.0.1/", "http://127.1/"] {
            assert!(matches!(WebhookTarget::parse(u, false), Err(TargetError::Forbidden(_))), "{u}");
        }
    }

    #[test]
    fn malformed_or_unsuitable_urls_are_refused_with_the_reason() {
        assert!(matches!(WebhookTarget::parse("/relative/path", false), Err(TargetError::Malformed(_))));
        assert_eq!(WebhookTarget::parse("ftp://example.com/", false), Err(TargetError::Scheme("ftp".into())));
        assert_eq!(WebhookTarget::parse("file:///etc/passwd", false), Err(TargetError::Scheme("file".into())));
        assert_eq!(WebhookTarget::parse("https://u:p@example.com/", false), Err(TargetError::Credentials));
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(WebhookTarget::parse(&long, false), Err(TargetError::TooLong(long.len())));
        assert!(WebhookTarget::parse("https://hooks.example.com/cad", false).is_ok());
    }

    #[test]
    fn resolving_a_loopback_name_is_refused_and_allowed_with_the_flag() {
        // An IPv4 literal resolves without any DNS traffic, so this stays offline.
        let t = WebhookTarget::parse("http://127.0.0.1:8080/h", true).expect("allowed form");
        assert_eq!(t.resolve(false), Err(TargetError::Forbidden("127.0.0.1".parse().expect("ip"))));
        assert_eq!(t.resolve(true), Ok(vec!["127.0.0.1:8080".parse().expect("addr")]));
    }
}
