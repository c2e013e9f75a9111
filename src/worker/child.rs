//! The worker's side (`cadlens worker`, hidden): confine itself, read one request from stdin, parse with
//! the library, answer with one frame on stdout, exit 0. A reader's refusal is an answer, not a failure;
//! a failure of the worker itself is a non-zero exit, which the parent reports as a crash.

use std::io::{self, Write};
use std::time::Instant;

use super::protocol::{self, Outcome, RequestHeader, ResponseHeader, SandboxStatus};
use super::{sandbox, sys};
use crate::model::Document;
use crate::read::{ReadError, read_bytes};
use crate::render::{self, RenderOptions};
use crate::result::{self, ResultContext, Schema};
use crate::sniff::SniffError;

/// Exit status of a worker that could not read its request or write its answer.
const EXIT_PROTOCOL: u8 = 3;

/// The worker's main: returns its exit status.
pub fn run() -> u8 {
    // Before any input: drop root (if the server runs as root), then make the process undumpable (exec and
    // the uid change both reset that flag), then close inherited descriptors (the sandbox cannot take open
    // ones away), then Landlock and seccomp. Without the first three, refuse to run.
    let confined = sys::drop_root().and_then(|user| {
        sys::forbid_dumps()?;
        sys::close_inherited_fds()?;
        Ok(user)
    });
    let user = match confined {
        Ok(user) => user,
        Err(e) => {
            let _ = writeln!(io::stderr(), "worker: confining itself failed: {e}");
            return EXIT_PROTOCOL;
        }
    };
    let sandbox = sandbox::apply(user);
    let (request, input) = match protocol::read_request(&mut io::stdin().lock()) {
        Ok(read) => read,
        Err(protocol::FrameError::NoMemory(len)) => return input_too_large(len, sandbox),
        Err(e) => {
            let _ = writeln!(io::stderr(), "worker: bad request frame: {e}");
            return EXIT_PROTOCOL;
        }
    };
    match answer(&request, input, sandbox, &mut io::stdout().lock()) {
        Ok(()) => 0,
        Err(_) => EXIT_PROTOCOL,
    }
}

/// The answer when the input alone does not fit the address-space limit: the job's memory limit, not a crash.
fn input_too_large(len: u64, sandbox: SandboxStatus) -> u8 {
    let message = format!("The file ({} MiB) does not fit the parse's memory limit.", len.div_ceil(1 << 20));
    let header = ResponseHeader { sandbox, outcome: Outcome::ResourceLimit { message } };
    match protocol::write_response(&mut io::stdout().lock(), &header, &[]) {
        Ok(()) => 0,
        Err(_) => EXIT_PROTOCOL,
    }
}

/// Answers one request with one response frame on `out`.
fn answer(request: &RequestHeader, input: Vec<u8>, sandbox: SandboxStatus, out: &mut impl Write) -> io::Result<()> {
    let mut frame = |outcome: Outcome, blobs: &[&[u8]]| {
        protocol::write_response(out, &ResponseHeader { sandbox: sandbox.clone(), outcome }, blobs)
    };
    if request.check_only {
        return frame(Outcome::Checked, &[]);
    }
    #[cfg(debug_assertions)]
    let input = match super::hooks::run_if_marked(input, &sandbox) {
        Ok(input) => input,
        Err(probe) => return frame(probe.outcome, &[&probe.result]),
    };
    let started = Instant::now();
    let doc = read_bytes(&input);
    drop(input); // the document owns what it needs; the bytes are dead weight from here on
    let doc = match doc {
        Ok(doc) => doc,
        Err(e) => {
            return frame(
                Outcome::Unreadable { unsupported: e.is_unsupported(), message: unreadable_message(&e) },
                &[],
            );
        }
    };
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    // Previews are drawn on a second thread while the results are written: both only read the document,
    // and for a large drawing each takes about as long as the other.
    let (results, previews) = std::thread::scope(|scope| {
        let drawn = request.previews.then(|| scope.spawn(|| previews(&doc, request.preview_size)));
        let results = serialise(&doc, request, duration_ms);
        // A panic while drawing stays a crash of this worker, as it was on one thread.
        let previews = drawn.map(|d| d.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).unwrap_or_default();
        (results, previews)
    });
    let blobs: Vec<&[u8]> = results.iter().chain(&previews).map(Vec::as_slice).collect();
    let payload: u64 = blobs.iter().map(|b| b.len() as u64).sum();
    if payload > request.max_output_bytes {
        let message = format!(
            "The parse result ({} MiB) exceeds the output limit of {} MiB.",
            payload.div_ceil(1 << 20),
            request.max_output_bytes >> 20
        );
        return frame(Outcome::ResourceLimit { message }, &[]);
    }
    let outcome = Outcome::Parsed {
        format: doc.source.format.json_name().to_owned(),
        entity_count: doc.sheets.iter().map(|s| s.entities.len() as u64).sum(),
        layer_count: doc.layers.len() as u64,
        result_lengths: results.iter().map(|r| r.len() as u64).collect(),
        preview_lengths: previews.iter().map(|p| p.len() as u64).collect(),
    };
    frame(outcome, &blobs)
}

