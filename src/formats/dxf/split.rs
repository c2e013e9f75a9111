//! Reading a large ENTITIES section on two threads at once.
//!
//! When the builder enters a large ENTITIES section, it cuts the rest of it at record heads into chunks
//! ([`chunk_boundaries`], [`find_split`]) and hands the tables a record needs to a second thread. The first
//! thread reads the chunks forward from the start; the second reads them backward from the end, each into
//! a builder of its own that starts in the state the first has at a clean record head (the tables only) and
//! stops at the head that ends its chunk. They meet wherever their speeds put them: when the first thread
//! arrives at exactly a chunk's head with nothing open that the second could not know (an open block,
//! MTEXT parts still to merge) and the second has read that chunk, it adopts that chunk and the ones after
//! it (their entities as runs of the sheet's [`EntityList`], never copied; diagnostics appended, counts
//! summed, the tokenizer of the last); if the second has not finished that chunk, the first reads it itself
//! and the second drops it and stops. So the first thread never waits for the second, and a second thread
//! that is slow (its CPU taken by another process) costs at most one chunk. Any other arrival (the head was
//! inside a value, damage) is read through in this thread. Either way the document and the first error are
//! those of a read in one thread.

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
/// Chunks an ENTITIES section is cut into (at most): the first thread may read one chunk the second had
/// begun, so a chunk is the most work a read can lose, here 1/64 of the section (under 1 ms on the
/// benchmark files); more chunks cost a builder and a boundary search each.
const CHUNKS: usize = 64;
/// Chunks of a large read are this long at least (a chunk builder's set-up is noise against it).
pub(super) const MIN_CHUNK: usize = 256 << 10;

/// Where the chunks of the `rest` bytes of ENTITIES from `here` begin (the first chunk begins at `here`):
/// the first record head within a step (or [`MIN_WINDOW`]) after each of [`CHUNKS`] evenly spaced targets;
/// a window without one, inside one long record, gets no boundary, so the searches together look at
/// little more than the section once.
pub(super) fn chunk_boundaries(
    bytes: &[u8],
    here: usize,
    rest: usize,
    min_chunk: usize,
    binary: bool,
    wide_codes: bool,
) -> Vec<SplitPoint> {
    let step = (rest / CHUNKS).max(min_chunk).max(1);
    let end = here.saturating_add(rest).min(bytes.len());
    let mut boundaries = Vec::new();
    let mut target = here.saturating_add(step);
    while target < end {
        let window = target.saturating_add(step.max(MIN_WINDOW)).min(end);
        // Cut at the window's end: the value addresses stay those of `bytes`.
        match split_point(&bytes[..window], target, binary, wide_codes) {
            Some(point) => {
                boundaries.push(point);
                target = point.pos.saturating_add(step);
            }
            None => target = window,
        }
        #[cfg(test)]
        if FORCED.with(std::cell::Cell::get).is_some() {
            break;
        }
    }
    boundaries
}

/// A chunk boundary is looked for this far past its target at least (tiny chunks, in tests, hold few
/// whole lines).
const MIN_WINDOW: usize = 64 << 10;
/// How far past its target a chunk boundary is looked for at most.
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

/// Whether ENTITIES is big enough a part of the file for reading it on two threads to pay more than
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

/// Whether `name` (a `0` tag's value without blanks) can begin a chunk: an entity type name.
fn starts_a_chunk(name: &[u8]) -> bool {
    name.first().is_some_and(u8::is_ascii_uppercase)
        && name.len() <= 32
        && name.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && !NOT_A_START.contains(&name)
}

/// A record head at or after `target`, within [`SEARCH_WINDOW`]. ASCII: a line `0` followed by an entity
/// name; the name is not a number, so it cannot be a group code line, so the `0` before it is one. Binary
/// (2-byte codes only): the code bytes `00 00` followed by an entity name and its NUL. A head found inside
/// a value is harmless: no thread arrives at it exactly, so the chunk read from there is never adopted.
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
                    if n >= 3 && starts_a_chunk(&rest[..n]) && next.is_some_and(|c| FIRST_CODES.contains(&c)) {
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
            if starts_a_chunk(line) {
                return Some(SplitPoint { pos: code_start, value_at: base + line_start });
            }
        }
        previous_was_zero = (line == b"0").then_some(line_start);
        line_start += len + 1;
    }
    None
}

/// What a chunk builder needs from the first: where the chunks begin, and the tables entity records
/// consult (read before ENTITIES).
pub(super) struct SplitStart {
    pub boundaries: Arc<[SplitPoint]>,
    pub shared: Arc<Shared>,
    /// Where the first builder entered ENTITIES, and the line ends before it (to number ASCII lines).
    pub entry: usize,
    pub entry_newlines: u64,
    pub header: Header,
    pub enc: Encoding,
    pub block_records: Vec<(Option<String>, String)>,
    pub dimstyles: Vec<(String, DimStyleArrows)>,
    pub paper_owner_handles: Vec<String>,
}

