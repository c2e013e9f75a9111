//! The frames between the server and a worker: a request (header + input) on the worker's stdin and one
//! response (header + blobs) on its stdout.
//!
//! A frame is `magic (4 bytes) · version (u32 LE) · header length (u64 LE) · header (JSON) · payload`. The
//! request's payload is `input length (u64 LE) · input`; the response's payload is the blobs its header lists
//! (results, then previews), back to back, and nothing after them. Every length is checked against a cap
//! before anything is allocated, so a torn or lying frame is an error, never a huge allocation.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

const REQUEST_MAGIC: &[u8; 4] = b"CLWQ";
const RESPONSE_MAGIC: &[u8; 4] = b"CLWR";
const VERSION: u32 = 1;

/// Largest header either side accepts: headers hold names and lengths, never documents.
pub const MAX_HEADER_BYTES: u64 = 64 * 1024;
/// Largest input a worker accepts (the server's upload limit is far below).
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Bytes of a response frame before its header: magic, version, header length.
pub const PREFIX_BYTES: u64 = 16;

/// What the worker is asked to do (the request header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestHeader {
    pub file_name: String,
    pub job_id: Option<String>,
    pub created_at_unix_ms: i64,
    /// Result schemas by name (`2.0.0`, `2024-01`), in the order results are wanted.
    pub schemas: Vec<String>,
    pub previews: bool,
    pub preview_size: (u32, u32),
    /// The worker refuses to write a response larger than this (it reports a resource limit instead).
    pub max_output_bytes: u64,
    /// Only set up the sandbox and report it; no input is parsed (`worker::sandbox_status`).
    pub check_only: bool,
}

/// Which sandbox layers the worker achieved, in words fit for one log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxStatus {
    /// Landlock's `RulesetStatus` (`fully enforced`, `partially enforced`, `not enforced`) or why it failed.
    pub landlock: String,
    /// `enforced`, or why the seccomp filter could not be installed.
    pub seccomp: String,
    /// The user the worker parses as (`nobody` when the server runs as root).
    pub user: String,
}

impl std::fmt::Display for SandboxStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "landlock={}, seccomp={}, user={}", self.landlock, self.seccomp, self.user)
    }
}