/// One result document per requested schema, serialised as `cadlens parse --json` does (without its
/// trailing newline). An unknown schema name yields an empty blob, which the parent never asks for.
fn serialise(doc: &Document, request: &RequestHeader, duration_ms: u64) -> Vec<Vec<u8>> {
    let ctx = ResultContext {
        file_name: request.file_name.clone(),
        job_id: request.job_id.clone(),
        image_urls: Vec::new(),
        created_at_unix_ms: request.created_at_unix_ms,
        duration_ms: Some(duration_ms),
        max_entities: None,
    };
    request
        .schemas
        .iter()
        .map(|name| match name.parse::<Schema>() {
            Ok(schema) => result::to_json(doc, schema, &ctx).unwrap_or_default(),
            Err(_) => Vec::new(),
        })
        .collect()
}

/// One PNG per emitted sheet, in the result's sheet order (empty for a sheet with nothing to draw), or the
/// one shaded view of a 3D model.
fn previews(doc: &Document, (width, height): (u32, u32)) -> Vec<Vec<u8>> {
    let clamp = |v: u32| v.clamp(render::MIN_SIDE, render::MAX_SIDE);
    let mut sheets = result::emitted_sheet_indices(doc);
    // A 3D model has no sheets; its one preview is the shaded view (the first and only image URL).
    if sheets.is_empty() && doc.model3d.is_some() {
        sheets.push(0);
    }
    sheets
        .into_iter()
        .map(|sheet| {
            let opts = RenderOptions { width: clamp(width), height: clamp(height), sheet, ..RenderOptions::default() };
            render::render_png(doc, &opts).ok().flatten().unwrap_or_default()
        })
        .collect()
}

/// The job's error sentence for a refused input: what the reader expected and where, but never the bytes it
/// found (the reader's own messages quote them).
fn unreadable_message(e: &ReadError) -> String {
    use crate::formats::dxf::DxfError;
    use crate::formats::step::StepError;
    use crate::formats::stl::StlError;
    match e {
        ReadError::Sniff(SniffError::Unrecognised { .. }) => {
            "The file's content matches no CAD format cadlens reads (the extension is not used).".into()
        }
        ReadError::Sniff(SniffError::Unsupported { format, .. }) => format!("{format} files are not supported."),
        ReadError::Sniff(SniffError::Io(_)) | ReadError::Io { .. } => "The file could not be read.".into(),
        ReadError::NoReader(sniffed) => {
            format!("{} files are recognised but cannot be parsed yet.", sniffed.format.json_name())
        }
        ReadError::Dxf(DxfError::NotDxf { pos, expected, .. }) => {
            format!("Not a DXF file at {pos}: expected {expected}.")
        }
        ReadError::Dxf(DxfError::BadGroupCode { pos, .. }) => format!("Invalid DXF at {pos}: expected a group code."),
        ReadError::Dxf(DxfError::TooLarge { limit, .. }) => {
            format!("The DXF file is larger than the {limit} bytes cadlens reads.")
        }
        ReadError::Dxf(e @ (DxfError::IncompleteTag { .. } | DxfError::UnexpectedEof { .. })) => {
            format!("The DXF file is {e}.").replacen("The DXF file is truncated DXF", "The DXF file is truncated", 1)
        }
        ReadError::Stl(StlError::NotStl { pos, expected, .. }) => {
            format!("Not an STL file at {pos}: expected {expected}.")
        }
        ReadError::Stl(StlError::Unexpected { pos, expected, .. } | StlError::BadNumber { pos, expected, .. }) => {
            format!("Invalid STL at {pos}: expected {expected}.")
        }
        ReadError::Stl(e @ (StlError::Truncated { .. } | StlError::UnexpectedEof { .. })) => format!("The STL {e}."),
        // Syntax and number errors quote the token found; the rest name only positions, ids and limits.
        ReadError::Step(StepError::Syntax { at, expected, .. }) => {
            format!("Invalid STEP at {at}: expected {expected}.")
        }
        ReadError::Step(StepError::BadNumber { at, expected, .. }) => {
            format!("Invalid STEP number at {at}: expected {expected}.")
        }
        ReadError::Step(
            e @ (StepError::Truncated { .. }
            | StepError::Duplicate { .. }
            | StepError::Budget { .. }
            | StepError::Cycle { .. }
            | StepError::Dangling { .. }
            | StepError::NoData { .. }),
        ) => format!("{e}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of(bytes: &[u8]) -> (bool, String) {
        let e = read_bytes(bytes).unwrap_err();
        (e.is_unsupported(), unreadable_message(&e))
    }

    #[test]
    fn refusal_messages_name_the_problem_without_quoting_the_file() {
        let (unsupported, msg) = message_of(b"SECRET-MARKER plain text, not a drawing\n");
        assert!(unsupported);
        assert_eq!(msg, "The file's content matches no CAD format cadlens reads (the extension is not used).");
        let (unsupported, msg) = message_of(b"  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n  8\nSECRET-MARKER\n 10\n");
        assert!(!unsupported);
        assert!(msg.starts_with("The DXF file is truncated at line "), "{msg}");
        assert!(!msg.contains("SECRET"), "{msg}");
    }
}
