//! DWG (formats.md §2): the first six bytes are the version tag, shared with DXF's `$ACADVER`.

use crate::model::FileFormat;

use super::Sniffed;

/// Every tag AutoCAD has written, with the release name people use for it.
const RELEASES: &[(&str, &str)] = &[
    ("MC0.0", "R1.0"),
    ("AC1.2", "R1.2"),
    ("AC1.40", "R1.40"),
    ("AC1.50", "R2.05"),
    ("AC2.10", "R2.10"),
    ("AC2.21", "R2.21"),
    ("AC2.22", "R2.22"),
    ("AC1001", "R2.22"),
    ("AC1002", "R2.5"),
    ("AC1003", "R2.6"),
    ("AC1004", "R9"),
    ("AC1006", "R10"),
    // R11 and R12 share the format; R12 is the one files and tools name.
    ("AC1009", "R12"),
    ("AC1012", "R13"),
    ("AC1014", "R14"),
    ("AC1015", "R2000"),
    ("AC1018", "R2004"),
    ("AC1021", "R2007"),
    ("AC1024", "R2010"),
    ("AC1027", "R2013"),
    // AutoCAD 2018 through 2025 (and 2026/27) all write AC1032.
    ("AC1032", "R2018"),
    // Pre-release builds.
    ("AC1500", "R2000 beta"),
    ("AC1800", "R2004 beta"),
    ("AC402a", "R2007 beta"),
    ("AC402b", "R2007 beta"),
];

/// The release name of a DWG tag or DXF `$ACADVER` value (`AC1032` → `R2018`).
pub fn release_name(tag: &str) -> Option<&'static str> {
    RELEASES.iter().find(|(t, _)| *t == tag).map(|(_, name)| *name)
}

/// The tag at the start of `head`, if it is one of the known ones or an `AC10nn` we have not met yet.
fn tag_at_start(head: &[u8]) -> Option<String> {
    if head.starts_with(b"MC0.0") {
        return Some("MC0.0".to_owned());
    }
    if head.starts_with(b"AC1.2") && !head.get(5).is_some_and(u8::is_ascii_digit) {
        return Some("AC1.2".to_owned());
    }
    let six = std::str::from_utf8(head.get(..6)?).ok()?;
    if release_name(six).is_some() || is_future_tag(six) {
        return Some(six.to_owned());
    }
    None
}

/// `AC1` + three digits: a release newer than this table still is a DWG.
fn is_future_tag(tag: &str) -> bool {
    tag.len() == 6 && tag.starts_with("AC10") && tag[4..].bytes().all(|b| b.is_ascii_digit())
}

pub fn sniff(head: &[u8], total_len: u64) -> Option<Sniffed> {
    let tag = tag_at_start(head)?;
    let release = release_name(&tag);
    Some(Sniffed::new(FileFormat::Dwg, total_len).with_version(tag).with_release(release))
}
