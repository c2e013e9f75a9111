//! Format detection from content only (formats.md §0): magic bytes and the header, never the file name.
//!
//! The rules live one file per format family; `sniff` applies them in the spec's order, first match wins.
//! Every entry point looks at no more than [`MAX_SNIFF_BYTES`] of its input: a head window and, for
//! inputs that keep something useful at the end (ZIP central directory, OLE directory, PDF Info dictionary),
//! a tail window.

mod bytes;
mod dgn;
mod dwf;
mod dwg;
mod dxf;
mod pdf;
mod step;
mod stl;
mod zip;

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::model::{FileFormat, Source};

pub use dwg::release_name;
pub use step::application_protocol as step_application_protocol;

/// The most bytes any sniff entry point reads (head window + tail window).
pub const MAX_SNIFF_BYTES: u64 = 64 * 1024;
/// The head window: long enough for a DXF header's `$ACADVER` behind long 999 comments and a STEP HEADER
/// section with long descriptions.
pub const HEAD_WINDOW: u64 = 48 * 1024;
/// The tail window beside a full head window: an OLE directory sector, a PDF's trailing Info dictionary.
/// (ZIPs trade head for tail: see `Windows`.)
pub const TAIL_WINDOW: u64 = MAX_SNIFF_BYTES - HEAD_WINDOW;

/// What the content says the input is.
#[derive(Debug, Clone, PartialEq)]
pub struct Sniffed {
    pub format: FileFormat,
    /// The version code as the file gives it: `AC1032` (DXF/DWG), `V06.00` (DWF), `V7` (DGN), `1.7` (PDF),
    /// `AP214` (STEP, from the schema), `ascii`/`binary` (STL).
    pub version: Option<String>,
    /// A human name for the version: `R2018`, `DWF 6`, `3D design`, …
    pub release: Option<String>,
    /// The producing program where the header names it (DXF leading 999 comment, STEP originating system,
    /// STL header or `solid` line, PDF `/Producer` when not inside a compressed object stream).
    pub producer: Option<String>,
    /// STEP only: the first `FILE_SCHEMA` entry as written, e.g. `AUTOMOTIVE_DESIGN { 1 0 10303 214 1 1 1 1 }`.
    pub schema: Option<String>,
    /// Binary encoding of a format that also has a text form (DXF, STL).
    pub binary: bool,
    /// The input's total size in bytes.
    pub bytes: u64,
}

impl Sniffed {
    pub fn new(format: FileFormat, bytes: u64) -> Sniffed {
        Sniffed { format, version: None, release: None, producer: None, schema: None, binary: false, bytes }
    }

    fn with_version(mut self, version: impl Into<String>) -> Sniffed {
        self.version = Some(version.into());
        self
    }

    fn with_release(mut self, release: Option<impl Into<String>>) -> Sniffed {
        self.release = release.map(Into::into);
        self
    }

    /// The model's `Source` for a reader to start from.
    pub fn to_source(&self) -> Source {
        let mut source = Source::new(self.format, self.bytes);
        source.version = self.version.clone();
        source.release = self.release.clone();
        source.producer = self.producer.clone();
        source
    }
}

/// Why the content is not something cadlens reads.
#[derive(Debug, thiserror::Error)]
pub enum SniffError {
    /// No rule matched; `hint` says what the first bytes look like.
    #[error("unrecognised format: {hint}")]
    Unrecognised { hint: String },
    /// A format we can name but refuse (DGN V8, a ZIP that is not DWFx, other OLE files).
    #[error("unsupported format: {reason}")]
    Unsupported { format: &'static str, reason: String },
    #[error("reading the input: {0}")]
    Io(#[from] std::io::Error),
}

impl SniffError {
    /// I/O failures (exit 4) as opposed to content verdicts (exit 3).
    pub fn is_io(&self) -> bool {
        matches!(self, SniffError::Io(_))
    }
}

/// Names the format of an input from its first bytes (`head`, from offset 0), its last bytes (`tail`, ending
/// at `total_len`; may be empty, must not overlap `head`) and its size. Pure: no I/O.
pub fn sniff(head: &[u8], tail: &[u8], total_len: u64) -> Result<Sniffed, SniffError> {
    if head.is_empty() {
        let hint = if total_len == 0 {
            "empty input (0 bytes)".to_owned()
        } else {
            format!("no bytes given to look at of an input of {total_len} bytes")
        };
        return Err(SniffError::Unrecognised { hint });
    }
    let input = Input { head, tail, total_len };
    // The order of formats.md §0: a later rule may match bytes an earlier one owns.
    if let Some(found) = dwg::sniff(head, total_len) {
        return Ok(found);
    }
    if let Some(found) = dxf::sniff_binary(head, total_len) {
        return Ok(found);
    }
    if let Some(found) = dwf::sniff(head, total_len) {
        return Ok(found);
    }
    if let Some(found) = pdf::sniff(&input) {
        return Ok(found);
    }
    if let Some(found) = step::sniff(head, total_len) {
        return Ok(found);
    }
    if let Some(found) = dgn::sniff_v7(head, total_len) {
        return Ok(found);
    }
    dgn::refuse_ole(&input)?;
    if let Some(found) = zip::sniff_dwfx(&input)? {
        return Ok(found);
    }
    if let Some(found) = stl::sniff(head, total_len) {
        return Ok(found);
    }
    if let Some(found) = dxf::sniff_ascii(head, total_len) {
        return Ok(found);
    }
    if let Some(found) = stl::sniff_damaged_binary(head, total_len) {
        return Ok(found);
    }
    Err(SniffError::Unrecognised { hint: unrecognised_hint(head) })
}

/// What the bytes look like, and which format they nearly were.
fn unrecognised_hint(head: &[u8]) -> String {
    let seen = bytes::describe(head);
    match near_miss(head) {
        Some(why) => format!("{why} ({seen})"),
        None => seen,
    }
}

fn near_miss(head: &[u8]) -> Option<&'static str> {
    let text = bytes::strip_bom(head).trim_ascii_start();
    if head.starts_with(b"\x1F\x8B") {
        return Some("gzip-compressed data (a .stpZ?): decompress it first");
    }
    if text.len() >= 5 && text[..5].eq_ignore_ascii_case(b"solid") {
        return Some(
            "starts like an ASCII STL but has no facet or endsolid keyword, and its size does not fit a binary STL",
        );
    }
    if dxf::BINARY_SENTINEL.starts_with(&head[..head.len().min(dxf::BINARY_SENTINEL.len())]) && head.len() > 6 {
        return Some("a binary DXF sentinel cut short");
    }
    let first_line = text.split(|&b| b == b'\n' || b == b'\r').next().unwrap_or(&[]);
    let is_group_code = !first_line.is_empty() && first_line.trim_ascii().iter().all(u8::is_ascii_digit);
    if is_group_code {
        return Some("group-code/value lines like a DXF, but not opening with 0/SECTION");
    }
    None
}

/// The windows one sniff looks at.
struct Input<'a> {
    head: &'a [u8],
    tail: &'a [u8],
    total_len: u64,
}

