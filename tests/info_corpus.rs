//! `cadlens info --json` over every file of the corpus, against MANIFEST.tsv.
//!
//! Format must agree for 100 % of the files. The manifest's version column holds the raw form its header
//! gives; it is compared after this normalisation:
//!
//! | format | manifest version | compared with |
//! |---|---|---|
//! | dxf | `AC1009` …, `AC2.10` | `version` |
//! | dxf | `binary` | `binary == true` (the `$ACADVER` we also report is not in the manifest) |
//! | dxf | `ascii` (no `$ACADVER` in the file) | `binary == false` and `version == null` |
//! | dwg, pdf | `AC1032`, `1.7` | `version` |
//! | dwf | `DWF V06.00` or `V06.00)` | the `Vnn.nn` in it == `version` |
//! | dwfx | `DWFx (OPC/XPS)` (names the package kind, not a version) | not compared: format only |
//! | dgn | `V7` | `version` |
//! | dgn | `V8 (OLE)` | refused: exit 3, no JSON format, stderr names `DGN V8` |
//! | step | the `FILE_SCHEMA` text | `schema`, whitespace runs collapsed and trimmed |
//! | stl | `ascii` / `binary` | `version` |

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{ManifestRow, corpus, manifest};

/// Files per `cadlens info` run: few processes, short command lines.
const BATCH: usize = 64;

#[test]
fn info_agrees_with_the_manifest_on_every_corpus_file() {
    let Some(corpus) = corpus() else { return };
    let rows = manifest(&corpus);
    assert!(rows.len() >= 400, "the manifest lists {} files, expected the whole corpus", rows.len());
    let (refused, accepted): (Vec<&ManifestRow>, Vec<&ManifestRow>) = rows.iter().partition(|r| is_dgn_v8(r));

    let results = run_info_batches(&corpus, &accepted);
    let mut format_matches = 0;
    let mut version_checked = 0;
    let mut version_matches = 0;
    let mut failures = Vec::new();
    // Informational only: the manifest's producer column mixes header text with notes from elsewhere
    // (READMEs, document properties inside compressed parts) that a header sniff cannot see.
    let (mut producer_named, mut producer_matches) = (0, 0);
    for row in &accepted {
        let Some(got) = results.get(&row.path) else {
            failures.push(format!("{}: no JSON object", row.path));
            continue;
        };
        let format = got["format"].as_str().unwrap_or("<none>").to_ascii_lowercase();
        if format == row.format {
            format_matches += 1;
        } else {
            failures.push(format!("{}: format {format}, manifest {} ({})", row.path, row.format, got));
        }
        if !row.producer.is_empty() {
            producer_named += 1;
            if got["producer"].as_str().map(collapse) == Some(collapse(&row.producer)) {
                producer_matches += 1;
            }
        }
        if let Some(agrees) = version_agrees(row, got) {
            version_checked += 1;
            if agrees {
                version_matches += 1;
            } else {
                failures.push(format!("{}: version {got}, manifest {:?}", row.path, row.version));
            }
        }
    }
    for row in &refused {
        version_checked += 1;
        match refused_as_dgn_v8(&corpus, row) {
            Ok(()) => {
                format_matches += 1;
                version_matches += 1;
            }
            Err(why) => failures.push(format!("{}: {why}", row.path)),
        }
    }
    println!(
        "info vs MANIFEST.tsv: {} files; format agrees {format_matches}/{}; version agrees {version_matches}/{version_checked} \
         (of which {} refused as DGN V8)",
        rows.len(),
        rows.len(),
        refused.len()
    );
    println!("producer (not asserted): {producer_matches}/{producer_named} of the files whose manifest row names one");
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(format_matches, rows.len());
    assert_eq!(version_matches, version_checked);
}

fn is_dgn_v8(row: &ManifestRow) -> bool {
    row.format == "dgn" && row.version.starts_with("V8")
}

/// Runs `info --json` over the rows in batches (exit 0 expected: all are readable formats) and returns
/// each JSON object by its manifest path.
fn run_info_batches(corpus: &Path, rows: &[&ManifestRow]) -> HashMap<String, serde_json::Value> {
    let mut by_path = HashMap::new();
    for batch in rows.chunks(BATCH) {
        let mut args = vec!["info".to_owned(), "--json".to_owned()];
        args.extend(batch.iter().map(|r| r.path.clone()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::run(&args, corpus);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "info failed: {}", String::from_utf8_lossy(&out.stderr));
        for line in stdout.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("each line is one JSON object");
            let path = value["path"].as_str().expect("path is a string").to_owned();
            by_path.insert(path, value);
        }
    }
    by_path
}

/// `None` when the manifest gives no version to compare.
fn version_agrees(row: &ManifestRow, got: &serde_json::Value) -> Option<bool> {
    let manifest = row.version.trim();
    if manifest.is_empty() || row.format == "dwfx" {
        return None;
    }
    let version = got["version"].as_str();
    let binary = got["binary"].as_bool();
    Some(match (row.format.as_str(), manifest) {
        ("dxf", "binary") => binary == Some(true),
        ("dxf", "ascii") => binary == Some(false) && version.is_none(),
        ("dwf", raw) => dwf_version(raw).is_some() && version == dwf_version(raw).as_deref(),
        ("step", raw) => got["schema"].as_str().map(collapse) == Some(collapse(raw)),
        (_, raw) => version == Some(raw),
    })
}

/// `Vnn.nn` out of `DWF V06.00` / `V06.00)`.
fn dwf_version(raw: &str) -> Option<String> {
    let at = raw.find('V')?;
    let candidate = raw.get(at..at + 6)?;
    let digits = &candidate[1..];
    let ok = digits.len() == 5
        && digits.as_bytes()[2] == b'.'
        && digits.replace('.', "").chars().all(|c| c.is_ascii_digit());
    ok.then(|| candidate.to_owned())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A refused format: exit 3, an error object instead of a format, and stderr naming DGN V8 and the file.
fn refused_as_dgn_v8(corpus: &Path, row: &ManifestRow) -> Result<(), String> {
    let out = common::run(&["info", "--json", &row.path], corpus);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(3) {
        return Err(format!("exit {:?}, expected 3; stderr {stderr}", out.status.code()));
    }
    if !stderr.contains("DGN V8") || !stderr.contains(&row.path) {
        return Err(format!("stderr does not name DGN V8 and the file: {stderr}"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("stdout is not one JSON object: {e}"))?;
    if !value["format"].is_null() || value["error"]["format"] != "DGN V8" {
        return Err(format!("JSON does not refuse DGN V8: {value}"));
    }
    Ok(())
}

#[test]
fn dwf_versions_normalise() {
    assert_eq!(dwf_version("DWF V06.00").as_deref(), Some("V06.00"));
    assert_eq!(dwf_version("V06.20)").as_deref(), Some("V06.20"));
    assert_eq!(dwf_version("DWFx (OPC/XPS)"), None);
}
