//! Records and sections: groups the tag stream at `0` tags and walks `SECTION … ENDSEC` up to `0 EOF`.

use std::rc::Rc;

use super::error::{DxfError, Pos, excerpt};
use super::pipeline::PipedTags;
use super::text::{Encoding, decode};
use super::tokenizer::{Tag, Tokens};

/// Where the tags come from: a tokenizer in this thread, or one running ahead on another ([`super::pipeline`]).
pub(super) enum Source<'a> {
    Direct(Tokens<'a>),
    Piped(PipedTags<'a>),
}

impl<'a> Source<'a> {
    #[inline]
    fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        match self {
            Source::Direct(t) => t.next_tag(),
            Source::Piped(p) => p.next_tag(),
        }
    }

    fn fill_until_zero(&mut self, body: &mut Body<'a>, zero: &mut Option<Tag<'a>>) -> Result<(), DxfError> {
        match self {
            Source::Direct(t) => t.fill_until_zero(body.owned_mut(), zero),
            Source::Piped(p) => p.fill_until_zero(body, zero),
        }
    }

    fn end_pos(&self) -> Pos {
        match self {
            Source::Direct(t) => t.end_pos(),
            Source::Piped(p) => p.end_pos(),
        }
    }

    fn is_binary(&self) -> bool {
        match self {
            Source::Direct(t) => t.is_binary(),
            Source::Piped(p) => p.is_binary(),
        }
    }
}

/// The tags of one record body. In a pipelined read a body that lies whole inside one tokenizer batch is
/// that batch and a range of it (shared, not copied: copying every tag of the file once more cost the
/// builder thread a tenth of its work); a body across two batches, or from a tokenizer in this thread, is
/// copied into `owned`.
#[derive(Debug, Default)]
pub struct Body<'a> {
    shared: Option<(Rc<Vec<Tag<'a>>>, usize, usize)>,
    owned: Vec<Tag<'a>>,
}

impl<'a> Body<'a> {
    pub fn new() -> Body<'a> {
        Body::default()
    }

    /// Empties the body and lets go of a shared batch (so the tokenizer can have it back).
    pub fn clear(&mut self) {
        self.shared = None;
        self.owned.clear();
    }

    /// The body as an owned vector, a shared range copied into it first.
    pub(super) fn owned_mut(&mut self) -> &mut Vec<Tag<'a>> {
        if let Some((batch, start, end)) = self.shared.take() {
            self.owned.clear();
            self.owned.extend_from_slice(batch.get(start..end).unwrap_or_default());
        }
        &mut self.owned
    }

    /// Makes the body `batch[start..end]` without copying (the caller checked the range).
    pub(super) fn share(&mut self, batch: &Rc<Vec<Tag<'a>>>, start: usize, end: usize) {
        self.owned.clear();
        self.shared = Some((Rc::clone(batch), start, end));
    }
}