/// How the job ended, as the worker saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Parsed; the blobs follow: one result per requested schema, then one PNG per emitted sheet.
    Parsed { format: String, entity_count: u64, layer_count: u64, result_lengths: Vec<u64>, preview_lengths: Vec<u64> },
    /// The reader refused the input (billed: the input is at fault).
    Unreadable { unsupported: bool, message: String },
    /// The output would exceed the caller's cap.
    ResourceLimit { message: String },
    /// `check_only`: nothing was parsed.
    Checked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseHeader {
    pub sandbox: SandboxStatus,
    pub outcome: Outcome,
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("reading the frame: {0}")]
    Io(#[from] io::Error),
    #[error("the frame does not start with the expected magic")]
    BadMagic,
    #[error("frame version {0} is not {VERSION}")]
    BadVersion(u32),
    #[error("a frame length of {len} bytes exceeds the cap of {cap}")]
    TooLong { len: u64, cap: u64 },
    #[error("the frame header is not valid JSON: {0}")]
    BadHeader(#[from] serde_json::Error),
    #[error("the frame's blobs do not add up to its payload ({declared} declared, {actual} present)")]
    Torn { declared: u64, actual: u64 },
    #[error("no memory for a frame of {0} bytes")]
    NoMemory(u64),
}

/// Writes a request frame: header, then the input.
pub fn write_request(out: &mut impl Write, header: &RequestHeader, input: &[u8]) -> io::Result<()> {
    write_prefix_and_header(out, REQUEST_MAGIC, &serde_json::to_vec(header)?)?;
    out.write_all(&(input.len() as u64).to_le_bytes())?;
    out.write_all(input)?;
    out.flush()
}

/// Reads a request frame; the input's length is checked against [`MAX_INPUT_BYTES`] and reserved with
/// `try_reserve` (the worker runs under an address-space limit), so a lie is an error.
pub fn read_request(input: &mut impl Read) -> Result<(RequestHeader, Vec<u8>), FrameError> {
    let header: RequestHeader = serde_json::from_slice(&read_prefix_and_header(input, REQUEST_MAGIC)?)?;
    let len = read_u64(input)?;
    let bytes = read_exact_vec(input, len, MAX_INPUT_BYTES)?;
    Ok((header, bytes))
}

/// Writes a response frame: header, then the blobs straight from where they lie (no second copy of a large
/// answer in the worker).
pub fn write_response(out: &mut impl Write, header: &ResponseHeader, blobs: &[&[u8]]) -> io::Result<()> {
    write_prefix_and_header(out, RESPONSE_MAGIC, &serde_json::to_vec(header)?)?;
    for blob in blobs {
        out.write_all(blob)?;
    }
    out.flush()
}

/// Decodes a whole response (already read, bounded, by the parent): the header and the blobs it lists. The
/// blobs are split off the frame's own buffer, so a large answer is never held twice.
pub fn decode_response(mut frame: Vec<u8>) -> Result<(ResponseHeader, Vec<Vec<u8>>), FrameError> {
    let mut cursor = frame.as_slice();
    let header: ResponseHeader = serde_json::from_slice(&read_prefix_and_header(&mut cursor, RESPONSE_MAGIC)?)?;
    let payload_start = frame.len() - cursor.len();
    let lengths: Vec<u64> = match &header.outcome {
        Outcome::Parsed { result_lengths, preview_lengths, .. } => {
            result_lengths.iter().chain(preview_lengths).copied().collect()
        }
        _ => Vec::new(),
    };
    let declared = lengths.iter().try_fold(0u64, |sum, &l| sum.checked_add(l)).unwrap_or(u64::MAX);
    let actual = cursor.len() as u64;
    if declared != actual {
        return Err(FrameError::Torn { declared, actual });
    }
    // Split from the end: each `split_off` moves only the blob it cuts, and `declared == actual` bounds
    // every length by the bytes present.
    let mut blobs = Vec::with_capacity(lengths.len());
    for len in lengths.iter().rev() {
        let at = frame.len() - *len as usize;
        blobs.push(frame.split_off(at));
    }
    debug_assert_eq!(frame.len(), payload_start);
    blobs.reverse();
    Ok((header, blobs))
}

fn write_prefix_and_header(out: &mut impl Write, magic: &[u8; 4], json: &[u8]) -> io::Result<()> {
    out.write_all(magic)?;
    out.write_all(&VERSION.to_le_bytes())?;
    out.write_all(&(json.len() as u64).to_le_bytes())?;
    out.write_all(json)
}

fn read_prefix_and_header(input: &mut impl Read, magic: &[u8; 4]) -> Result<Vec<u8>, FrameError> {
    let mut seen = [0u8; 4];
    input.read_exact(&mut seen)?;
    if &seen != magic {
        return Err(FrameError::BadMagic);
    }
    let mut version = [0u8; 4];
    input.read_exact(&mut version)?;
    let version = u32::from_le_bytes(version);
    if version != VERSION {
        return Err(FrameError::BadVersion(version));
    }
    let len = read_u64(input)?;
    read_exact_vec(input, len, MAX_HEADER_BYTES)
}

fn read_u64(input: &mut impl Read) -> Result<u64, FrameError> {
    let mut bytes = [0u8; 8];
    input.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

/// Reads exactly `len` bytes after checking `len` against `cap` and reserving the memory fallibly.
fn read_exact_vec(input: &mut impl Read, len: u64, cap: u64) -> Result<Vec<u8>, FrameError> {
    if len > cap {
        return Err(FrameError::TooLong { len, cap });
    }
    let size = usize::try_from(len).map_err(|_| FrameError::TooLong { len, cap })?;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(size).map_err(|_| FrameError::NoMemory(len))?;
    input.take(len).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(FrameError::Io(io::Error::new(io::ErrorKind::UnexpectedEof, "the frame ends early")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> RequestHeader {
        RequestHeader {
            file_name: "a.dxf".into(),
            job_id: Some("job_1".into()),
            created_at_unix_ms: 1_700_000_000_000,
            schemas: vec!["2.0.0".into()],
            previews: true,
            preview_size: (64, 48),
            max_output_bytes: 1 << 20,
            check_only: false,
        }
    }

    #[test]
    fn a_request_round_trips() {
        let mut frame = Vec::new();
        write_request(&mut frame, &request(), b"0\nEOF\n").unwrap();
        let (header, input) = read_request(&mut frame.as_slice()).unwrap();
        assert_eq!(header, request());
        assert_eq!(input, b"0\nEOF\n");
    }

    #[test]
    fn an_input_length_over_the_cap_is_refused_before_allocating() {
        let mut frame = Vec::new();
        write_request(&mut frame, &request(), b"").unwrap();
        let at = frame.len() - 8;
        frame[at..].copy_from_slice(&u64::MAX.to_le_bytes());
        let err = read_request(&mut frame.as_slice()).unwrap_err();
        assert!(matches!(err, FrameError::TooLong { len: u64::MAX, cap: MAX_INPUT_BYTES }), "{err}");
    }

    #[test]
    fn a_cut_request_is_an_error() {
        let mut frame = Vec::new();
        write_request(&mut frame, &request(), b"0123456789").unwrap();
        frame.truncate(frame.len() - 3);
        assert!(matches!(read_request(&mut frame.as_slice()), Err(FrameError::Io(_))));
    }

    fn encode_response(header: &ResponseHeader, blobs: &[&[u8]]) -> io::Result<Vec<u8>> {
        let mut frame = Vec::new();
        write_response(&mut frame, header, blobs)?;
        Ok(frame)
    }

    fn parsed(results: Vec<u64>, previews: Vec<u64>) -> ResponseHeader {
        ResponseHeader {
            sandbox: SandboxStatus {
                landlock: "fully enforced".into(),
                seccomp: "enforced".into(),
                user: "nobody".into(),
            },
            outcome: Outcome::Parsed {
                format: "DXF".into(),
                entity_count: 3,
                layer_count: 1,
                result_lengths: results,
                preview_lengths: previews,
            },
        }
    }

    #[test]
    fn a_response_round_trips_with_its_blobs() {
        let header = parsed(vec![2], vec![3, 1]);
        let frame = encode_response(&header, &[b"{}", b"PNG", b"x"]).unwrap();
        let (back, blobs) = decode_response(frame).unwrap();
        assert_eq!(back, header);
        assert_eq!(blobs, vec![b"{}".to_vec(), b"PNG".to_vec(), b"x".to_vec()]);
    }

    #[test]
    fn a_response_whose_blobs_do_not_add_up_is_torn() {
        let frame = encode_response(&parsed(vec![5], vec![]), &[b"{}"]).unwrap();
        assert!(matches!(decode_response(frame), Err(FrameError::Torn { declared: 5, actual: 2 })));
        let frame = encode_response(&parsed(vec![u64::MAX, 2], vec![]), &[b"{}"]).unwrap();
        assert!(matches!(decode_response(frame), Err(FrameError::Torn { declared: u64::MAX, actual: 2 })));
    }

    #[test]
    fn a_response_with_another_magic_is_refused() {
        let mut frame = encode_response(&parsed(vec![], vec![]), &[]).unwrap();
        frame[0] = b'X';
        assert!(matches!(decode_response(frame), Err(FrameError::BadMagic)));
    }

    proptest::proptest! {
        /// A torn answer (the worker killed mid-write) is always an error, never a panic or a short blob.
        #[test]
        fn a_cut_response_is_refused(blob in proptest::collection::vec(proptest::num::u8::ANY, 0..64), cut in 0usize..200) {
            let frame = encode_response(&parsed(vec![blob.len() as u64], vec![]), &[&blob]).unwrap();
            let cut = cut.min(frame.len());
            let result = decode_response(frame[..cut].to_vec());
            proptest::prop_assert_eq!(result.is_ok(), cut == frame.len());
        }

        /// Any bytes after a valid prefix decode to a result or an error, without panicking.
        #[test]
        fn garbage_never_panics(tail in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let mut frame = RESPONSE_MAGIC.to_vec();
            frame.extend_from_slice(&VERSION.to_le_bytes());
            frame.extend_from_slice(&tail);
            let _ = decode_response(frame);
            let mut request = REQUEST_MAGIC.to_vec();
            request.extend_from_slice(&VERSION.to_le_bytes());
            request.extend_from_slice(&tail);
            let _ = read_request(&mut request.as_slice());
        }
    }
}
