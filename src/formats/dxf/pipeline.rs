//! Tokenizing on a second thread: the tokenizer runs ahead of the document builder and hands it batches of
//! tags through a bounded channel, so a large read costs about max(tokenize, build) instead of their sum.
//!
//! The builder sees exactly the tag sequence a sequential tokenizer would give, and a tokenizer error
//! arrives in that sequence where the sequential reader would have met it, so documents and first errors
//! are the same as without the thread (`tests` below checks both on damaged inputs). Memory in flight is
//! bounded: [`IN_FLIGHT`] batches of [`BATCH`] tags, and emptied batches go back to the tokenizer for reuse.
//! The tokenizer thread, the faster side, also faults in the model's entity storage just ahead of the
//! builder ([`Prefault`]), so the builder does not pay a page fault per fresh page it writes.

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use super::error::{DxfError, Pos};
use super::memory::Prefault;
use super::reader::Body;
use super::tokenizer::{EndPos, Tag, TagSource, Tokens};

/// Tags per batch: large enough that a channel hand-over (~1 µs) is noise, small enough to stay in cache.
const BATCH: usize = 4096;
/// Batches queued between the threads at most.
const IN_FLIGHT: usize = 4;
/// Batches queued for the builder from which the tokenizer thread starts taking the parsing of ASCII
/// reals off the builder: at this depth the builder is the slower side and the tokenizer has time to spare.
const HELP_AT_QUEUED: usize = 2;
/// Inputs below this size are tokenized in place: a thread costs more than it saves on small files.
pub(super) const MIN_PIPELINED_BYTES: usize = 4 << 20;

/// What the tokenizer thread sends.
pub(super) enum Msg<'a> {
    Tags(Vec<Tag<'a>>),
    /// The clean end of the input, and the position end-of-file errors name.
    End(Pos),
    /// The tokenizer's error, after every tag before it.
    Failed(DxfError),
}

/// The tokenizer thread's ends of the two channels: batches out, emptied batches back.
pub(super) struct TokenizerEnds<'a> {
    tx: SyncSender<Msg<'a>>,
    recycled: Receiver<Vec<Tag<'a>>>,
    /// Batches sent and not yet taken by the builder.
    queued: Arc<AtomicUsize>,
    prefault: Option<Prefault>,
}

impl TokenizerEnds<'_> {
    /// Has the tokenizer thread fault in the storage the builder fills with model-space entities as the
    /// builder comes near it ([`Prefault`]).
    pub fn prefault(&mut self, storage: Prefault) {
        self.prefault = Some(storage);
    }
}

/// The tokenizer side: runs over `bytes` until the end, an error, or the builder hanging up.
pub(super) fn produce<'a>(bytes: &'a [u8], ends: TokenizerEnds<'a>) {
    // One loop per encoding, so the per-tag work is not behind a match on the encoding. Binary reals come
    // out of the binary tokenizer decoded already; ASCII ones are parsed here, which balances the two
    // threads (the builder is the slower side).
    match Tokens::new(bytes) {
        Tokens::Ascii(t) => produce_from(t, ends, true),
        Tokens::Binary(t) => produce_from(t, ends, false),
    }
}

/// `parse_reals`: ASCII, whose reals the builder would otherwise parse itself. They are parsed here for
/// a batch only while the builder is behind (batches queue up): which side parses a real changes no value,
/// and so the work of the two threads balances itself, whatever else the machine runs.
fn produce_from<'a, S: TagSource<'a> + EndPos>(mut tokens: S, ends: TokenizerEnds<'a>, parse_reals: bool) {
    let TokenizerEnds { tx, recycled, queued, mut prefault } = ends;
    let mut batch = Vec::with_capacity(BATCH);
    let mut parse = parse_reals;
    loop {
        match tokens.next_tag() {
            Ok(Some(t)) => {
                batch.push(if parse { t.with_number() } else { t });
                if batch.len() == BATCH {
                    if let Some(p) = &mut prefault {
                        p.advance();
                    }
                    let next = match recycled.try_recv() {
                        Ok(mut v) => {
                            v.clear();
                            v
                        }
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => Vec::with_capacity(BATCH),
                    };
                    queued.fetch_add(1, Ordering::Relaxed);
                    if tx.send(Msg::Tags(std::mem::replace(&mut batch, next))).is_err() {
                        return; // the builder is done (it met `0 EOF` or an error of its own)
                    }
                    parse = parse_reals && queued.load(Ordering::Relaxed) >= HELP_AT_QUEUED;
                }
            }
            Ok(None) => {
                let end = tokens.end_pos();
                if !batch.is_empty() {
                    queued.fetch_add(1, Ordering::Relaxed);
                    if tx.send(Msg::Tags(batch)).is_err() {
                        return;
                    }
                }
                let _ = tx.send(Msg::End(end));
                return;
            }
            Err(e) => {
                if !batch.is_empty() {
                    queued.fetch_add(1, Ordering::Relaxed);
                    if tx.send(Msg::Tags(batch)).is_err() {
                        return;
                    }
                }
                let _ = tx.send(Msg::Failed(e));
                return;
            }
        }
    }
}