impl Input<'_> {
    /// `len` bytes at absolute offset `at`, if one window holds them all.
    fn at(&self, at: u64, len: usize) -> Option<&[u8]> {
        let end = at.checked_add(len as u64)?;
        if end <= self.head.len() as u64 {
            return self.head.get(at as usize..end as usize);
        }
        let tail_start = self.total_len.checked_sub(self.tail.len() as u64)?;
        if at >= tail_start && end <= self.total_len {
            let from = (at - tail_start) as usize;
            return self.tail.get(from..from + len);
        }
        None
    }
}

/// Sniffs a seekable input, reading at most [`MAX_SNIFF_BYTES`]: a probe of the first bytes decides how
/// the budget is split between head and tail (see `Windows::for_probe`).
pub fn sniff_reader<R: Read + Seek>(mut r: R) -> Result<Sniffed, SniffError> {
    let total_len = r.seek(SeekFrom::End(0))?;
    r.seek(SeekFrom::Start(0))?;
    let mut head = read_window(&mut r, total_len.min(PROBE))?;
    let windows = Windows::for_probe(&head);
    // The reader stands right after the probe: read on to the head window's end.
    let more = windows.head.saturating_sub(head.len() as u64);
    r.by_ref().take(more).read_to_end(&mut head)?;
    let head_len = head.len() as u64;
    let tail_len = windows.tail.min(total_len.saturating_sub(head_len));
    let mut tail = Vec::new();
    if tail_len > 0 {
        r.seek(SeekFrom::Start(total_len - tail_len))?;
        tail = read_window(&mut r, tail_len)?;
    }
    sniff(&head, &tail, total_len.max(head_len))
}

/// Reads up to `len` bytes (fewer only at the end of input).
fn read_window<R: Read>(r: &mut R, len: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(len as usize);
    r.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The first read: enough for every magic number and for telling which windows the rest needs.
const PROBE: u64 = 4 * 1024;

/// How many bytes to look at from the start and from the end; together never over [`MAX_SNIFF_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Windows {
    head: u64,
    tail: u64,
}

impl Windows {
    fn for_probe(probe: &[u8]) -> Windows {
        if probe.starts_with(zip::LOCAL_HEADER) {
            // A ZIP's names are all in its central directory at the end: give it nearly the whole budget, so
            // packages with hundreds of entries still show `DWFDocumentSequence.dwfseq`.
            Windows { head: PROBE, tail: MAX_SNIFF_BYTES - PROBE }
        } else if wants_tail(probe) {
            Windows { head: HEAD_WINDOW, tail: TAIL_WINDOW }
        } else {
            Windows { head: HEAD_WINDOW, tail: 0 }
        }
    }
}

/// Inputs with something at the end worth the tail window: the OLE directory of small files, a PDF's Info
/// dictionary.
fn wants_tail(head: &[u8]) -> bool {
    head.starts_with(dgn::OLE_MAGIC) || pdf::has_marker(head)
}

/// Sniffs a file by path (opening it is the only I/O besides the reads of [`sniff_reader`]).
pub fn sniff_path(path: &Path) -> Result<Sniffed, SniffError> {
    // Unbuffered on purpose: the two window reads are all the I/O, and a buffer would read past them.
    sniff_reader(std::fs::File::open(path)?)
}

/// Sniffs in-memory input (stdin, an upload), looking at no more than [`MAX_SNIFF_BYTES`] of it.
pub fn sniff_bytes(bytes: &[u8]) -> Result<Sniffed, SniffError> {
    let probe = &bytes[..bytes.len().min(PROBE as usize)];
    let windows = Windows::for_probe(probe);
    let head_end = bytes.len().min(windows.head as usize);
    let tail_start = bytes.len().saturating_sub(windows.tail as usize).max(head_end);
    sniff(&bytes[..head_end], &bytes[tail_start..], bytes.len() as u64)
}

#[cfg(test)]
mod tests;
