//! Shared helpers of the integration tests: where the corpus is, and running the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The corpus folder (`CADLENS_CORPUS`, default `../shared/corpus`), or `None` with a loud skip; under
/// `CI=true` a missing corpus fails the test.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("CADLENS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "corpus missing under CI=true: {}", dir.display());
    eprintln!("SKIP: corpus not found at {} (set CADLENS_CORPUS); corpus test skipped", dir.display());
    None
}

/// One row of MANIFEST.tsv.
#[derive(Debug, Clone)]
pub struct ManifestRow {
    pub path: String,
    pub format: String,
    pub version: String,
    pub producer: String,
}

pub fn manifest(corpus: &Path) -> Vec<ManifestRow> {
    let text = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    text.lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let col = |i: usize| cols.get(i).copied().unwrap_or("").to_owned();
            ManifestRow { path: col(0), format: col(1), version: col(2), producer: col(3) }
        })
        .collect()
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cadlens"))
}

/// Runs the binary with `args`, no stdin, and returns its output.
pub fn run(args: &[&str], cwd: &Path) -> Output {
    bin().args(args).current_dir(cwd).stdin(Stdio::null()).output().expect("the cadlens binary runs")
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The reference readers' outputs for `format` (`../oracles/expected/<format>/*.json` beside the corpus), in
/// name order.
pub fn oracle_files(corpus: &Path, format: &str) -> Vec<PathBuf> {
    let dir = corpus.join("../oracles/expected").join(format);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the {format} oracle folder {} is readable: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Checks an oracle test's findings against its list of known differences: prints each difference, and returns
/// a failure for every file that differs but is not listed and every listed file that no longer differs.
pub fn unlisted_or_stale<'a>(
    differing: &std::collections::BTreeMap<String, Vec<String>>,
    listed: impl Iterator<Item = &'a String>,
) -> Vec<String> {
    let listed: std::collections::BTreeSet<&String> = listed.collect();
    let mut failures = Vec::new();
    for (file, diffs) in differing {
        eprintln!("DIFF {file}: {}", diffs.join("; "));
        if !listed.contains(file) {
            failures.push(format!("{file} differs but is not listed: {}", diffs.join("; ")));
        }
    }
    for file in listed {
        if !differing.contains_key(file) {
            failures.push(format!("{file} is listed as differing but now agrees: remove it from the list"));
        }
    }
    failures
}

/// The Python interpreter of the test-only verifiers (`CADLENS_PYTHON`, set by `.ci/run` from
/// `.ci/python-tools.sh`), or `None` with a loud skip; under `CI=true` its absence fails the test.
pub fn verifier_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CADLENS_PYTHON").map(PathBuf::from) {
        assert!(p.is_file(), "CADLENS_PYTHON={} does not exist", p.display());
        return Some(p);
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CADLENS_PYTHON unset under CI=true (.ci/python-tools.sh)");
    eprintln!("SKIP: CADLENS_PYTHON unset (run `export CADLENS_PYTHON=$(bash .ci/python-tools.sh)`); test skipped");
    None
}