/// The line ends before each boundary (ASCII), counted forward from the first builder's entry.
pub(super) fn newlines_at(bytes: &[u8], start: &SplitStart) -> Vec<u64> {
    let mut lines = start.entry_newlines;
    let mut from = start.entry;
    start
        .boundaries
        .iter()
        .map(|b| {
            lines += bytes.get(from..b.pos).map_or(0, super::tokenizer::count_newlines);
            from = from.max(b.pos);
            lines
        })
        .collect()
}

/// Where a chunk's read ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChunkEnd {
    /// At the section's end (ENDSEC, EOF, or an error).
    Section,
    /// At boundary `i`, the head of chunk `i + 1`, not read (the tokenizer stands before it).
    Boundary(usize),
}

/// What a chunk builder read: everything it changed, in the order the first builder appends it, and its
/// tokenizer standing where it stopped.
pub(super) struct ChunkRead<'a> {
    pub end: ChunkEnd,
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

/// Model-space entities per run of a chunk builder's storage: it cannot reserve by the input size (under
/// the worker's address-space limit that would count a second time), and a vector grown by doubling would
/// copy its entities on every regrowth; full runs are kept as they are and handed over as runs of the
/// sheet's [`EntityList`], never copied.
pub(super) const ENTITY_RUN: usize = 8192;
/// How far ahead of the first builder the second thread, done with its chunks, keeps the model's storage
/// faulted in while it waits (50 µs between looks; the first thread fills about 1 MiB per ms).
pub(super) const PREFAULT_WINDOW_AFTER: usize = 4 << 20;

/// Which chunks each thread has: the first thread reads chunk `first_at` now (and all before it); the
/// second has taken chunks `second_from` and after (and never takes one at or before `first_at`).
#[derive(Debug)]
struct Claims {
    first_at: usize,
    second_from: usize,
}

/// What the two threads share.
pub(super) struct Shared {
    claims: std::sync::Mutex<Claims>,
    /// `claims.first_at`, for the second thread's check at every record (no lock).
    first_at: std::sync::atomic::AtomicUsize,
    /// Set when the first thread no longer wants anything from the second.
    cancel: AtomicBool,
}

impl Shared {
    /// Shared state for `chunks` chunks (chunk 0 is the first thread's).
    pub fn new(chunks: usize) -> Shared {
        Shared {
            claims: std::sync::Mutex::new(Claims { first_at: 0, second_from: chunks }),
            first_at: std::sync::atomic::AtomicUsize::new(0),
            cancel: AtomicBool::new(false),
        }
    }

    fn claims(&self) -> std::sync::MutexGuard<'_, Claims> {
        // A poisoned lock only means the other thread panicked; the numbers are still whole.
        self.claims.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The second thread takes the last chunk not yet taken, if the first thread has not reached it.
    pub fn claim_for_second(&self) -> Option<usize> {
        let mut c = self.claims();
        let next = c.second_from.checked_sub(1)?;
        if next <= c.first_at || self.cancelled() {
            return None;
        }
        c.second_from = next;
        Some(next)
    }

    /// The first thread reads chunk `chunk` from here on: the second will not take it (and drops it if
    /// it has begun it).
    fn first_enters(&self, chunk: usize) {
        let mut c = self.claims();
        c.first_at = c.first_at.max(chunk);
        self.first_at.store(c.first_at, Ordering::Relaxed);
    }

