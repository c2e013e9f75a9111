//! The library's one way from input bytes to the document model: sniff the content (never the extension),
//! then hand the bytes to that format's reader. The CLI calls this; the server's workers will too.

use std::path::Path;

use crate::formats::dxf::{self, DxfError};
use crate::formats::step::{self, StepError};
use crate::formats::stl::{self, StlError};
use crate::model::{Document, FileFormat};
use crate::sniff::{self, SniffError, Sniffed};

/// Why an input did not become a [`Document`]: the sniffer refused it, its format has no reader yet, its
/// reader refused it, or it could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Unrecognised content, or a recognised format cadlens refuses (DGN V8, a plain ZIP).
    #[error(transparent)]
    Sniff(#[from] SniffError),
    /// A format cadlens recognises but cannot read yet.
    #[error("{} {}: recognised, but this version of cadlens has no {} reader yet", .0.format.json_name(), .0.version.as_deref().unwrap_or(""), .0.format.json_name())]
    NoReader(Box<Sniffed>),
    #[error("DXF: {0}")]
    Dxf(#[from] DxfError),
    #[error("STL: {0}")]
    Stl(#[from] StlError),
    #[error("STEP: {0}")]
    Step(#[from] StepError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl ReadError {
    /// Whether the exit code is "unsupported or unrecognised format" (cli.md: 3) rather than a parse failure.
    pub fn is_unsupported(&self) -> bool {
        match self {
            ReadError::Sniff(e) => !e.is_io(),
            ReadError::NoReader(_) => true,
            ReadError::Dxf(_) | ReadError::Stl(_) | ReadError::Step(_) => false,
            ReadError::Io { .. } => false,
        }
    }

    /// Whether the exit code is "I/O error" (cli.md: 4).
    pub fn is_io(&self) -> bool {
        match self {
            ReadError::Sniff(e) => e.is_io(),
            ReadError::Io { .. } => true,
            _ => false,
        }
    }
}

/// Whether this build has a reader for `format` (the others are recognised and refused as unsupported).
pub fn has_reader(format: FileFormat) -> bool {
    matches!(format, FileFormat::Dxf | FileFormat::Stl | FileFormat::Step)
}

/// Reads a whole input held in memory.
pub fn read_bytes(bytes: &[u8]) -> Result<Document, ReadError> {
    let sniffed = sniff::sniff_bytes(bytes)?;
    match sniffed.format {
        FileFormat::Dxf => Ok(dxf::read(bytes)?),
        FileFormat::Stl => Ok(stl::read(bytes)?),
        FileFormat::Step => Ok(step::read(bytes)?),
        _ => Err(ReadError::NoReader(Box::new(sniffed))),
    }
}

/// Reads the file at `path` (whole: readers work on bytes).
pub fn read_path(path: &Path) -> Result<Document, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io { path: path.display().to_string(), source })?;
    read_bytes(&bytes)
}
