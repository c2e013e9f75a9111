//! DXF reader (formats.md §1): ASCII and binary DXF, R12 to 2018+, into the common [`Document`].
//!
//! Layers of the reader, one file each: [`tokenizer`] (tags as byte slices), [`text`] (codepages, escapes,
//! MTEXT), [`reader`] (records grouped at `0` tags, sections), [`header`], [`tables`], [`blocks`],
//! [`entities`], [`objects`]. Structural damage is a [`DxfError`]; damage inside one entity is a warning and
//! the reader resumes at the next `0` tag.

pub mod error;
pub mod tokenizer;

pub use error::{DxfError, Pos};

/// The bare tokenizer pass (benchmark baseline): splits the input into tags, parses every group code and
/// touches every value slice; returns the number of tags.
pub fn scan_tags(bytes: &[u8]) -> Result<u64, DxfError> {
    let mut tokens = tokenizer::Tokens::new(bytes);
    let mut count = 0u64;
    let mut checksum = 0usize;
    while let Some(tag) = tokens.next_tag()? {
        count += 1;
        checksum = checksum.wrapping_add(tag.raw.len());
    }
    std::hint::black_box(checksum);
    Ok(count)
}
