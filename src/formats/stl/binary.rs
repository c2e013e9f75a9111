//! Binary STL: an 80-byte free header, the facet count N (u32 LE), then N records of 50 bytes (normal and
//! three vertices as 12 × f32 LE, a u16 attribute word).
//!
//! Damaged files (formats.md §7): a file cut short is read up to its last complete record with a warning
//! (as the oracle does); only when not one complete record is there although N promises some is it refused
//! with [`StlError::Truncated`] naming the offset where data ends. N = 0 with records after it: N is derived
//! from the size. Bytes after the N records: ignored with a warning. The declared count never sizes an
//! allocation: only the records present do.

use super::error::{Pos, StlError};
use super::facets::{Facet, Facets};

pub const HEADER_LEN: usize = 80;
pub const PREAMBLE_LEN: usize = 84;
pub const RECORD_LEN: usize = 50;

/// The facets of a binary STL, its header, and warnings about size mismatches.
pub fn read(bytes: &[u8]) -> Result<(Facets, &[u8], Vec<String>), StlError> {
    let (header, declared) = preamble(bytes)?;
    let data = &bytes[PREAMBLE_LEN..];
    let present = data.len() / RECORD_LEN;
    let mut warnings = Vec::new();
    let count = records_to_read(declared, present, data.len(), &mut warnings)?;
    let facets = data.chunks_exact(RECORD_LEN).take(count).map(record).collect();
    Ok((Facets { facets, blocks: vec![(0, None)] }, header, warnings))
}

/// `84 + 50·N` for the count the file declares, when it has the 84-byte preamble.
pub fn declared_size(bytes: &[u8]) -> Option<u64> {
    preamble(bytes).ok().map(|(_, n)| PREAMBLE_LEN as u64 + RECORD_LEN as u64 * u64::from(n))
}

fn preamble(bytes: &[u8]) -> Result<(&[u8], u32), StlError> {
    match (bytes.get(..HEADER_LEN), bytes.get(HEADER_LEN..PREAMBLE_LEN)) {
        (Some(header), Some(&[a, b, c, d])) => Ok((header, u32::from_le_bytes([a, b, c, d]))),
        _ => Err(StlError::Truncated {
            pos: Pos::Offset(bytes.len() as u64),
            expected: "the 84-byte binary preamble (80-byte header, u32 facet count)".to_owned(),
        }),
    }
}

/// How many records to read, given the count the file declares and the complete records it holds.
fn records_to_read(
    declared: u32,
    present: usize,
    data_len: usize,
    warnings: &mut Vec<String>,
) -> Result<usize, StlError> {
    let declared_len = declared as usize;
    let size = PREAMBLE_LEN + data_len;
    if declared == 0 {
        if present > 0 {
            warnings.push(format!(
                "binary STL declares 0 facets but holds {present} complete records: count derived from the size"
            ));
        }
        return Ok(present);
    }
    if declared_len > present {
        if present == 0 {
            return Err(StlError::Truncated {
                pos: Pos::Offset(size as u64),
                expected: format!("{declared} facet records of 50 bytes from byte offset 84"),
            });
        }
        warnings.push(format!(
            "binary STL size {size} does not match its count {declared} (84 + 50*N): read {present} complete \
             records, the file is cut short at byte offset {size}"
        ));
        return Ok(present);
    }
    let extra = data_len - declared_len * RECORD_LEN;
    if extra > 0 {
        warnings.push(format!(
            "binary STL size {size} does not match its count {declared} (84 + 50*N): {extra} bytes after the last \
             record ignored"
        ));
    }
    Ok(declared_len)
}

fn record(r: &[u8]) -> Facet {
    // `chunks_exact` guarantees 50 bytes, so every 4-byte window below exists.
    let f = |i: usize| {
        let at = i * 4;
        f32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]])
    };
    Facet {
        normal: [f(0), f(1), f(2)],
        vertices: [[f(3), f(4), f(5)], [f(6), f(7), f(8)], [f(9), f(10), f(11)]],
        attribute: u16::from_le_bytes([r[48], r[49]]),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A binary STL: `header` padded to 80 bytes, `declared` as the count, then `facets` records of one
    /// triangle each (the i-th lifted to z = i), attribute word `attribute`.
    pub(crate) fn binary_stl(header: &[u8], declared: u32, facets: u32, attribute: u16) -> Vec<u8> {
        let mut out = header.to_vec();
        out.resize(HEADER_LEN, b' ');
        out.extend_from_slice(&declared.to_le_bytes());
        for i in 0..facets {
            let z = i as f32;
            let floats = [0.0f32, 0.0, 1.0, 0.0, 0.0, z, 2.0, 0.0, z, 0.0, 3.0, z];
            for v in floats {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&attribute.to_le_bytes());
        }
        out
    }

    #[test]
    fn reads_records_as_stored() {
        let bytes = binary_stl(b"solid x", 2, 2, 0x8123);
        let (facets, header, warnings) = read(&bytes).expect("binary");
        assert_eq!(facets.facets.len(), 2);
        assert_eq!(facets.facets[1].vertices, [[0.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.0, 3.0, 1.0]]);
        assert_eq!(facets.facets[1].normal, [0.0, 0.0, 1.0]);
        assert_eq!(facets.facets[1].attribute, 0x8123);
        assert_eq!(&header[..7], b"solid x");
        assert!(warnings.is_empty());
    }

    #[test]
    fn truncated_file_reads_complete_records_and_warns() {
        let mut bytes = binary_stl(b"OpenSCAD Model", 1690, 1, 0);
        bytes.extend_from_slice(&[0; 26]);
        let (facets, _, warnings) = read(&bytes).expect("one complete record");
        assert_eq!(facets.facets.len(), 1);
        assert_eq!(
            warnings,
            vec![
                "binary STL size 160 does not match its count 1690 (84 + 50*N): read 1 complete records, the file \
                 is cut short at byte offset 160"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn nothing_usable_is_a_typed_error_with_the_offset() {
        let mut bytes = binary_stl(b"h", 7, 0, 0);
        bytes.extend_from_slice(&[1; 30]);
        let err = read(&bytes).expect_err("no complete record");
        assert_eq!(err.pos(), Pos::Offset(114));
        assert_eq!(
            err.to_string(),
            "truncated binary STL at byte offset 114: expected 7 facet records of 50 bytes from byte offset 84, \
             found the end of the file"
        );
        assert_eq!(read(&[0; 83]).expect_err("short").pos(), Pos::Offset(83));
    }

    #[test]
    fn zero_count_with_data_derives_the_count() {
        let (facets, _, warnings) = read(&binary_stl(b"h", 0, 3, 0)).expect("binary");
        assert_eq!(facets.facets.len(), 3);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn trailing_bytes_are_ignored_with_a_warning() {
        let mut bytes = binary_stl(b"h", 2, 3, 0);
        bytes.push(7);
        let (facets, _, warnings) = read(&bytes).expect("binary");
        assert_eq!(facets.facets.len(), 2);
        assert!(warnings[0].ends_with("51 bytes after the last record ignored"), "{warnings:?}");
    }

    #[test]
    fn a_huge_declared_count_allocates_nothing_for_it() {
        let (facets, _, _) = read(&binary_stl(b"h", u32::MAX, 1, 0)).expect("one record");
        assert_eq!(facets.facets.len(), 1);
        assert!(facets.facets.capacity() < 1000);
    }
}
