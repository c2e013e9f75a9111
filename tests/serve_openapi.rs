//! GET /v1/openapi.json on the real server (api.md §3.8): public, OpenAPI 3.1, the Bearer scheme and the
//! error schema of §8, and every operation it lists is live: keyed ones answer 401 without a key (a missing
//! route would be the 404 fallback), public ones answer as documented.

mod serve_support;

use serve_support::common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serve_support::Server;

/// One request with no key and no body; (status, body).
fn call(server: &Server, method: &str, path: &str) -> (u16, String) {
    let mut tcp = server.connect();
    write!(tcp, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .expect("request");
    let mut text = String::new();
    let _ = tcp.read_to_string(&mut text);
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned())
}

#[test]
fn the_document_is_public_and_every_operation_in_it_is_served() {
    let server = Server::start(&[]);
    let reply = server.get("/v1/openapi.json", None);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.header("content-type").is_some_and(|c| c.starts_with("application/json")));
    let doc = reply.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["type"], "http");
    let error = &doc["components"]["schemas"]["ErrorBody"]["properties"];
    for field in ["error", "code", "status", "type", "title", "detail", "requestId"] {
        assert!(error.get(field).is_some(), "ErrorBody lacks {field}: {error}");
    }

    let mut keyed = 0;
    let mut public = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let concrete = path.replace("{id}", "job_x").replace("{job}", "job_x").replace("{file}", "x.png");
            let (status, body) = call(&server, &method.to_uppercase(), &concrete);
            if op.get("security").is_some() {
                keyed += 1;
                assert_eq!(status, 401, "{method} {path}: {body}");
            } else {
                public += 1;
                let documented = op["responses"].as_object().expect("responses");
                assert!(
                    documented.contains_key(&status.to_string()),
                    "{method} {path} gave undocumented {status}: {body}"
                );
                if !path.starts_with("/v1/previews") {
                    assert_eq!(status, 200, "{method} {path}: {body}");
                }
            }
        }
    }
    assert_eq!((keyed, public), (11, 5));

    // An independent check that it is valid OpenAPI 3.1 (openapi-spec-validator, .ci/python-requirements.txt).
    let Some(python) = common::verifier_python() else { return };
    let script = "import json, sys\nfrom openapi_spec_validator import validate\nfrom openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator\nvalidate(json.load(sys.stdin), cls=OpenAPIV31SpecValidator)\nprint('valid')";
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python");
    child.stdin.take().expect("stdin").write_all(&reply.body).expect("document to the validator");
    let out = child.wait_with_output().expect("validator");
    assert!(out.status.success(), "invalid OpenAPI 3.1: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");
}

/// schemathesis (pinned in .ci/python-requirements.txt) against a live server with a valid parse key:
/// ≥ 1 000 requests generated from the document, none may get a 5xx or a response that breaks the document
/// (status, content type, headers, body schema). Input strictness (a schema-valid random file is 415) is
/// not what is checked. About 30 s.
#[test]
fn schemathesis_finds_no_server_error_and_no_schema_violation() {
    let Some(python) = common::verifier_python() else { return };
    let tool = python.with_file_name("schemathesis");
    assert!(tool.is_file(), "{} (pip install schemathesis)", tool.display());
    let server = Server::start(&["--rate-limit", "100000", "--ip-rate-limit", "100000"]);
    let (key, _) = server.key("st@example.com", &[]);
    let out = Command::new(tool)
        .args(["run", &server.url("/v1/openapi.json"), "-H", &format!("Authorization: Bearer {key}")])
        .args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance"])
        .args(["--checks", "response_schema_conformance,response_headers_conformance"])
        .args(["--max-examples", "100", "--phases", "examples,fuzzing", "--seed", "1", "--no-color"])
        .stdin(Stdio::null())
        .output()
        .expect("schemathesis runs");
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "schemathesis failed:\n{said}");
    let counts = said.lines().find(|l| l.contains(" generated, ")).expect("a summary line").trim().to_owned();
    let (generated, passed) = counts.split_once(" generated, ").expect("N generated, N passed");
    let generated: u32 = generated.trim().parse().expect("a count");
    assert!(generated >= 1000, "only {generated} requests: {counts}");
    assert_eq!(passed, format!("{generated} passed"), "{said}");
    let log = server.log();
    assert!(!log.contains(&key), "the key reached the log");
    assert!(!log.contains(" 500 ") && !log.contains(" 502 ") && !log.contains(" 503 "), "a 5xx in the log");
    eprintln!("schemathesis: {counts}");
}
