//! `cadlens parse` as people and pipelines see it: in a pseudo-terminal a progress bar and a summary table,
//! without one plain lines and no escape codes, and Ctrl-C (SIGINT) stopping a batch with no partial file.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{bin, corpus, temp_dir};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Corpus DXF files in name order, at most `n`.
fn corpus_dxfs(corpus: &Path, n: usize) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("dxf"))
        .expect("corpus dxf/ lists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files.truncate(n);
    files
}

/// Runs `args` with stdin, stdout and stderr on a fresh pseudo-terminal of 40 × 120 (Python's pty module,
/// which every machine here has) and returns everything the terminal showed.
fn run_in_pty(args: &[&str]) -> (Option<i32>, String) {
    const DRIVER: &str = r#"
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(DRIVER)
        .arg(env!("CARGO_BIN_EXE_cadlens"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs the pty driver");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_terminal_gets_a_progress_bar_and_a_summary_table() {
    let Some(corpus) = corpus() else { return };
    let files = corpus_dxfs(&corpus, 40);
    let out = temp_dir();
    let mut args = vec!["parse", "-j", "1", "-o", out.path().to_str().expect("utf-8 temp path")];
    args.extend(files.iter().map(|p| p.to_str().expect("utf-8 corpus path")));
    let (code, screen) = run_in_pty(&args);
    assert_eq!(code, Some(0), "terminal showed:\n{screen}");
    // The bar: its file counter and the escape codes that redraw it in place.
    assert!(screen.contains(&format!("/{} files", files.len())), "no progress bar seen:\n{screen}");
    assert!(screen.contains("\x1b["), "no terminal control sequences: the bar was not drawn");
    // The summary table: header, one row per file, the closing count.
    assert!(screen.contains("file") && screen.contains("format") && screen.contains("entities/triangles"));
    let first = files[0].display().to_string();
    assert!(screen.lines().any(|l| l.starts_with(&first) && l.contains("DXF") && l.trim_end().ends_with("ok")));
    assert!(screen.contains(&format!("{n} of {n} files parsed", n = files.len())), "screen:\n{screen}");
}

#[test]
fn without_a_terminal_one_plain_line_per_file_and_no_escape_codes() {
    let Some(corpus) = corpus() else { return };
    let files = corpus_dxfs(&corpus, 40);
    let out = temp_dir();
    let output = bin()
        .args(["parse", "-j", "2", "-o", out.path().to_str().expect("utf-8 temp path")])
        .args(&files)
        .env("NO_COLOR", "")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(!stderr.contains('\x1b'), "escape codes on a non-terminal:\n{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), files.len(), "one line per file:\n{stderr}");
    assert!(lines.iter().all(|l| l.starts_with("ok ")), "{stderr}");
    assert!(output.stdout.is_empty());
    // `-q` silences even those lines.
    let quiet = bin()
        .args(["parse", "-q", "-o", out.path().to_str().expect("utf-8 temp path")])
        .args(&files[..3])
        .stdin(Stdio::null())
        .output()
        .expect("binary runs");
    assert_eq!(quiet.status.code(), Some(0));
    assert!(quiet.stderr.is_empty(), "-q printed: {}", String::from_utf8_lossy(&quiet.stderr));
}

#[test]
fn sigint_stops_a_batch_and_leaves_no_partial_file() {
    let Some(corpus) = corpus() else { return };
    // The whole DXF corpus, three times over under different directories' names is not needed: one pass
    // of ~180 files takes seconds in a debug build, and the interrupt comes after a fraction of a second.
    let files = corpus_dxfs(&corpus, usize::MAX);
    let out = temp_dir();
    let child = bin()
        .args(["parse", "-j", "2", "-q", "-o", out.path().to_str().expect("utf-8 temp path")])
        .args(&files)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    // Wait until the batch is under way (some results written), then interrupt it.
    let started = std::time::Instant::now();
    while std::fs::read_dir(out.path()).map_or(0, |d| d.count()) < 3 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    let output = child.wait_with_output().expect("binary finishes");
    assert_eq!(output.status.code(), Some(130), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));

    let written: Vec<PathBuf> =
        std::fs::read_dir(out.path()).expect("out dir lists").filter_map(|e| e.ok().map(|e| e.path())).collect();
    let results = written.iter().filter(|p| p.extension().is_some_and(|x| x == "json")).count();
    assert!(results < files.len(), "the interrupt came after the whole batch; nothing was proved");
    for path in &written {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(!name.starts_with('.'), "leftover temporary file {name}");
        let bytes = std::fs::read(path).expect("output readable");
        if name.ends_with(".png") {
            // A complete PNG ends with its IEND chunk.
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.ends_with(b"IEND\xaeB`\x82"), "partial {name}");
            continue;
        }
        assert!(name.ends_with(".json"), "unexpected output {name}");
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("every written result is complete JSON");
        assert_eq!(doc["schemaVersion"], "2.0.0");
    }
}
