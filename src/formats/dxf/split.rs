//! Reading a large ENTITIES section in two halves at once.
//!
//! When the builder enters a large ENTITIES section, it picks a record head near its middle
//! ([`find_split`], [`first_share`]) and hands the tables a record needs to a second thread, which reads
//! from that head to ENDSEC into a builder of its own, whose model-space entities fill runs of their own.
//! The first thread reads up to the head. The second half is adopted only when the first thread arrives
//! at exactly that head with nothing open that the second could not know (an open block, MTEXT parts
//! still to merge); its entities (runs of the sheet's [`EntityList`], never copied), diagnostics and
//! tokenizer then continue the first builder's. Any other arrival (the head was inside a value, the
//! section ended before it, damage) drops the second half and the first thread reads on alone. Either
//! way the document and the first error are those of a read in one thread: the second builder starts in
//! the state the first has at the head, and everything it changes is appended or summed in order when
//! adopted.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};

use super::document::MAX_DIAGNOSTICS;
use super::entities::{DimStyleArrows, LayerNames};
use super::error::DxfError;
use super::header::Header;
use super::memory::Prefault;
use super::text::Encoding;
use super::tokenizer::{Tag, Tokens};
use crate::model::{BlockDef, Diagnostics, Entity, EntityList};

/// ENTITIES sections shorter than this are read in one thread: a thread costs more than it saves on small
/// sections.
pub(super) const MIN_SPLIT_REST: usize = 2 << 20;
/// Per mille of the ENTITIES section (from where the builder enters it) that the first thread reads. Set
/// by measurement (benchmark files, 13 rounds per value from 460‰ to 580‰, twice): 540‰ best for binary,
/// best or level for ASCII. The second thread pays more per byte (its malloc arena and runs of entity
/// storage are fresh memory, while the first thread's storage is one reservation on huge pages, and in
/// ASCII it counts the line ends before its start), but it also reads the benchmark's costlier records
/// (polylines and texts come last), and neither thread copies the other's entities.
const FIRST_SHARE_PER_MILLE: usize = 540;

/// The bytes of `rest` the first thread reads before the split.
pub(super) fn first_share(rest: usize) -> usize {
    rest / 1000 * FIRST_SHARE_PER_MILLE + rest % 1000 * FIRST_SHARE_PER_MILLE / 1000
}

/// How far past the middle a record head is looked for before the split is given up.
const SEARCH_WINDOW: usize = 4 << 20;

/// Where the ENTITIES section roughly lies: from the first `ENTITIES` section name to the last `OBJECTS`
/// section name after it (the section that follows ENTITIES from R13 on), or the end of the file. A name
/// is the word as a whole line (ASCII) or a NUL-ended value (binary). Found by memchr's vector search
/// (about 1 ms per 33 MB here, against 14 for an 8-byte compare at every position), from the front for
/// the start and from the back for the end, so only the sections before ENTITIES and from OBJECTS on are
/// looked through. A word inside a value can only misplace the split, never change what is read.
pub(super) fn entities_span(bytes: &[u8]) -> Option<(usize, usize)> {
    let is_name = |at: usize, len: usize| {
        let before = at.checked_sub(1).and_then(|b| bytes.get(b));
        matches!(before, Some(b'\n' | 0)) && matches!(bytes.get(at + len), Some(b'\r' | b'\n' | 0 | b' '))
    };
    let start = memchr::memmem::find_iter(bytes, b"ENTITIES").find(|&i| is_name(i, 8))?;
    let after = bytes.get(start..)?;
    let end = memchr::memmem::rfind_iter(after, b"OBJECTS")
        .find(|&i| is_name(start + i, 7))
        .map_or(bytes.len(), |i| start + i);
    Some((start, end))
}

/// Whether ENTITIES is big enough a part of the file for reading it in two halves to pay more than
/// tokenizing the whole file on a second thread: at least 40 % of the file (the split speeds up
/// ENTITIES alone, the tokenizer thread every section).
pub(super) fn entities_dominate(span: Option<(usize, usize)>, len: usize) -> bool {
    span.is_some_and(|(start, end)| (end - start).saturating_mul(5) >= len.saturating_mul(2))
}

