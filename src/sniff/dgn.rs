//! DGN (formats.md §4): V7 by its first element (the TCB, or a cell library header); V8 is an OLE compound
//! file, recognised by its `Dgn~…` stream names and refused.

use crate::model::FileFormat;

use super::bytes::{find, u16_le, u32_le};
use super::{Input, SniffError, Sniffed};

pub const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const V8_REFUSAL: &str = "DGN V8 is not supported; save as V7 or DXF";
/// A directory entry: UTF-16LE name (64 bytes), name length in bytes (u16 at 0x40), … 128 bytes in all.
const DIR_ENTRY_LEN: usize = 128;
/// Names of streams MicroStation V8 writes start with `Dgn` and a marker (`Dgn~H`, `Dgn^C`, `Dgn-Md` …).
const V8_STREAM_PREFIX: &str = "Dgn";

pub fn sniff_v7(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let release = match head.get(..4)? {
        // Type 9 (TCB), level 8, 0x2FE words to follow; bit 0x40 of the level byte marks a 3D design.
        [0x08, 0x09, 0xFE, 0x02] => "2D design",
        [0xC8, 0x09, 0xFE, 0x02] => "3D design",
        [0x08, 0x05, 0x17, 0x00] => "cell library",
        _ => return None,
    };
    Some(Sniffed::new(FileFormat::Dgn, total_len).with_version("V7").with_release(Some(release)))
}

/// An OLE compound file is never accepted: DGN V8 gets the spec's refusal, anything else says what it is.
pub fn refuse_ole(input: &Input<'_>) -> Result<(), SniffError> {
    if !input.head.starts_with(OLE_MAGIC) {
        return Ok(());
    }
    let names = directory_names(input);
    if names.iter().any(|n| n.starts_with(V8_STREAM_PREFIX)) || mentions_dgn_streams(input) {
        return Err(SniffError::Unsupported { format: "DGN V8", reason: V8_REFUSAL.to_owned() });
    }
    let seen = if names.is_empty() {
        "its directory lies outside the bytes sniffed".to_owned()
    } else {
        format!("streams {}", names.join(", "))
    };
    Err(SniffError::Unsupported {
        format: "OLE compound file",
        reason: format!(
            "an OLE compound file ({seen}) that is not a DGN V8 design; cadlens reads DGN V7 only \
             (a .dgn of this kind is V8: save as V7 or DXF)"
        ),
    })
}

/// Entry names of the first directory sector, located through the header (sector shift at 0x1E, first
/// directory sector at 0x30), when a window holds it.
fn directory_names(input: &Input<'_>) -> Vec<String> {
    let head = input.head;
    let (Some(shift), Some(first_sector)) = (u16_le(head, 0x1E), u32_le(head, 0x30)) else {
        return Vec::new();
    };
    // Version 3 files use 512-byte sectors, version 4 use 4096; anything else is not a sane header.
    if !(9..=12).contains(&shift) {
        return Vec::new();
    }
    let sector_len = 1usize << shift;
    let offset = (u64::from(first_sector) + 1) << shift;
    let Some(sector) = input.at(offset, sector_len) else { return Vec::new() };
    sector.chunks_exact(DIR_ENTRY_LEN).filter_map(entry_name).collect()
}

fn entry_name(entry: &[u8]) -> Option<String> {
    let len = usize::from(u16_le(entry, 0x40)?);
    // The length counts the terminating NUL; 2..=64 bytes.
    if !(2..=64).contains(&len) || len % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = entry[..len - 2].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    let name = String::from_utf16(&units).ok()?;
    (!name.is_empty()).then_some(name)
}

/// A fallback when the directory sector is out of reach: a V8 stream name anywhere in the windows.
fn mentions_dgn_streams(input: &Input<'_>) -> bool {
    let utf16_dgn_tilde: &[u8] = b"D\0g\0n\0~\0";
    find(input.head, utf16_dgn_tilde).is_some() || find(input.tail, utf16_dgn_tilde).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ole_with_streams(names: &[&str]) -> Vec<u8> {
        let mut file = OLE_MAGIC.to_vec();
        file.resize(512, 0);
        file[0x1E] = 9; // 512-byte sectors
        file[0x30..0x34].copy_from_slice(&0u32.to_le_bytes()); // directory in sector 0 = offset 512
        for name in names {
            let mut entry = vec![0u8; DIR_ENTRY_LEN];
            let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            entry[..utf16.len()].copy_from_slice(&utf16);
            entry[0x40..0x42].copy_from_slice(&((utf16.len() + 2) as u16).to_le_bytes());
            file.extend_from_slice(&entry);
        }
        file.resize(1024, 0);
        file
    }

    fn sniff_ole(file: &[u8]) -> Result<(), SniffError> {
        refuse_ole(&Input { head: file, tail: &[], total_len: file.len() as u64 })
    }

    #[test]
    fn v7_2d_3d_and_cell_library() {
        let d2 = sniff_v7(b"\x08\x09\xFE\x02\x01\x08", 100).expect("DGN");
        assert_eq!((d2.version.as_deref(), d2.release.as_deref()), (Some("V7"), Some("2D design")));
        let d3 = sniff_v7(b"\xC8\x09\xFE\x02\x01\x08", 100).expect("DGN");
        assert_eq!(d3.release.as_deref(), Some("3D design"));
        let cel = sniff_v7(b"\x08\x05\x17\x00", 100).expect("DGN");
        assert_eq!(cel.release.as_deref(), Some("cell library"));
        assert!(sniff_v7(b"\x08\x09\xFE", 3).is_none());
    }

    #[test]
    fn v8_is_refused_by_its_stream_names() {
        let file = ole_with_streams(&["Root Entry", "Dgn~H", "Dgn~S"]);
        let err = sniff_ole(&file).expect_err("refused");
        assert!(matches!(err, SniffError::Unsupported { format: "DGN V8", .. }));
        assert!(err.to_string().contains("DGN V8 is not supported; save as V7 or DXF"), "{err}");
    }

    #[test]
    fn other_ole_files_are_unsupported_and_named() {
        let file = ole_with_streams(&["Root Entry", "WordDocument"]);
        let err = sniff_ole(&file).expect_err("refused");
        assert!(matches!(err, SniffError::Unsupported { format: "OLE compound file", .. }));
        assert!(err.to_string().contains("WordDocument"), "{err}");
    }

    #[test]
    fn ole_header_with_a_wild_directory_offset_does_not_panic() {
        let mut file = ole_with_streams(&["Root Entry"]);
        file[0x30..0x34].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(sniff_ole(&file).is_err());
        file[0x1E] = 40;
        assert!(sniff_ole(&file).is_err());
    }
}
