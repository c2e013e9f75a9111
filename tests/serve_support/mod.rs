//! What the black-box server tests share: the real binary serving on a free loopback port with a temporary
//! data dir (killed when dropped), the CLI on the same store, a small HTTP client, and multipart bodies.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[path = "../common/mod.rs"]
pub mod common;

/// A running `cadlens serve`.
pub struct Server {
    child: Child,
    pub base: String,
    pub addr: String,
    pub root: PathBuf,
    _tmp: tempfile::TempDir,
    agent: ureq::Agent,
}

/// One answer: status, headers (lowercase names) and body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("JSON body ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Asserts the status and the error shape of api.md §8 with `code`; returns the body.
    pub fn expect_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:cadlens:error:{code}"));
        assert!(body["error"].is_string() && body["detail"] == body["error"], "{body}");
        assert_eq!(Some(body["requestId"].as_str().unwrap_or("")), self.header("x-request-id"));
        body
    }
}

impl Server {
    /// Starts `cadlens serve --listen 127.0.0.1:0` on a new temporary store with `args` added.
    pub fn start(args: &[&str]) -> Server {
        let tmp = common::temp_dir();
        let root = tmp.path().to_path_buf();
        std::fs::create_dir_all(root.join("keys")).expect("keys dir");
        let (child, base) = spawn(&root, args);
        let addr = base.trim_start_matches("http://").to_owned();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Server { child, base, addr, root, _tmp: tmp, agent }
    }

    /// Stops the server as a service manager would (SIGTERM) and waits for it to exit.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let sent = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGTERM sent");
        self.child.wait().expect("the server exits")
    }

    /// Starts a new server process on the same store (after [`Server::stop`]).
    pub fn restart(&mut self, args: &[&str]) {
        let (child, base) = spawn(&self.root, args);
        self.addr = base.trim_start_matches("http://").to_owned();
        self.base = base;
        self.child = child;
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default()
    }

    /// Runs the CLI on the server's store.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = common::bin()
            .args(args)
            .env("CADLENS_HOME", self.data())
            .env("CADLENS_MASTER_KEY_FILE", self.root.join("keys/master.key"))
            .env_remove("CREDENTIALS_DIRECTORY")
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cadlens runs");
        if let Some(text) = stdin {
            child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("stdin");
        }
        let out = child.wait_with_output().expect("cadlens finishes");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// Creates the account (first time) and a new key for it; returns the raw key and its id.
    pub fn key(&self, email: &str, extra: &[&str]) -> (String, String) {
        let exists = self.cli(&["account", "list"], None);
        if !String::from_utf8_lossy(&exists.stderr).contains(email) {
            self.cli(&["account", "create", email, "--password-stdin"], Some("a long test password"));
        }
        let mut args = vec!["key", "create", "--account", email, "--name", "test"];
        args.extend_from_slice(extra);
        let raw = String::from_utf8_lossy(&self.cli(&args, None).stdout).trim().to_owned();
        let list = self.cli(&["key", "list", "--json"], None);
        let id = String::from_utf8_lossy(&list.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|k| k["keyPrefix"] == raw[..12])
            .and_then(|k| k["id"].as_str().map(str::to_owned))
            .expect("the new key is listed");
        (raw, id)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn finish(res: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut res = res.expect("the request completes");
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let status = res.status().as_u16();
        let body = res.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap_or_default();
        Reply { status, headers, body }
    }

    /// GET `url` (absolute) or a path, with a key when given.
    pub fn get(&self, path_or_url: &str, key: Option<&str>) -> Reply {
        let url = if path_or_url.starts_with("http") { path_or_url.to_owned() } else { self.url(path_or_url) };
        let mut req = self.agent.get(&url);
        if let Some(key) = key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        Server::finish(req.call())
    }

    pub fn delete(&self, path: &str, key: &str) -> Reply {
        Server::finish(self.agent.delete(&self.url(path)).header("Authorization", &format!("Bearer {key}")).call())
    }

    /// POST `body` with `content_type` to `path` with `key`.
    pub fn post(&self, path: &str, key: &str, content_type: &str, body: &str) -> Reply {
        let req = self
            .agent
            .post(&self.url(path))
            .header("Authorization", &format!("Bearer {key}"))
            .header("Content-Type", content_type);
        Server::finish(req.send(body))
    }

    /// POST a multipart body to `path` with `key`.
    pub fn post_multipart(&self, path: &str, key: Option<&str>, parts: &[Part<'_>]) -> Reply {
        let (content_type, body) = multipart(parts);
        let mut req = self.agent.post(&self.url(path)).header("Content-Type", &content_type);
        if let Some(key) = key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        Server::finish(req.send(&body[..]))
    }

    /// Uploads one file.
    pub fn upload(&self, key: &str, file_name: &str, bytes: &[u8], query: &str) -> Reply {
        self.post_multipart(&format!("/v1/parse{query}"), Some(key), &[Part::File(file_name, bytes)])
    }

    /// Polls a job until it is COMPLETED or FAILED (at most 120 s).
    pub fn wait_terminal(&self, key: &str, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let job = self.get(&format!("/v1/jobs/{id}"), Some(key)).json();
            if job["status"] == "COMPLETED" || job["status"] == "FAILED" {
                return job;
            }
            assert!(Instant::now() < deadline, "job {id} never finished: {job}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every job in the store, by the CLI.
    pub fn stored_jobs(&self) -> Vec<Value> {
        let out = self.cli(&["jobs", "list", "--json"], None);
        String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
    }

    /// Files under the data dir's `jobs/` folder.
    pub fn job_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(&self.data().join("jobs"), &mut out);
        out
    }

    /// A raw HTTP/1.1 connection to the server.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        s
    }
}

/// Spawns `cadlens serve` on the store under `root` (log appended to `root/server.log`); the child and the
/// base URL it printed.
fn spawn(root: &Path, args: &[&str]) -> (Child, String) {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(root.join("server.log")).expect("log file");
    let mut child = common::bin()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("CADLENS_HOME", root.join("data"))
        .env("CADLENS_MASTER_KEY_FILE", root.join("keys/master.key"))
        .env_remove("CREDENTIALS_DIRECTORY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("cadlens serve starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut line).expect("the listening line");
    let base = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected: {line:?}")).to_owned();
    (child, base)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Whether any file under `dir` contains `needle`.
pub fn grep_dir(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.into_iter().filter(|f| std::fs::read(f).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))).collect()
}

pub enum Part<'a> {
    File(&'a str, &'a [u8]),
    Text(&'a str, &'a str),
}

pub const BOUNDARY: &str = "cadlens-test-boundary-7MA4YWxkTrZu0gW";

pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::File(name, bytes) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}").as_bytes(),
                );
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Reads one HTTP response head (and what body came with it) from a raw stream: status and text.
pub fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        let text = String::from_utf8_lossy(&buf);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let len = text[..head_end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= head_end + 4 + len {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// A corpus file's bytes, or `None` (with the corpus helper's loud skip) when the corpus is missing.
pub fn corpus_file(rel: &str) -> Option<Vec<u8>> {
    let dir = common::corpus()?;
    Some(std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")))
}