/// A record head to split at: `pos` is its group code's first byte, `value_at` the address its `0` tag's
/// value starts at (compared with the first thread's record heads, which borrow the same bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SplitPoint {
    pub pos: usize,
    pub value_at: usize,
}

/// Record names never split at: followers belong to the record before them, and the structural records
/// change the section walk.
const NOT_A_START: [&[u8]; 8] = [b"VERTEX", b"SEQEND", b"ATTRIB", b"ENDSEC", b"EOF", b"SECTION", b"BLOCK", b"ENDBLK"];

/// Group codes that follow an entity's `0` tag in binary DXF (R13 on): handle, layer, subclass marker,
/// owner, a `{` group, paper-space flag.
const FIRST_CODES: [u16; 6] = [5, 8, 100, 330, 102, 67];

/// Whether `name` (a `0` tag's value without blanks) can open the second half: an entity type name.
fn starts_a_half(name: &[u8]) -> bool {
    name.first().is_some_and(u8::is_ascii_uppercase)
        && name.len() <= 32
        && name.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && !NOT_A_START.contains(&name)
}

/// A record head at or after `target`, within [`SEARCH_WINDOW`]. ASCII: a line `0` followed by an entity
/// name; the name is not a number, so it cannot be a group code line, so the `0` before it is one. Binary
/// (2-byte codes only): the code bytes `00 00` followed by an entity name and its NUL. A head found inside
/// a value is harmless: the first thread never arrives at it and the second half is dropped.
pub(super) fn find_split(bytes: &[u8], target: usize, binary: bool, wide_codes: bool) -> Option<SplitPoint> {
    let end = bytes.len().min(target.saturating_add(SEARCH_WINDOW));
    let window = bytes.get(target..end)?;
    let base = bytes.as_ptr().addr();
    if binary {
        if !wide_codes {
            return None;
        }
        let mut i = 0;
        while i + 3 < window.len() {
            if window[i] == 0 && window[i + 1] == 0 {
                let rest = &window[i + 2..];
                if let Some(n) = rest.iter().take(33).position(|&b| b == 0) {
                    // Doubles hold `00 00` and letters often enough: a head also needs a name of three
                    // letters or more and, after it, a group code an entity record starts with.
                    let next = rest.get(n + 1..n + 3).map(|c| u16::from_le_bytes([c[0], c[1]]));
                    if n >= 3 && starts_a_half(&rest[..n]) && next.is_some_and(|c| FIRST_CODES.contains(&c)) {
                        return Some(SplitPoint { pos: target + i, value_at: base + target + i + 2 });
                    }
                }
            }
            i += 1;
        }
        return None;
    }
    // Line starts from the first full line of the window on.
    let mut line_start = target + window.iter().position(|&b| b == b'\n')? + 1;
    let mut previous_was_zero: Option<usize> = None;
    while line_start < end {
        let rest = &bytes[line_start..end];
        let len = rest.iter().position(|&b| b == b'\n')?;
        let line = rest[..len].trim_ascii();
        if let Some(code_start) = previous_was_zero {
            if starts_a_half(line) {
                return Some(SplitPoint { pos: code_start, value_at: base + line_start });
            }
        }
        previous_was_zero = (line == b"0").then_some(line_start);
        line_start += len + 1;
    }
    None
}

/// What the second builder needs from the first: the tables entity records consult, read before ENTITIES.
pub(super) struct SplitStart {
    pub point: SplitPoint,
    pub header: Header,
    pub enc: Encoding,
    pub block_records: Vec<(Option<String>, String)>,
    pub dimstyles: Vec<(String, DimStyleArrows)>,
    pub paper_owner_handles: Vec<String>,
}