impl<'a> std::ops::Deref for Body<'a> {
    type Target = [Tag<'a>];

    #[inline]
    fn deref(&self) -> &[Tag<'a>] {
        match &self.shared {
            Some((batch, start, end)) => batch.get(*start..*end).unwrap_or_default(),
            None => &self.owned,
        }
    }
}

/// A pull reader of tags with one tag of lookahead, and the string decoding the header chose.
pub struct Reader<'a> {
    tokens: Source<'a>,
    peeked: Option<Tag<'a>>,
    pub enc: Encoding,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader::from_source(Source::Direct(Tokens::new(bytes)))
    }

    pub(super) fn from_source(tokens: Source<'a>) -> Reader<'a> {
        Reader { tokens, peeked: None, enc: Encoding::Cp1252 }
    }

    pub fn is_binary(&self) -> bool {
        self.tokens.is_binary()
    }

    /// The tokenizer in this thread, if the tags come from one ([`Source::Direct`]).
    pub(super) fn direct(&self) -> Option<&Tokens<'a>> {
        match &self.tokens {
            Source::Direct(t) => Some(t),
            Source::Piped(_) => None,
        }
    }

    /// The tokenizer and the tag read ahead, for another reader to go on with ([`Reader::resume`]).
    pub(super) fn into_direct(self) -> Option<(Tokens<'a>, Option<Tag<'a>>)> {
        match self.tokens {
            Source::Direct(t) => Some((t, self.peeked)),
            Source::Piped(_) => None,
        }
    }

    /// Goes on from where another reader of the same bytes stopped (same encoding).
    pub(super) fn resume(&mut self, tokens: Tokens<'a>, peeked: Option<Tag<'a>>) {
        self.tokens = Source::Direct(tokens);
        self.peeked = peeked;
    }

    #[inline]
    pub fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        match self.peeked.take() {
            Some(t) => Ok(Some(t)),
            None => self.tokens.next_tag(),
        }
    }

    pub fn peek(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        if self.peeked.is_none() {
            self.peeked = self.tokens.next_tag()?;
        }
        Ok(self.peeked)
    }

    /// The next tag, where the file may not end.
    #[inline]
    pub fn next_required(&mut self, expected: &'static str) -> Result<Tag<'a>, DxfError> {
        match self.next_tag()? {
            Some(t) => Ok(t),
            None => Err(self.eof(expected)),
        }
    }

    pub fn eof(&self, expected: &'static str) -> DxfError {
        DxfError::UnexpectedEof { pos: self.tokens.end_pos(), expected }
    }

    /// Collects the body of the record just opened by a `0` tag: every tag up to the next `0` tag (left
    /// unread). The file ending inside a record is structural damage.
    pub fn read_body(&mut self, body: &mut Body<'a>) -> Result<(), DxfError> {
        body.clear();
        if let Some(t) = self.peeked.take() {
            if t.code == 0 {
                self.peeked = Some(t);
                return Ok(());
            }
            body.owned_mut().push(t);
        }
        // The `0` tag goes straight into `peeked`: returned by value, its copy through the caller's stack
        // stalled the builder (a 16-byte load over two narrower stores, which the CPU cannot forward).
        self.tokens.fill_until_zero(body, &mut self.peeked)?;
        match self.peeked {
            Some(_) => Ok(()),
            None => Err(self.eof("a `0` tag closing the record, and `0 EOF`")),
        }
    }

    /// The next record: its `0` tag and body. Stray non-zero tags before it (damage between records) are
    /// skipped and counted in `skipped`.
    ///
    /// Inlined into the section walk: the record's head then reaches it in registers; returned through
    /// memory it was written in pieces and read whole, and that load waited for the stores (a failed store
    /// forward, a quarter of the walk's own time).
    #[inline]
    pub fn next_record(&mut self, body: &mut Body<'a>, skipped: &mut u64) -> Result<Tag<'a>, DxfError> {
        // Let go of the previous body's batch before the next tag may move to a new one: the tokenizer
        // thread reuses a batch only when nothing holds it.
        body.clear();
        loop {
            let t = self.next_required("`0 EOF`")?;
            if t.code == 0 {
                self.read_body(body)?;
                return Ok(t);
            }
            *skipped += 1;
        }
    }

    pub fn string(&self, t: &Tag<'_>) -> String {
        decode(t.raw, self.enc)
    }

    /// A structural value (section or record name) as text for error messages.
    pub fn name_of(t: &Tag<'_>) -> String {
        excerpt(t.trimmed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::dxf::tokenizer::test_tags;

    #[test]
    fn a_shared_body_reads_as_its_range_and_copies_only_when_grown() {
        let batch = Rc::new(test_tags("0\nLINE\n8\nA\n10\n1.5\n0\nCIRCLE\n"));
        let mut body = Body::new();
        body.share(&batch, 1, 3);
        assert_eq!(body.iter().map(|t| t.code).collect::<Vec<_>>(), vec![8, 10]);
        // The batch is held, not copied: two owners.
        assert_eq!(Rc::strong_count(&batch), 2);
        body.owned_mut().push(batch[3]);
        assert_eq!(body.iter().map(|t| t.code).collect::<Vec<_>>(), vec![8, 10, 0]);
        assert_eq!(Rc::strong_count(&batch), 1);
        body.share(&batch, 0, 1);
        body.clear();
        assert!(body.is_empty());
        assert_eq!(Rc::strong_count(&batch), 1);
    }
}
