//! DWFx (formats.md §3, rule 9 of §0): a ZIP is DWFx only when its entry names say it is an OPC/DWFx package.
//! Names come from the local file headers in the head window and the central directory in the tail window;
//! nothing is decompressed.

use crate::model::FileFormat;

use super::{Input, SniffError, Sniffed};

pub const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8] = b"PK\x01\x02";
/// Where the name length and the name sit in each header kind.
const LOCAL_NAME_LEN_AT: usize = 26;
const LOCAL_NAME_AT: usize = 30;
const CENTRAL_NAME_LEN_AT: usize = 28;
const CENTRAL_NAME_AT: usize = 46;
/// Enough for any package's listing in 64 KiB; bounds the work on hostile input.
const MAX_NAMES: usize = 4096;
const DWFX_SEQUENCE: &str = "DWFDocumentSequence.dwfseq";
const CONTENT_TYPES: &str = "[Content_Types].xml";

/// `Ok(None)`: not a ZIP. `Ok(Some)`: DWFx. `Err(Unsupported)`: some other ZIP.
pub fn sniff_dwfx(input: &Input<'_>) -> Result<Option<Sniffed>, SniffError> {
    if !input.head.starts_with(LOCAL_HEADER) {
        return Ok(None);
    }
    let names = entry_names(input);
    if is_dwfx(&names) {
        return Ok(Some(Sniffed::new(FileFormat::Dwfx, input.total_len)));
    }
    Err(SniffError::Unsupported { format: "ZIP", reason: not_dwfx_reason(&names) })
}

fn is_dwfx(names: &[String]) -> bool {
    let has = |pred: &dyn Fn(&str) -> bool| names.iter().any(|n| pred(n));
    if has(&|n| n.eq_ignore_ascii_case(DWFX_SEQUENCE)) {
        return true;
    }
    // Without the sequence part in view: an OPC package holding DWF parts (`dwf/documents/<GUID>/…`, or a
    // manifest beside pages or W2D streams).
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let has_lower = |pred: &dyn Fn(&str) -> bool| lower.iter().any(|n| pred(n));
    has(&|n| n == CONTENT_TYPES)
        && (has_lower(&|n| n.starts_with("dwf/documents/"))
            || (has_lower(&|n| n.ends_with("manifest.xml"))
                && has_lower(&|n| n.ends_with(".fpage") || n.ends_with(".w2d"))))
}

fn not_dwfx_reason(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let listing = if shown.is_empty() {
        "no entry names readable in the bytes sniffed".to_owned()
    } else {
        let more = if names.len() > shown.len() { ", …" } else { "" };
        format!("entries {}{more}", shown.join(", "))
    };
    format!("a ZIP archive that is not a DWFx package (no {DWFX_SEQUENCE}; {listing})")
}

/// Entry names from every local and central header signature found in the windows, deduplicated, in order.
fn entry_names(input: &Input<'_>) -> Vec<String> {
    let mut names = Vec::new();
    for window in [input.head, input.tail] {
        collect_names(window, LOCAL_HEADER, LOCAL_NAME_LEN_AT, LOCAL_NAME_AT, &mut names);
        collect_names(window, CENTRAL_HEADER, CENTRAL_NAME_LEN_AT, CENTRAL_NAME_AT, &mut names);
    }
    names
}

fn collect_names(window: &[u8], signature: &[u8], len_at: usize, name_at: usize, names: &mut Vec<String>) {
    let mut from = 0;
    while names.len() < MAX_NAMES {
        let Some(found) = super::bytes::find(&window[from..], signature) else { return };
        let header = from + found;
        from = header + signature.len();
        if let Some(name) = name_in_header(&window[header..], len_at, name_at)
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
}

/// The name of the header at the start of `header`, if it is plausible (a signature inside compressed data
/// gives garbage, which must not count).
fn name_in_header(header: &[u8], len_at: usize, name_at: usize) -> Option<String> {
    let len = usize::from(super::bytes::u16_le(header, len_at)?);
    if len == 0 || len > 1024 {
        return None;
    }
    let raw = header.get(name_at..name_at + len)?;
    if raw.iter().any(|&b| b < 0x20) {
        return None;
    }
    std::str::from_utf8(raw).ok().map(str::to_owned)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP with these empty entries and its central directory.
    pub fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = out.len() as u32;
            out.extend_from_slice(LOCAL_HEADER);
            out.extend_from_slice(&[0u8; 22]);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(CENTRAL_HEADER);
            central.extend_from_slice(&[0u8; 24]);
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0u8; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0u8; 18]);
        out
    }

    fn sniff_zip(bytes: &[u8]) -> Result<Option<Sniffed>, SniffError> {
        sniff_dwfx(&Input { head: bytes, tail: &[], total_len: bytes.len() as u64 })
    }

    #[test]
    fn dwfx_by_its_document_sequence() {
        let zip = zip_with(&["_rels/.rels", "[Content_Types].xml", "DWFDocumentSequence.dwfseq"]);
        assert_eq!(sniff_zip(&zip).expect("ok").expect("DWFx").format, FileFormat::Dwfx);
    }

    #[test]
    fn dwfx_by_content_types_and_dwf_parts() {
        let zip =
            zip_with(&["[Content_Types].xml", "dwf/documents/1/manifest.xml", "dwf/documents/1/s/FixedPage.fpage"]);
        assert_eq!(sniff_zip(&zip).expect("ok").expect("DWFx").format, FileFormat::Dwfx);
    }

    #[test]
    fn dwfx_by_content_types_and_dwf_document_folders() {
        let zip = zip_with(&["[Content_Types].xml", "dwf/documents/7013F7E6/FixedDocument.fdoc"]);
        assert_eq!(sniff_zip(&zip).expect("ok").expect("DWFx").format, FileFormat::Dwfx);
    }

    #[test]
    fn plain_zip_is_unsupported_and_lists_what_it_holds() {
        let zip = zip_with(&["readme.txt", "drawing.dxf"]);
        let err = sniff_zip(&zip).expect_err("unsupported");
        assert!(matches!(err, SniffError::Unsupported { format: "ZIP", .. }));
        assert!(err.to_string().contains("readme.txt"), "{err}");
    }

    #[test]
    fn xps_without_dwf_parts_is_not_dwfx() {
        let zip = zip_with(&["[Content_Types].xml", "FixedDocumentSequence.fdseq", "Documents/1/Pages/1.fpage"]);
        assert!(sniff_zip(&zip).is_err());
    }

    #[test]
    fn names_in_the_tail_window_count() {
        let zip = zip_with(&["a.txt", "DWFDocumentSequence.dwfseq"]);
        let split = 30; // the head holds only the first local header's start
        let input = Input { head: &zip[..split], tail: &zip[zip.len() - 100..], total_len: zip.len() as u64 };
        assert_eq!(sniff_dwfx(&input).expect("ok").expect("DWFx").format, FileFormat::Dwfx);
    }

    #[test]
    fn not_a_zip() {
        assert!(sniff_zip(b"hello").expect("ok").is_none());
    }
}