/// What the second builder read: everything it changed, in the order the first builder appends it, and
/// its tokenizer standing after the section.
pub(super) struct SecondHalf<'a> {
    /// The section's end as `Builder::section` reports it: true when `0 EOF` came before ENDSEC.
    pub result: Result<bool, DxfError>,
    pub tokens: Tokens<'a>,
    pub peeked: Option<Tag<'a>>,
    /// Its model-space entities, in runs.
    pub model: EntityList,
    pub paper: Vec<Entity>,
    pub layout_blocks: Vec<(String, Vec<Entity>)>,
    pub blocks: Vec<BlockDef>,
    pub open_block: Option<BlockDef>,
    pub diagnostics: Diagnostics,
    pub stray_tags: u64,
    pub mtext_parts: std::collections::HashSet<Vec<u8>>,
    pub mtext_parts_merged: u64,
    pub layer_names: LayerNames<'a>,
    pub insert_xdicts: std::collections::HashMap<Vec<u8>, Vec<u8>>,
}

/// Model-space entities per run of the second builder's storage: it cannot reserve by the input size (under
/// the worker's address-space limit that would count a second time), and a vector grown by doubling would
/// copy its entities on every regrowth; full runs are kept as they are and handed over as runs of the
/// sheet's [`EntityList`](crate::model::EntityList), never copied.
pub(super) const ENTITY_RUN: usize = 8192;
/// How far ahead of the first builder the second thread, done with its half, keeps the model's storage
/// faulted in while it waits (50 µs between looks; the first thread fills about 1 MiB per ms).
pub(super) const PREFAULT_WINDOW_AFTER: usize = 4 << 20;

/// The second thread's ends: its half out, and the first builder's model-space storage, which it faults in
/// ahead of the first builder once its own half is read (see [`Prefault`]). Not before: populating pages
/// for another thread cost the second thread twice what the first saved by it, and the second is the slower
/// side (its memory is all fresh).
pub(super) struct HalfOut<'a> {
    pub to_first: Sender<Box<SecondHalf<'a>>>,
    pub prefault: Option<Prefault>,
}

/// The first builder's side of a split: where it was made, and the second half when done. Dropping it (the
/// first thread passed the head, failed, or finished) tells the second thread to stop.
pub(super) struct SplitPlan<'a> {
    pub point: SplitPoint,
    pub from_second: Receiver<Box<SecondHalf<'a>>>,
    pub cancel: Arc<AtomicBool>,
}

impl Drop for SplitPlan<'_> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The first builder's handle on the second thread before ENTITIES: it sends the start there, once.
/// Dropped unsent, it lets the waiting thread end.
pub(super) struct SplitOffer<'a> {
    pub start: Sender<SplitStart>,
    pub from_second: Receiver<Box<SecondHalf<'a>>>,
    pub cancel: Arc<AtomicBool>,
}

