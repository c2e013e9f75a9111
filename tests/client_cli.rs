//! The client side without a server: where the key comes from, and how each failure reads and exits (5).
//! The flows against a live `cadlens serve` are in the server's tests.

mod common;

use std::process::{Command, Output, Stdio};

use cadlens::store::ApiKeyFormat;

/// No keyring service (as on CI), no key in the environment, a config dir of its own.
fn client(args: &[&str], key_env: Option<&str>, home: &std::path::Path) -> Output {
    let mut cmd: Command = common::bin();
    cmd.args(args)
        .env_remove("CADLENS_KEY")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/cadlens-test-bus")
        .env("XDG_CONFIG_HOME", home)
        .current_dir(home)
        .stdin(Stdio::null());
    if let Some(k) = key_env {
        cmd.env("CADLENS_KEY", k);
    }
    cmd.output().expect("the cadlens binary runs")
}

/// A port nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn without_any_key_and_without_a_keyring_the_error_points_to_cadlens_key() {
    let home = common::temp_dir();
    let o = client(&["whoami", "--server", "http://127.0.0.1:9"], None, home.path());
    assert_eq!(o.status.code(), Some(5));
    let e = stderr(&o);
    assert!(e.contains("no OS keyring service answered"), "{e}");
    assert!(e.contains("CADLENS_KEY") && e.contains("--key-file"), "{e}");
}

#[test]
fn a_malformed_key_is_refused_before_any_request_and_never_echoed() {
    let home = common::temp_dir();
    let key = ApiKeyFormat::generate().expect("random");
    let mut typo = key.to_string();
    typo.replace_range(10..11, if &typo[10..11] == "a" { "b" } else { "a" });
    let port = closed_port();
    let o = client(&["whoami", "--server", &format!("http://127.0.0.1:{port}")], Some(&typo), home.path());
    assert_eq!(o.status.code(), Some(5));
    let e = stderr(&o);
    assert!(e.contains("the key from CADLENS_KEY is not a cadlens API key"), "{e}");
    assert!(!e.contains(&typo[5..]), "the key must not be echoed: {e}");
}

#[test]
fn key_file_wins_over_the_environment() {
    let home = common::temp_dir();
    let good = ApiKeyFormat::generate().expect("random");
    let file = home.path().join("key");
    std::fs::write(&file, format!("{}\n", good.as_str())).expect("write key file");
    let port = closed_port();
    let server = format!("http://127.0.0.1:{port}");
    // The environment holds garbage; the file's key is well formed, so the failure is the unreachable server.
    let o = client(
        &["whoami", "--server", &server, "--key-file", file.to_str().expect("utf-8")],
        Some("junk"),
        home.path(),
    );
    assert_eq!(o.status.code(), Some(5));
    let e = stderr(&o);
    assert!(e.contains(&format!("cannot reach {server}")), "{e}");
    assert!(!e.contains(&good[5..]), "{e}");
}

#[test]
fn parse_against_an_unreachable_server_exits_5_and_writes_nothing() {
    let Some(corpus) = common::corpus() else { return };
    let home = common::temp_dir();
    let key = ApiKeyFormat::generate().expect("random");
    let out = home.path().join("out");
    let input = corpus
        .join("dxf")
        .read_dir()
        .expect("corpus dxf")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_file())
        .expect("a DXF");
    let port = closed_port();
    let o = client(
        &[
            "parse",
            "--server",
            &format!("http://127.0.0.1:{port}/v1"),
            "-o",
            out.to_str().expect("utf-8"),
            input.to_str().expect("utf-8"),
        ],
        Some(&key),
        home.path(),
    );
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot reach"), "{}", stderr(&o));
    let written: Vec<_> = std::fs::read_dir(&out).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(written.is_empty(), "nothing may be written: {written:?}");
}

#[test]
fn key_file_without_server_is_a_usage_error() {
    let home = common::temp_dir();
    let o = client(&["parse", "--key-file", "k", "x.dxf"], None, home.path());
    assert_eq!(o.status.code(), Some(2));
}