    /// Whether the second thread should stop reading chunk `chunk`.
    #[inline]
    pub fn drops(&self, chunk: usize) -> bool {
        self.first_at.load(Ordering::Relaxed) >= chunk || self.cancelled()
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The second thread's ends: its chunks out, and the first builder's model-space storage, which it faults
/// in ahead of the first builder once it has no chunk left to read (see [`Prefault`]). Not before:
/// populating pages for another thread cost the second thread twice what the first saved by it.
pub(super) struct ChunksOut<'a> {
    pub to_first: Sender<(usize, Box<ChunkRead<'a>>)>,
    pub prefault: Option<Prefault>,
}

/// The first builder's side of a split read: the chunk boundaries, which one ends the chunk it reads, and
/// the chunks the second thread has read. Dropping it (the first thread finished or failed) tells the
/// second thread to stop.
pub(super) struct SplitPlan<'a> {
    boundaries: Arc<[SplitPoint]>,
    meeting: Meeting,
    /// The first thread reads chunk `next`, which ends at boundary `next`.
    next: usize,
    shared: Arc<Shared>,
    from_second: Receiver<(usize, Box<ChunkRead<'a>>)>,
    done: std::collections::BTreeMap<usize, Box<ChunkRead<'a>>>,
}

impl<'a> SplitPlan<'a> {
    pub fn new(
        boundaries: Arc<[SplitPoint]>,
        meeting: Meeting,
        shared: Arc<Shared>,
        from_second: Receiver<(usize, Box<ChunkRead<'a>>)>,
    ) -> Self {
        SplitPlan { boundaries, meeting, next: 0, shared, from_second, done: std::collections::BTreeMap::new() }
    }

    /// The address of the value of the head that ends the chunk the first thread reads; `None` past the last.
    #[inline]
    pub fn next_value_at(&self) -> Option<usize> {
        self.boundaries.get(self.next).map(|b| b.value_at)
    }

    /// The chunk that begins at the boundary the first thread is at.
    pub fn chunk_after(&self) -> usize {
        self.next + 1
    }

    /// The second thread's read of `chunk`: if it has finished it ([`Meeting::Race`]), or once it has
    /// ([`Meeting::Wait`]; `None` if the second thread stops without it).
    pub fn take_done(&mut self, chunk: usize) -> Option<Box<ChunkRead<'a>>> {
        loop {
            if let Some(read) = self.done.remove(&chunk) {
                return Some(read);
            }
            let (k, read) = match self.meeting {
                Meeting::Race => self.from_second.try_recv().ok()?,
                Meeting::Wait => self.from_second.recv().ok()?,
            };
            self.done.insert(k, read);
        }
    }

    /// The first thread goes on into the chunk after the boundary it is at, reading it itself.
    pub fn read_on(&mut self) {
        self.next += 1;
        self.shared.first_enters(self.next);
    }

    /// The first thread stands at boundary `i` (having taken over the chunks before it).
    pub fn stand_at(&mut self, i: usize) {
        self.next = i;
        self.shared.first_enters(i);
    }
}

impl Drop for SplitPlan<'_> {
    fn drop(&mut self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }
}

/// When and how a split read cuts ENTITIES: at least `min_rest` bytes of it left where the builder enters
/// it, chunks of `min_chunk` bytes or more, and how the threads meet.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chunking {
    pub min_rest: usize,
    pub min_chunk: usize,
    pub meeting: Meeting,
}

/// How the first thread meets the chunks of the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meeting {
    /// It never waits: a chunk the second thread has not finished when the first arrives at its head, the
    /// first reads itself (and the second drops it and stops).
    Race,
    /// It waits for every chunk the second thread will read: it reads the first chunk, the second all the
    /// others, and every boundary met exactly is a hand-over (for tests: deterministic, and the most
    /// hand-overs a drawing allows).
    Wait,
}

/// The first builder's handle on the second thread before ENTITIES: it sends the start there, once.
/// Dropped unsent, it lets the waiting thread end.
pub(super) struct SplitOffer<'a> {
    pub start: Sender<SplitStart>,
    pub from_second: Receiver<(usize, Box<ChunkRead<'a>>)>,
    pub chunking: Chunking,
    /// About where ENTITIES ends ([`entities_span`]; the input's end when unknown).
    pub entities_end: usize,
}

/// Where a chunk builder stops: at the first boundary after its start that it meets exactly with nothing
/// open. A boundary it passes (a head found inside a value) or meets with a block or MTEXT parts open is
/// read through: the chunk then ends at a later boundary, and the second thread's reads of the chunks in
/// between are never adopted.
pub(super) struct ChunkStop {
    boundaries: Arc<[SplitPoint]>,
    /// The boundary that would end this chunk next.
    next: usize,
    /// This chunk's number (for [`Shared::drops`]).
    pub chunk: usize,
    pub shared: Arc<Shared>,
    /// Where it stopped: the boundary, and the position its head tag names (line or byte offset).
    pub stopped: Option<(usize, u64)>,
    /// The first thread took this chunk over: the read is dropped.
    pub dropped: bool,
}

impl ChunkStop {
    pub fn new(boundaries: Arc<[SplitPoint]>, chunk: usize, shared: Arc<Shared>) -> ChunkStop {
        ChunkStop { boundaries, next: chunk, chunk, shared, stopped: None, dropped: false }
    }

    /// At a record head whose value is at address `at`, with the builder's state `clean` or not: whether
    /// the chunk ends here (then [`ChunkStop::stopped`] says where) or is dropped.
    #[inline]
    pub fn ends_at(&mut self, at: usize, head_at: u64, clean: bool) -> bool {
        while let Some(b) = self.boundaries.get(self.next) {
            if at < b.value_at {
                break;
            }
            if at == b.value_at && clean {
                self.stopped = Some((self.next, head_at));
                return true;
            }
            self.next += 1;
        }
        self.dropped = self.shared.drops(self.chunk);
        self.dropped
    }
}

