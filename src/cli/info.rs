//! `cadlens info FILE…`: format, version, release, producer and schema from the magic bytes and header alone.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::exit;
use crate::sniff::{SniffError, Sniffed, sniff_path};

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Files to identify (by content, never by extension)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// One JSON object per file on stdout (NDJSON for several files) instead of a table
    #[arg(long)]
    pub json: bool,
}

/// One file's verdict.
struct Report<'a> {
    path: &'a Path,
    outcome: Result<Sniffed, SniffError>,
}

impl Report<'_> {
    fn exit_code(&self) -> u8 {
        match &self.outcome {
            Ok(_) => exit::OK,
            Err(e) if e.is_io() => exit::IO,
            Err(_) => exit::UNSUPPORTED,
        }
    }
}

pub fn info(args: &InfoArgs) -> u8 {
    let reports: Vec<Report<'_>> = args.files.iter().map(|path| Report { path, outcome: sniff_path(path) }).collect();
    for report in &reports {
        if let Err(e) = &report.outcome {
            eprintln!("error: {}: {e}", report.path.display());
        }
    }
    let text = if args.json { json_lines(&reports) } else { table(&reports) };
    let printed = print_stdout(&text);
    // The worst outcome wins: I/O (4) over unsupported (3) over success.
    reports.iter().map(Report::exit_code).chain([printed]).max().unwrap_or(exit::OK)
}

fn json_lines(reports: &[Report<'_>]) -> String {
    let mut out = String::new();
    for report in reports {
        out.push_str(&json_object(report).to_string());
        out.push('\n');
    }
    out
}

/// Keys: path, format (upper case as in the result documents), version, release, producer, schema, binary,
/// bytes; a file that could not be identified has `format: null` and an `error` object instead.
fn json_object(report: &Report<'_>) -> Value {
    let path = report.path.display().to_string();
    match &report.outcome {
        Ok(s) => json!({
            "path": path,
            "format": s.format.json_name(),
            "version": s.version,
            "release": s.release,
            "producer": s.producer,
            "schema": s.schema,
            "binary": s.binary,
            "bytes": s.bytes,
        }),
        Err(e) => {
            let (code, format) = match e {
                SniffError::Unsupported { format, .. } => ("unsupported_format", Some(*format)),
                SniffError::Unrecognised { .. } => ("unrecognised_format", None),
                SniffError::Io(_) => ("io_error", None),
            };
            json!({
                "path": path,
                "format": null,
                "error": { "code": code, "format": format, "message": e.to_string() },
            })
        }
    }
}

const HEADINGS: [&str; 6] = ["FILE", "FORMAT", "VERSION", "RELEASE", "PRODUCER / SCHEMA", "BYTES"];

/// A plain aligned table of the identified files; failures are on stderr only.
fn table(reports: &[Report<'_>]) -> String {
    let rows: Vec<[String; 6]> =
        reports.iter().filter_map(|r| r.outcome.as_ref().ok().map(|s| table_row(r.path, s))).collect();
    if rows.is_empty() {
        return String::new();
    }
    let headings = HEADINGS.map(str::to_owned);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&headings).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&headings).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, width))| if i == 5 { format!("{cell:>width$}") } else { format!("{cell:<width$}") })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn table_row(path: &Path, s: &Sniffed) -> [String; 6] {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let about = match (&s.producer, &s.schema) {
        (Some(p), Some(schema)) => format!("{p} / {schema}"),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => "-".to_owned(),
    };
    let format = if s.binary && s.format != crate::model::FileFormat::Stl {
        format!("{} (binary)", s.format.json_name())
    } else {
        s.format.json_name().to_owned()
    };
    [path.display().to_string(), format, dash(&s.version), dash(&s.release), about, s.bytes.to_string()]
}

fn print_stdout(text: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => exit::OK,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: writing to stdout: {e}");
            exit::IO
        }
    }
}