/// The builder side: the tags of the tokenizer thread, one at a time or up to the next `0` tag.
pub(super) struct PipedTags<'a> {
    rx: Receiver<Msg<'a>>,
    queued: Arc<AtomicUsize>,
    recycle: SyncSender<Vec<Tag<'a>>>,
    /// The batch being read; record bodies inside it share it ([`Body`]) rather than copy their tags.
    current: Rc<Vec<Tag<'a>>>,
    next: usize,
    /// Set once the stream ended: its end position, or the error it ended with (repeated if asked again).
    ended: Option<Result<Pos, DxfError>>,
    binary: bool,
    /// Position for end-of-file errors before the end is known (never used in practice: the builder only
    /// asks after the stream ended).
    start_pos: Pos,
}

impl<'a> PipedTags<'a> {
    /// Both ends of a pipeline over `bytes`; run [`produce`] with the returned ends on another thread.
    pub fn channel(bytes: &'a [u8]) -> (PipedTags<'a>, TokenizerEnds<'a>) {
        let (tx, rx) = sync_channel(IN_FLIGHT);
        let (recycle, recycled) = sync_channel(IN_FLIGHT + 2);
        let queued = Arc::new(AtomicUsize::new(0));
        let probe = Tokens::new(bytes);
        let piped = PipedTags {
            rx,
            queued: Arc::clone(&queued),
            recycle,
            current: Rc::new(Vec::new()),
            next: 0,
            ended: None,
            binary: probe.is_binary(),
            start_pos: probe.end_pos(),
        };
        (piped, TokenizerEnds { tx, recycled, queued, prefault: None })
    }

    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// Moves to the next batch; `Ok(false)` at the clean end.
    fn refill(&mut self) -> Result<bool, DxfError> {
        loop {
            if let Some(end) = &self.ended {
                return end.clone().map(|_| false);
            }
            let msg = match self.rx.recv() {
                Ok(m) => m,
                // The tokenizer never hangs up without a last message; treat it as the end of the input.
                Err(_) => Msg::End(self.start_pos),
            };
            match msg {
                Msg::Tags(v) => {
                    self.queued.fetch_sub(1, Ordering::Relaxed);
                    let old = std::mem::replace(&mut self.current, Rc::new(v));
                    self.next = 0;
                    // A batch a body still shares (the record before a POLYLINE's vertices, say) is
                    // dropped when that body lets go of it; the tokenizer then makes a new one.
                    if let Ok(old) = Rc::try_unwrap(old) {
                        if old.capacity() > 0 {
                            // Best effort: when the tokenizer has enough spare batches this one is dropped.
                            let _ = self.recycle.try_send(old);
                        }
                    }
                    if !self.current.is_empty() {
                        return Ok(true);
                    }
                }
                Msg::End(pos) => self.ended = Some(Ok(pos)),
                Msg::Failed(e) => self.ended = Some(Err(e)),
            }
        }
    }

    #[inline]
    pub fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        if self.next >= self.current.len() && !self.refill()? {
            return Ok(None);
        }
        let t = self.current[self.next];
        self.next += 1;
        Ok(Some(t))
    }

    /// Adds the tags up to the next `0` tag to `body` and puts that tag in `zero` (`None` at the end of the
    /// input). An empty body whose tags all lie in the current batch shares the batch instead of copying
    /// them. The `0` tag is copied from the batch into `zero` rather than returned: a returned tag went
    /// through the stack in pieces the caller then read whole, a stall per record.
    pub fn fill_until_zero(&mut self, body: &mut Body<'a>, zero: &mut Option<Tag<'a>>) -> Result<(), DxfError> {
        if body.is_empty() && self.next < self.current.len() {
            let start = self.next;
            if let Some(i) = self.current[start..].iter().position(|t| t.code == 0) {
                *zero = self.current.get(start + i).copied();
                body.share(&self.current, start, start + i);
                self.next = start + i + 1;
                return Ok(());
            }
        }
        let body = body.owned_mut();
        loop {
            if self.next >= self.current.len() && !self.refill()? {
                *zero = None;
                return Ok(());
            }
            let rest = &self.current[self.next..];
            match rest.iter().position(|t| t.code == 0) {
                Some(i) => {
                    body.extend_from_slice(&rest[..i]);
                    *zero = rest.get(i).copied();
                    self.next += i + 1;
                    return Ok(());
                }
                None => {
                    body.extend_from_slice(rest);
                    self.next = self.current.len();
                }
            }
        }
    }

    /// Where end-of-file errors point: the tokenizer's end position once the stream ended.
    pub fn end_pos(&self) -> Pos {
        match &self.ended {
            Some(Ok(pos)) => *pos,
            _ => self.start_pos,
        }
    }
}