thread_local! {
    /// Split reads on this thread that adopted the second thread's chunks (the first thread of a split
    /// read is the caller's).
    static ADOPTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
thread_local! {
    /// Tests: split reads on this thread have one chunk boundary, at this byte, instead of the heads
    /// [`find_split`] finds.
    pub(super) static FORCED: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The boundary for a head found at or after `target`, or in tests the forced one: a point at an
/// arbitrary byte, whose value address no record head has, so no thread meets it exactly.
pub(super) fn split_point(bytes: &[u8], target: usize, binary: bool, wide_codes: bool) -> Option<SplitPoint> {
    #[cfg(test)]
    if let Some(pos) = FORCED.with(std::cell::Cell::get) {
        return Some(SplitPoint { pos, value_at: bytes.as_ptr().addr() + pos });
    }
    find_split(bytes, target, binary, wide_codes)
}

/// Counts a split read on this thread in which the first thread adopted chunks the second read.
pub(super) fn count_adopted() {
    ADOPTED.with(|n| n.set(n.get() + 1));
}

/// Split reads called from this thread so far in which the first thread adopted chunks the second read:
/// lets the tests and the benchmark check that a split read really shared the work (one that did not
/// reads the same).
pub fn shared_reads() -> u64 {
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
    fn chunks_begin_at_heads_in_order_and_number_at_most_sixty_four() {
        let mut text = b"  0\nSECTION\n  2\nENTITIES\n".to_vec();
        for i in 0..1000 {
            text.extend_from_slice(format!("  0\nLINE\n  8\nL{i}\n 10\n0.0\n").as_bytes());
        }
        let here = 27;
        let all = chunk_boundaries(&text, here, text.len() - here, 1, false, false);
        // Each boundary is the first head at or after its target, and the next target is a step past it.
        assert_eq!(all.len(), 62);
        assert!(all.windows(2).all(|w| w[0].pos < w[1].pos));
        assert!(all.iter().all(|b| text[b.pos..].starts_with(b"  0\nLINE\n")));
        // Chunks of at least a quarter of the rest: three boundaries.
        let rest = text.len() - here;
        assert_eq!(chunk_boundaries(&text, here, rest, rest / 4, false, false).len(), 3);
        assert!(chunk_boundaries(&text, here, rest, rest, false, false).is_empty());
    }

    #[test]
    fn the_second_thread_takes_chunks_from_the_end_until_the_first_is_there() {
        let shared = Shared::new(5);
        assert_eq!(shared.claim_for_second(), Some(4));
        assert_eq!(shared.claim_for_second(), Some(3));
        // The first thread goes into chunk 2 (the second had not taken it): the second stops there, and
        // drops chunk 3 only if the first goes on into it.
        shared.first_enters(2);
        assert_eq!(shared.claim_for_second(), None);
        assert!(!shared.drops(3));
        shared.first_enters(3);
        assert!(shared.drops(3) && !shared.drops(4));
        shared.cancel.store(true, Ordering::Relaxed);
        assert!(shared.drops(4));
    }

    #[test]
    fn a_chunk_ends_at_the_first_boundary_met_exactly_with_nothing_open() {
        let at = |v: usize| SplitPoint { pos: v, value_at: v };
        let boundaries: Arc<[SplitPoint]> = vec![at(100), at(200), at(300)].into();
        let shared = Arc::new(Shared::new(4));
        // Chunk 1 runs from boundary 0 to boundary 1.
        let mut stop = ChunkStop::new(Arc::clone(&boundaries), 1, Arc::clone(&shared));
        assert!(!stop.ends_at(150, 7, true));
        // Met with a block open: read through; passed (a head inside a value): read through.
        assert!(!stop.ends_at(200, 9, false));
        assert!(!stop.ends_at(301, 11, true));
        assert_eq!((stop.stopped, stop.dropped), (None, false));
        let mut stop = ChunkStop::new(Arc::clone(&boundaries), 1, Arc::clone(&shared));
        assert!(stop.ends_at(200, 9, true));
        assert_eq!(stop.stopped, Some((1, 9)));
        // The first thread took the chunk over: dropped at the next record.
        let mut stop = ChunkStop::new(boundaries, 2, Arc::clone(&shared));
        shared.first_enters(2);
        assert!(stop.ends_at(250, 10, true));
        assert_eq!((stop.stopped, stop.dropped), (None, true));
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
