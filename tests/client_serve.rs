//! The client side against a live `cadlens serve` (issue 10): `parse --server` writes the same JSON as a local
//! parse apart from the job's own fields, and the PNG beside it; a wrong key exits 5 with a clear message;
//! `CADLENS_KEY` and `--key-file` work on a machine with no keyring service; `whoami` names server and key.

mod serve_support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use serve_support::Server;

/// Fields that belong to the job, not to the drawing: they differ between any two parses.
const JOB_FIELDS: [&str; 5] = ["jobId", "imageUrl", "imageUrls", "createdAt", "durationMs"];

const FILES: [&str; 3] = [
    "dxf/cadquery__tests_testdata_gear.dxf",
    "stl/occt-import-js__test_testfiles_cube-10x10mm_Cube 10x10.stl",
    "step/cadquery__tests_testdata_red_cube_blue_cylinder.step",
];

/// The client as it runs on a headless machine: no keyring service, its own config dir, no key unless given.
fn client(args: &[&str], key: Option<&str>, home: &Path) -> Output {
    let mut cmd: Command = serve_support::common::bin();
    cmd.args(args)
        .env_remove("CADLENS_KEY")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/cadlens-test-bus")
        .env("XDG_CONFIG_HOME", home)
        .current_dir(home)
        .stdin(Stdio::null());
    if let Some(k) = key {
        cmd.env("CADLENS_KEY", k);
    }
    cmd.output().expect("cadlens runs")
}

fn without_job_fields(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for f in JOB_FIELDS {
                    map.remove(f);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

fn document(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

#[test]
fn parse_server_gives_the_local_document_apart_from_job_fields() {
    let Some(corpus) = serve_support::common::corpus() else { return };
    let srv = Server::start(&[]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let home = serve_support::common::temp_dir();
    for rel in FILES {
        let file = corpus.join(rel);
        let file = file.to_str().expect("utf-8 path");
        let local = document(&client(&["parse", "--json", "--no-image", file], None, home.path()));
        let remote = document(&client(
            &["parse", "--server", &srv.url(""), "--json", "--no-image", file],
            Some(&key),
            home.path(),
        ));
        assert!(
            remote["jobId"].as_str().is_some_and(|id| id.starts_with("job_")),
            "{rel}: the remote result names its job"
        );
        assert_eq!(local["jobId"], Value::Null, "{rel}: a local parse has no job");
        // Same members in the same order with the same values: compared as serialised text.
        let (l, r) = (without_job_fields(local).to_string(), without_job_fields(remote).to_string());
        assert_eq!(l, r, "{rel}: remote and local results differ beyond the job fields");
    }
}

#[test]
fn parse_server_writes_json_and_png_like_a_local_parse() {
    let Some(corpus) = serve_support::common::corpus() else { return };
    let srv = Server::start(&[]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let home = serve_support::common::temp_dir();
    let key_file = home.path().join("key");
    std::fs::write(&key_file, format!("{key}\n")).expect("key file");
    let out = home.path().join("out");
    let file = corpus.join(FILES[0]);
    let o = client(
        &[
            "parse",
            "--server",
            &format!("{}/v1", srv.url("")),
            "--key-file",
            key_file.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
            file.to_str().expect("utf-8"),
        ],
        None,
        home.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("cadquery__tests_testdata_gear.json")).expect("json"))
            .expect("parses");
    assert_eq!(json["summary"]["totalEntities"], 364);
    let png = std::fs::read(out.join("cadquery__tests_testdata_gear.png")).expect("png written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn a_wrong_key_exits_5_with_a_clear_message_and_whoami_names_the_key() {
    let Some(corpus) = serve_support::common::corpus() else { return };
    let srv = Server::start(&[]);
    let (key, _) = srv.key("ann@example.com", &[]);
    let home = serve_support::common::temp_dir();
    let unknown = cadlens::store::ApiKeyFormat::generate().expect("random");
    let file = corpus.join(FILES[0]);
    let o = client(
        &["parse", "--server", &srv.url(""), "--json", file.to_str().expect("utf-8")],
        Some(&unknown),
        home.path(),
    );
    assert_eq!(o.status.code(), Some(5));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("the server refused the API key (HTTP 401)"), "{err}");
    assert!(!err.contains(&unknown[5..]), "the key is never echoed: {err}");
    assert!(o.stdout.is_empty(), "no document for a refused key");

    let who = client(&["whoami", "--server", &srv.url("")], Some(&key), home.path());
    assert_eq!(who.status.code(), Some(0), "{}", String::from_utf8_lossy(&who.stderr));
    let text = String::from_utf8_lossy(&who.stdout);
    assert!(text.contains(&format!("server  {}", srv.url(""))), "{text}");
    assert!(text.contains(&format!("key     {}… (from CADLENS_KEY)", &key[..12])), "{text}");
    let refused = client(&["whoami", "--server", &srv.url("")], Some(&unknown), home.path());
    assert_eq!(refused.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refused the API key"));
}