thread_local! {
    /// Second halves adopted by builders on this thread (the first thread of a split read is the caller's).
    static ADOPTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    /// Tests: split reads on this thread split at this byte instead of a head [`find_split`] finds.
    pub(super) static FORCED: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The split point for a head found at or after `target`, or in tests the forced one: a point at an
/// arbitrary byte, whose value address no record head has, so the first thread never meets it.
pub(super) fn split_point(bytes: &[u8], target: usize, binary: bool, wide_codes: bool) -> Option<SplitPoint> {
    #[cfg(test)]
    if let Some(pos) = FORCED.with(std::cell::Cell::get) {
        return Some(SplitPoint { pos, value_at: bytes.as_ptr().addr() + pos });
    }
    find_split(bytes, target, binary, wide_codes)
}

/// Counts a second half adopted on this thread.
pub(super) fn count_adopted() {
    ADOPTED.with(|n| n.set(n.get() + 1));
}

/// Second halves adopted by split reads called from this thread so far: lets the tests and the
/// benchmark check that a split read really read in two halves (a split given up reads the same).
pub fn halves_adopted() -> u64 {
    ADOPTED.with(std::cell::Cell::get)
}

/// Appends warnings and errors the way `Builder::warn` would have, each list capped at
/// [`MAX_DIAGNOSTICS`].
pub(super) fn append_diagnostics(into: &mut Diagnostics, from: Diagnostics) {
    for (list, more) in [(&mut into.warnings, from.warnings), (&mut into.errors, from.errors)] {
        let room = MAX_DIAGNOSTICS.saturating_sub(list.len());
        list.extend(more.into_iter().take(room));
    }
    for (kind, n) in from.skipped {
        *into.skipped.entry(kind).or_insert(0) += n;
    }
    into.unsupported_3d += from.unsupported_3d;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_split_is_a_zero_code_line_before_an_entity_name() {
        // `0` as the value of code 70 followed by code line `0` and `LINE`: the head is the second `0`.
        let text = b"xx\n 70\n0\n  0\nVERTEX\n  0\nLINE\n 10\n0.0\n";
        let p = find_split(text, 0, false, false).expect("a head");
        assert_eq!(p.pos, 20);
        assert_eq!(p.value_at - text.as_ptr().addr(), 24);
        assert_eq!(&text[p.pos..p.pos + 4], b"  0\n");
        // No entity name after a `0` line in the window: no split.
        assert_eq!(find_split(b"x\n0\n1.5\n0\nSEQEND\n", 0, false, false), None);
    }

    #[test]
    fn binary_split_needs_two_byte_codes() {
        let data = b"\x0a\x00\x01\x02\x00\x00CIRCLE\x00\x08\x00L\x00";
        let p = find_split(data, 0, true, true).expect("a head");
        assert_eq!(p.pos, 4);
        assert_eq!(p.value_at - data.as_ptr().addr(), 6);
        assert_eq!(find_split(data, 0, true, false), None);
        // A short name, or one followed by a code no entity starts with: bytes of a value, not a head.
        assert_eq!(find_split(b"\x00\x00Z\x00\x08\x00L\x00\x00", 0, true, true), None);
        assert_eq!(find_split(b"\x00\x00LINE\x00\x0a\x00\x00\x00\x00\x00", 0, true, true), None);
    }

    #[test]
    fn the_entities_span_runs_from_its_name_to_the_last_objects_name() {
        let mut text = b"  0\r\nSECTION\r\n  2\r\nENTITIES\r\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 200));
        text.extend_from_slice(b"\n  1\nOBJECTS\n  0\nENDSEC\n  2\nOBJECTS\n");
        text.extend(std::iter::repeat_n(b'y', 100));
        let (start, end) = entities_span(&text).expect("a span");
        assert_eq!((&text[start..start + 8], &text[end..end + 7]), (&b"ENTITIES"[..], &b"OBJECTS"[..]));
        assert_eq!((start, end), (19, 257));
        assert!(entities_dominate(Some((start, end)), text.len()));
        assert!(!entities_dominate(Some((start, end)), text.len() * 3));
        // The words inside values are not section names; without OBJECTS the span runs to the end.
        let inside = b"1\nMY_ENTITIES\n2\nENTITIES\n1\nOBJECTS_X\n".to_vec();
        assert_eq!(entities_span(&inside), Some((16, inside.len())));
        assert_eq!(entities_span(b"1\nMY_ENTITIES\n"), None);
        let binary = b"\x02\x00ENTITIES\x00\x00\x00LINE\x00\x02\x00OBJECTS\x00".to_vec();
        assert_eq!(entities_span(&binary), Some((2, 20)));
        assert!(!entities_dominate(None, 10));
    }

    #[test]
    fn diagnostics_append_capped_and_summed() {
        let mut a = Diagnostics { warnings: vec!["w".into(); 999], ..Diagnostics::default() };
        a.skip("X");
        let mut b = Diagnostics { warnings: vec!["v".into(); 5], errors: vec!["e".into()], ..Diagnostics::default() };
        b.skip("X");
        b.skip("Y");
        b.unsupported_3d = 2;
        append_diagnostics(&mut a, b);
        assert_eq!(a.warnings.len(), 1000);
        assert_eq!(a.warnings[999], "v");
        assert_eq!(a.errors, vec!["e".to_owned()]);
        assert_eq!(a.skipped.get("X"), Some(&2));
        assert_eq!(a.skipped.get("Y"), Some(&1));
        assert_eq!(a.unsupported_3d, 2);
    }
}
