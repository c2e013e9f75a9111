//! `cadlens info`: output forms and the exit codes of cli.md (0 all recognised, 3 unrecognised/unsupported,
//! 4 I/O; the worst wins), on small files written to a temporary directory.

mod common;

use std::path::Path;

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("temp file written");
}

fn fixtures() -> tempfile::TempDir {
    let dir = common::temp_dir();
    write(dir.path(), "a.dwg", b"AC1027\0\0\0\0\0\0");
    // Named like a DXF, but a STEP file: content wins.
    write(dir.path(), "part.dxf", b"ISO-10303-21;\nHEADER;\nFILE_NAME('p','t',(''),(''),'','Rhino 8.14','');\nFILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));\nENDSEC;\n");
    write(dir.path(), "notes.txt", b"just some notes\n");
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn one_file_gives_one_json_object() {
    let dir = fixtures();
    let out = common::run(&["info", "--json", "part.dxf"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON object");
    assert_eq!(value["path"], "part.dxf");
    assert_eq!(value["format"], "STEP");
    assert_eq!(value["version"], "AP203");
    assert_eq!(value["release"], serde_json::Value::Null);
    assert_eq!(value["producer"], "Rhino 8.14");
    assert_eq!(value["schema"], "CONFIG_CONTROL_DESIGN");
    assert!(value["bytes"].as_u64().is_some_and(|b| b > 50));
}

#[test]
fn several_files_give_ndjson_in_argument_order() {
    let dir = fixtures();
    let out = common::run(&["info", "--json", "a.dwg", "part.dxf"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).expect("a JSON object per line")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (&lines[0]["format"], &lines[0]["version"], &lines[0]["release"]),
        (&"DWG".into(), &"AC1027".into(), &"R2013".into())
    );
    assert_eq!(lines[1]["format"], "STEP");
}

#[test]
fn table_for_people() {
    let dir = fixtures();
    let out = common::run(&["info", "a.dwg"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let mut lines = text.lines();
    let heading = lines.next().expect("a heading");
    for column in ["FILE", "FORMAT", "VERSION", "RELEASE", "PRODUCER / SCHEMA", "BYTES"] {
        assert!(heading.contains(column), "{heading}");
    }
    let row: Vec<&str> = lines.next().expect("a row").split_whitespace().collect();
    assert_eq!(row, ["a.dwg", "DWG", "AC1027", "R2013", "-", "12"]);
}

#[test]
fn unrecognised_file_exits_3_and_names_the_file() {
    let dir = fixtures();
    let out = common::run(&["info", "a.dwg", "notes.txt"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("notes.txt") && err.contains("unrecognised format"), "{err}");
    assert!(stdout(&out).contains("a.dwg"), "the recognised file is still reported");
}

#[test]
fn missing_file_exits_4_and_wins_over_3() {
    let dir = fixtures();
    let out = common::run(&["info", "notes.txt", "missing.dxf", "a.dwg"], dir.path());
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("missing.dxf"), "{}", stderr(&out));
    let out = common::run(&["info", "--json", "missing.dxf"], dir.path());
    assert_eq!(out.status.code(), Some(4));
    let value: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("an error object");
    assert_eq!(value["error"]["code"], "io_error");
}

#[test]
fn no_files_is_a_usage_error() {
    let dir = fixtures();
    assert_eq!(common::run(&["info"], dir.path()).status.code(), Some(2));
}
