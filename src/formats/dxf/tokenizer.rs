//! The group-code tokenizer: splits ASCII or binary DXF into (code, value) tags without copying.
//!
//! Values stay byte slices of the input; numbers and strings are decoded only when a reader asks
//! ([`Tag::f64`], [`Tag::int`], and [`super::text`] for strings). ASCII positions are line numbers of the
//! group code line; binary positions are byte offsets of the tag's first byte.

use super::error::{DxfError, Pos, excerpt};

/// The 22-byte sentinel that opens every binary DXF.
pub const BINARY_SENTINEL: &[u8; 22] = b"AutoCAD Binary DXF\r\n\x1a\x00";

/// Inputs the tokenizers read at most: 2 GiB − 1 bytes, so that every position (a line number or a byte
/// offset, never more than the input's length) fits the 31 bits a [`Tag`] keeps for it. The readers refuse
/// larger inputs with [`DxfError::TooLarge`] before tokenizing; a tokenizer made directly over a larger
/// input sees only its first `MAX_INPUT` bytes (and reports the cut as a truncation), so a position never
/// wraps. A DXF that size would need several times its size in memory as a model anyway.
pub const MAX_INPUT: usize = (1 << 31) - 1;

/// The bit of [`Tag`]'s `place` that says the tag came from binary DXF.
const BINARY_BIT: u32 = 1 << 31;

/// One group-code/value pair.
///
/// 32 bytes: a large read moves every tag of the file from the tokenizer thread to the builder thread
/// through memory (a 4 M-tag drawing, 4 M tags), and the store of each tag into its batch was most of the
/// tokenizer thread's loop at 40 bytes; so the position and the encoding share one `u32` (`place`).
#[derive(Debug, Clone, Copy)]
pub struct Tag<'a> {
    /// The value as stored: ASCII text without its line end, or the binary value's bytes (strings without
    /// their NUL, numbers little-endian).
    pub raw: &'a [u8],
    /// The value of a floating-point code already decoded: by the binary tokenizer (the bytes are the
    /// value), or for ASCII by the tokenizer thread of a pipelined read ([`Tag::with_number`]); NaN when
    /// nobody decoded it.
    pub num: f64,
    pub code: i32,
    /// Line of the group code (ASCII) or byte offset of the tag (binary) in the low 31 bits (inputs are at
    /// most [`MAX_INPUT`] bytes); [`BINARY_BIT`] set for binary DXF.
    place: u32,
}

/// Tags are equal when they say the same thing; `num` is only a cache of what `raw` says.
impl PartialEq for Tag<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && self.raw == other.raw && self.place == other.place
    }
}

/// How a group code's value is stored in binary DXF (and how it should be read in ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Str,
    Double,
    Int16,
    Int32,
    Int64,
    Bool,
    Chunk,
}

/// The value type of a group code, by the ranges of the DXF reference.
pub fn value_type(code: i32) -> ValueType {
    match code {
        10..=59 | 110..=149 | 210..=239 | 460..=469 | 1010..=1059 => ValueType::Double,
        60..=79 | 170..=179 | 270..=289 | 370..=389 | 400..=409 | 1060..=1070 => ValueType::Int16,
        90..=99 | 420..=429 | 440..=459 | 1071 => ValueType::Int32,
        160..=169 => ValueType::Int64,
        290..=299 => ValueType::Bool,
        310..=319 | 1004 => ValueType::Chunk,
        _ => ValueType::Str,
    }
}

impl<'a> Tag<'a> {
    pub fn pos(&self) -> Pos {
        if self.is_binary() { Pos::Offset(self.at()) } else { Pos::Line(self.at()) }
    }

    /// Line of the group code (ASCII) or byte offset of the tag (binary).
    #[inline]
    pub fn at(&self) -> u64 {
        u64::from(self.place & !BINARY_BIT)
    }

    /// Whether the tag came from binary DXF (its value bytes are typed by code range, not text).
    #[inline]
    pub fn is_binary(&self) -> bool {
        self.place & BINARY_BIT != 0
    }

    /// The value with surrounding blanks removed (ASCII); binary values as they are.
    pub fn trimmed(&self) -> &'a [u8] {
        if self.is_binary() { self.raw } else { self.raw.trim_ascii() }
    }

    /// Is this the structural tag `code value` (e.g. `0 SECTION`)? Compares without surrounding blanks.
    pub fn is(&self, code: i32, value: &[u8]) -> bool {
        self.code == code && self.trimmed() == value
    }

    /// A tag as read, nothing parsed yet. `at` is below 2^31 (the tokenizers read at most [`MAX_INPUT`]
    /// bytes); a larger one would lose its top bit.
    #[inline]
    pub fn new(code: i32, raw: &'a [u8], at: u32, binary: bool) -> Tag<'a> {
        debug_assert!(at & BINARY_BIT == 0, "tag position {at} beyond MAX_INPUT");
        let place = (at & !BINARY_BIT) | if binary { BINARY_BIT } else { 0 };
        Tag { raw, num: f64::NAN, code, place }
    }

    /// The tag with its floating-point value decoded now (a no-op for other codes): the tokenizer thread
    /// of a pipelined read takes this work (ASCII parsing, and the code-range lookup of binary values) off
    /// the builder thread. A value that decodes to NaN stays undecoded and is decoded again when asked.
    #[inline]
    pub fn with_number(mut self) -> Tag<'a> {
        if value_type(self.code) == ValueType::Double {
            let v = if self.is_binary() { le_f64(self.raw) } else { parse_f64(self.raw.trim_ascii()) };
            self.num = v.unwrap_or(f64::NAN);
        }
        self
    }

    /// A floating-point value; integers are widened. `None` when the text is not a number, and for a
    /// binary real that is NaN or infinite (as the ASCII reader refuses such text: no drawing stores one,
    /// and one would poison every extent and metric computed from it).
    #[inline]
    pub fn f64(&self) -> Option<f64> {
        if self.num.is_finite() {
            return Some(self.num);
        }
        if self.is_binary() {
            return match value_type(self.code) {
                ValueType::Double => le_f64(self.raw).filter(|v| v.is_finite()),
                _ => le_int(self.raw).map(|v| v as f64),
            };
        }
        parse_f64(self.raw.trim_ascii())
    }

    /// An integer value; ASCII numbers written as floats (`1.0`, as some writers do) are truncated.
    pub fn int(&self) -> Option<i64> {
        if self.is_binary() {
            return match value_type(self.code) {
                ValueType::Double => le_f64(self.raw).and_then(float_to_int),
                _ => le_int(self.raw),
            };
        }
        let t = self.raw.trim_ascii();
        parse_i64(t).or_else(|| parse_f64(t).and_then(float_to_int))
    }
}

fn float_to_int(v: f64) -> Option<i64> {
    (v.is_finite() && v.abs() < 9.0e18).then_some(v as i64)
}

fn le_f64(raw: &[u8]) -> Option<f64> {
    let bytes: [u8; 8] = raw.try_into().ok()?;
    Some(f64::from_le_bytes(bytes))
}

fn le_int(raw: &[u8]) -> Option<i64> {
    Some(match raw.len() {
        1 => i64::from(raw[0]),
        2 => i64::from(i16::from_le_bytes([raw[0], raw[1]])),
        4 => i64::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
        8 => i64::from_le_bytes(raw.try_into().ok()?),
        _ => return None,
    })
}

/// Parses a decimal integer with an optional sign.
pub fn parse_i64(t: &[u8]) -> Option<i64> {
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    Some(if neg { -v } else { v })
}

/// The largest integer below which every integer is an exact `f64`.
const MAX_EXACT_MANTISSA: u64 = 1 << 53;

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Parses a decimal number. Plain `[-]digits[.digits]` with a mantissa of at most 2^53 takes an exact fast
/// path (integer mantissa ÷ exact power of ten is correctly rounded); everything else goes to the standard
/// library's parser.
pub fn parse_f64(t: &[u8]) -> Option<f64> {
    let (neg, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if let Some(v) = parse_plain(body) {
        return Some(if neg { -v } else { v });
    }
    let s = std::str::from_utf8(t).ok()?;
    let v: f64 = s.parse().ok()?;
    // "inf"/"nan" spelled out are not DXF numbers.
    v.is_finite().then_some(v)
}

/// `digits[.digits]` (at least one digit, at most 19 digits in all so the mantissa cannot overflow), when
/// Clinger's fast path applies: a mantissa of at most 2^53 and a power of ten of at most 10^22 are both
/// exact doubles, so one IEEE division rounds correctly. That covers the 16 significant digits AutoCAD
/// writes for most values (a 16-digit mantissa below 9007199254740992).
#[inline]
fn parse_plain(body: &[u8]) -> Option<f64> {
    let (mut mantissa, int_end) = digits(body, 0, 0);
    let (mantissa_all, end, frac_digits) = match body.get(int_end) {
        Some(b'.') => {
            let (m, end) = digits(body, int_end + 1, mantissa);
            (m, end, end - int_end - 1)
        }
        _ => (mantissa, int_end, 0),
    };
    mantissa = mantissa_all;
    let total_digits = int_end + frac_digits;
    if end != body.len() || total_digits == 0 || total_digits > 19 || frac_digits >= POW10.len() {
        return None;
    }
    (mantissa <= MAX_EXACT_MANTISSA).then(|| mantissa as f64 / POW10[frac_digits])
}

/// Accumulates the decimal digits of `s` from `i` onto `acc`; returns it and the index after the digits.
/// Eight digits at a time where it can (values are mostly 4–16 digits). Wraps on overflow: the caller
/// rejects more than 19 digits.
#[inline]
fn digits(s: &[u8], mut i: usize, mut acc: u64) -> (u64, usize) {
    while let Some(chunk) = s.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let v = u64::from_le_bytes(w);
        if !all_digits(v) {
            break;
        }
        acc = acc.wrapping_mul(100_000_000).wrapping_add(eight_digits(v));
        i += 8;
    }
    while let Some(&b) = s.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        acc = acc.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        i += 1;
    }
    (acc, i)
}

/// Whether all eight bytes of `v` (little-endian) are ASCII digits.
#[inline]
fn all_digits(v: u64) -> bool {
    // High nibble 3 in every byte, and adding 6 to the low nibble does not carry into the high one.
    (v & 0xF0F0_F0F0_F0F0_F0F0) | (((v.wrapping_add(0x0606_0606_0606_0606)) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
        == 0x3333_3333_3333_3333
}

/// The value of eight ASCII digits (first digit in the lowest byte), by pairwise combining.
#[inline]
fn eight_digits(v: u64) -> u64 {
    let v = v & 0x0F0F_0F0F_0F0F_0F0F;
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    (v.wrapping_mul(10_000) + (v >> 32)) & 0xFFFF_FFFF
}

/// A source of tags (implemented by both tokenizers, so hot loops can be monomorphised per encoding).
pub trait TagSource<'a> {
    fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError>;
}

impl<'a> TagSource<'a> for AsciiTokens<'a> {
    #[inline]
    fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        AsciiTokens::next_tag(self)
    }
}

/// The loops over a source (the tokenizer thread's batches, a record body) get the binary tokenizer
/// inlined, so each tag goes from registers straight into its vector. Called, it returns the tag through
/// memory written field by field, and the loop's 16-byte copy of it into the vector stalled on those
/// narrower stores (store forwarding fails): that stall was most of the tokenizer thread's loop.
impl<'a> TagSource<'a> for BinaryTokens<'a> {
    #[inline(always)]
    fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        self.read_tag()
    }
}

/// Pushes tags onto `body` up to the next `0` tag, which is put in `zero` (`None` at the end of the input).
/// (An out-parameter rather than a returned tag, as in [`super::pipeline::PipedTags::fill_until_zero`].)
#[inline]
pub fn fill_until_zero<'a, S: TagSource<'a>>(
    src: &mut S,
    body: &mut Vec<Tag<'a>>,
    zero: &mut Option<Tag<'a>>,
) -> Result<(), DxfError> {
    while let Some(t) = src.next_tag()? {
        if t.code == 0 {
            *zero = Some(t);
            return Ok(());
        }
        body.push(t);
    }
    *zero = None;
    Ok(())
}

/// A tokenizer over ASCII or binary DXF.
pub enum Tokens<'a> {
    Ascii(AsciiTokens<'a>),
    Binary(BinaryTokens<'a>),
}

impl<'a> Tokens<'a> {
    /// Chooses ASCII or binary by the sentinel.
    pub fn new(bytes: &'a [u8]) -> Tokens<'a> {
        if bytes.starts_with(BINARY_SENTINEL) {
            Tokens::Binary(BinaryTokens::new(bytes))
        } else {
            Tokens::Ascii(AsciiTokens::new(bytes))
        }
    }

    /// A tokenizer over `bytes` that starts at byte `pos`, the first byte of a group code, as if it had
    /// read every tag before (ASCII line numbers count on from the line ends before `pos`).
    pub fn resume_at(bytes: &'a [u8], pos: usize) -> Tokens<'a> {
        let lines = if bytes.starts_with(BINARY_SENTINEL) { 0 } else { count_newlines(&bytes[..pos.min(bytes.len())]) };
        Tokens::resume_at_line(bytes, pos, lines)
    }

    /// A tokenizer over `bytes` that starts at byte `pos`, the first byte of a group code, with `lines`
    /// line ends before it (ASCII line numbers go on from there; binary has none).
    pub fn resume_at_line(bytes: &'a [u8], pos: usize, lines: u64) -> Tokens<'a> {
        match Tokens::new(bytes) {
            Tokens::Ascii(mut t) => {
                t.line = lines;
                t.pos = t.pos.max(pos.min(t.data.len()));
                Tokens::Ascii(t)
            }
            Tokens::Binary(mut t) => {
                t.pos = t.pos.max(pos.min(t.data.len()));
                Tokens::Binary(t)
            }
        }
    }

    /// Line ends consumed so far (ASCII; 0 for binary).
    pub fn newlines_before(&self) -> u64 {
        match self {
            Tokens::Ascii(t) => t.line,
            Tokens::Binary(_) => 0,
        }
    }

    /// The byte the next tag starts at.
    pub fn byte_pos(&self) -> usize {
        match self {
            Tokens::Ascii(t) => t.pos,
            Tokens::Binary(t) => t.pos,
        }
    }

    /// Whether binary group codes take two bytes (R13 on); false for ASCII.
    pub fn wide_codes(&self) -> bool {
        matches!(self, Tokens::Binary(t) if t.wide_codes)
    }

    pub fn is_binary(&self) -> bool {
        matches!(self, Tokens::Binary(_))
    }

    /// The next tag; `Ok(None)` at the clean end of the input.
    #[inline]
    pub fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        match self {
            Tokens::Ascii(t) => t.next_tag(),
            Tokens::Binary(t) => t.next_tag(),
        }
    }

    /// [`fill_until_zero`] with the encoding chosen once, not per tag.
    pub fn fill_until_zero(&mut self, body: &mut Vec<Tag<'a>>, zero: &mut Option<Tag<'a>>) -> Result<(), DxfError> {
        match self {
            Tokens::Ascii(t) => fill_until_zero(t, body, zero),
            Tokens::Binary(t) => fill_until_zero(t, body, zero),
        }
    }

    /// Where the tokenizer stands (for end-of-file errors).
    pub fn end_pos(&self) -> Pos {
        match self {
            Tokens::Ascii(t) => t.end_pos(),
            Tokens::Binary(t) => t.end_pos(),
        }
    }
}

/// Where a tokenizer stands (for end-of-file errors).
pub trait EndPos {
    fn end_pos(&self) -> Pos;
}

impl EndPos for AsciiTokens<'_> {
    /// The line that should have come next (line 1 of an empty file).
    fn end_pos(&self) -> Pos {
        Pos::Line(self.line + 1)
    }
}

impl EndPos for BinaryTokens<'_> {
    fn end_pos(&self) -> Pos {
        Pos::Offset(self.pos as u64)
    }
}

/// The first [`MAX_INPUT`] bytes of `bytes` (all of any input the readers accept).
fn within_limit(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(MAX_INPUT)]
}

/// ASCII DXF: line pairs. CR LF or LF line ends, an optional UTF-8 BOM, space-padded codes.
pub struct AsciiTokens<'a> {
    data: &'a [u8],
    pos: usize,
    /// Number of lines consumed so far.
    line: u64,
}

impl<'a> AsciiTokens<'a> {
    pub fn new(bytes: &'a [u8]) -> AsciiTokens<'a> {
        let pos = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        AsciiTokens { data: within_limit(bytes), pos, line: 0 }
    }

    /// The next line without its line end; `None` at the end of the input.
    #[inline]
    fn next_line(&mut self) -> Option<&'a [u8]> {
        let rest = self.data.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let (line, advance) = match find_newline(rest) {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        self.line += 1;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }

    #[inline]
    pub fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        let Some(code_line) = self.next_line() else {
            return Ok(None);
        };
        let at = self.line;
        let Some(code) = parse_code(code_line) else {
            return Err(DxfError::BadGroupCode { pos: Pos::Line(at), found: excerpt(code_line) });
        };
        let Some(raw) = self.next_line() else {
            return Err(DxfError::IncompleteTag { pos: Pos::Line(at + 1), code });
        };
        // A line number is at most the input's length, below 2^31 (`within_limit`).
        Ok(Some(Tag::new(code, raw, at as u32, false)))
    }
}

/// The number of `\n` bytes in `data`: per-lane byte counters over 64-byte blocks, summed every 255
/// blocks (before a counter could wrap). The compiler turns the fixed-size lane loop into vector compares
/// and adds: about 20 GB/s here, against 3 for a filtered count, 5 for eight-byte words, and 2.5 for the
/// same loop over 16 or 32 lanes, which it leaves scalar.
pub fn count_newlines(data: &[u8]) -> u64 {
    const LANES: usize = 64;
    let mut total = 0u64;
    for round in data.chunks(LANES * 255) {
        let mut lanes = [0u8; LANES];
        let blocks = round.chunks_exact(LANES);
        total += blocks.remainder().iter().filter(|&&b| b == b'\n').count() as u64;
        for block in blocks {
            let Ok(block) = <&[u8; LANES]>::try_from(block) else {
                continue;
            };
            for i in 0..LANES {
                lanes[i] = lanes[i].wrapping_add(u8::from(block[i] == b'\n'));
            }
        }
        total += lanes.iter().map(|&n| u64::from(n)).sum::<u64>();
    }
    total
}

/// Position of the first `\n`, eight bytes at a time (the hot loop of every ASCII read).
#[inline]
fn find_newline(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = LO * b'\n' as u64;
    let mut i = 0;
    // Values and codes are short: look at the first bytes one by one before switching to words.
    while i < s.len() && i < 8 {
        if s[i] == b'\n' {
            return Some(i);
        }
        i += 1;
    }
    while i + 8 <= s.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        let x = u64::from_le_bytes(w) ^ NL;
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while i < s.len() {
        if s[i] == b'\n' {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// A group code line: an integer, possibly padded with blanks on either side.
#[inline]
fn parse_code(line: &[u8]) -> Option<i32> {
    let t = line.trim_ascii();
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    let mut v: i32 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i32::from(b - b'0');
    }
    Some(if neg { -v } else { v })
}

/// Binary DXF: the sentinel, then tags with 1-byte codes (before R13; 255 escapes to a 2-byte code) or
/// 2-byte little-endian codes (R13 on), and values typed by code range.
pub struct BinaryTokens<'a> {
    data: &'a [u8],
    pos: usize,
    wide_codes: bool,
}

impl<'a> BinaryTokens<'a> {
    pub fn new(bytes: &'a [u8]) -> BinaryTokens<'a> {
        let data = within_limit(bytes);
        BinaryTokens { data, pos: BINARY_SENTINEL.len(), wide_codes: binary_uses_wide_codes(data) }
    }

    fn truncated(&self, at: usize, code: i32) -> DxfError {
        DxfError::IncompleteTag { pos: Pos::Offset(at as u64), code }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    /// The next tag; `Ok(None)` at the clean end of the input.
    pub fn next_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        self.read_tag()
    }

    /// [`BinaryTokens::next_tag`], inlined where tags are collected ([`TagSource`]).
    #[inline(always)]
    fn read_tag(&mut self) -> Result<Option<Tag<'a>>, DxfError> {
        let at = self.pos;
        if at >= self.data.len() {
            return Ok(None);
        }
        let code = if self.wide_codes {
            let b = self
                .take(2)
                .ok_or(DxfError::UnexpectedEof { pos: Pos::Offset(at as u64), expected: "a 2-byte group code" })?;
            i32::from(u16::from_le_bytes([b[0], b[1]]))
        } else {
            let b = self.take(1).map(|b| b[0]).unwrap_or(0);
            if b == 255 {
                let w = self.take(2).ok_or(DxfError::UnexpectedEof {
                    pos: Pos::Offset(at as u64),
                    expected: "the 2-byte group code after the 255 escape",
                })?;
                i32::from(u16::from_le_bytes([w[0], w[1]]))
            } else {
                i32::from(b)
            }
        };
        let raw = match value_type(code) {
            ValueType::Str => {
                let rest = &self.data[self.pos..];
                let Some(n) = rest.iter().position(|&b| b == 0) else {
                    return Err(self.truncated(at, code));
                };
                let s = &rest[..n];
                self.pos += n + 1;
                s
            }
            ValueType::Double => {
                // The eight bytes are the value: keeping them decoded costs the tokenizer a move and
                // spares every reader of the tag the code-range lookup.
                let raw = self.take(8).ok_or_else(|| self.truncated(at, code))?;
                let mut t = Tag::new(code, raw, at as u32, true);
                t.num = le_f64(raw).unwrap_or(f64::NAN);
                return Ok(Some(t));
            }
            ValueType::Int64 => self.take(8).ok_or_else(|| self.truncated(at, code))?,
            ValueType::Int32 => self.take(4).ok_or_else(|| self.truncated(at, code))?,
            ValueType::Int16 => self.take(2).ok_or_else(|| self.truncated(at, code))?,
            ValueType::Bool => self.take(1).ok_or_else(|| self.truncated(at, code))?,
            ValueType::Chunk => {
                let n = self.take(1).ok_or_else(|| self.truncated(at, code))?[0];
                self.take(usize::from(n)).ok_or_else(|| self.truncated(at, code))?
            }
        };
        // An offset is below the input's length, below 2^31 (`within_limit`).
        Ok(Some(Tag::new(code, raw, at as u32, true)))
    }
}

/// Whether a binary DXF uses 2-byte group codes: decided by the `$ACADVER` value near the start (R13 =
/// AC1012 and later), as ezdxf does; without one, by the layout of the first tag (`0 SECTION` reads
/// `00 00 'S'` with 2-byte codes and `00 'S'` with 1-byte codes).
pub fn binary_uses_wide_codes(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    if let Some(i) = find(head, b"$ACADVER") {
        let after = &head[i + b"$ACADVER".len()..];
        if let Some(j) = find(after, b"AC") {
            let ver = &after[j..after.len().min(j + 6)];
            if ver.len() == 6 {
                return ver >= b"AC1012".as_slice();
            }
        }
    }
    bytes.get(BINARY_SENTINEL.len() + 1) == Some(&0)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The tags of a test snippet of ASCII DXF (leaked so that the tags may outlive the caller's string).
#[cfg(test)]
pub(crate) fn test_tags(src: &str) -> Vec<Tag<'static>> {
    let leaked: &'static str = Box::leak(src.to_owned().into_boxed_str());
    let mut t = Tokens::new(leaked.as_bytes());
    let mut out = Vec::new();
    while let Some(tag) = t.next_tag().expect("test tags are well formed") {
        out.push(tag);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Result<Vec<(i32, Vec<u8>, u64)>, DxfError> {
        let mut t = Tokens::new(bytes);
        let mut out = Vec::new();
        while let Some(tag) = t.next_tag()? {
            out.push((tag.code, tag.raw.to_vec(), tag.at()));
        }
        Ok(out)
    }

    #[test]
    fn ascii_crlf_bom_padding_and_empty_values() {
        let tags = all(b"\xEF\xBB\xBF  0\r\nSECTION\r\n  2\r\nHEADER\r\n  1\r\n\r\n999\r\nmade by hand\r\n").unwrap();
        assert_eq!(tags.len(), 4);
        assert_eq!(tags[0], (0, b"SECTION".to_vec(), 1));
        assert_eq!(tags[1], (2, b"HEADER".to_vec(), 3));
        // An empty line is a value, not a missing one.
        assert_eq!(tags[2], (1, Vec::new(), 5));
        assert_eq!(tags[3], (999, b"made by hand".to_vec(), 7));
    }

    #[test]
    fn ascii_lf_and_trailing_padding_on_codes() {
        let tags = all(b"0 \nLINE\n10\n1.5\n").unwrap();
        assert_eq!(tags[0].0, 0);
        assert_eq!(tags[1], (10, b"1.5".to_vec(), 3));
    }

    #[test]
    fn binary_reals_that_are_not_finite_are_not_numbers() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let bytes = binary(true, &[(10, &v.to_le_bytes())]);
            let tag = Tokens::new(&bytes).next_tag().expect("a tag").expect("a tag");
            assert_eq!(tag.f64(), None, "{v}");
        }
        let bytes = binary(true, &[(10, &2.5f64.to_le_bytes())]);
        assert_eq!(Tokens::new(&bytes).next_tag().expect("a tag").expect("a tag").f64(), Some(2.5));
    }

    #[test]
    fn newlines_are_counted_across_rounds_and_tails() {
        let mut data = Vec::new();
        for i in 0..20_000u32 {
            data.extend_from_slice(if i % 7 == 0 { b"ab\n" } else { b"x" });
        }
        let expected = data.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(expected, 2858);
        assert_eq!(count_newlines(&data), expected);
        // A whole round of line ends brings every lane counter to 255, its most; then a tail.
        assert_eq!(count_newlines(&[b'\n'; 255 * 64 + 5]), 255 * 64 + 5);
        assert_eq!(count_newlines(b""), 0);
    }

    #[test]
    fn resuming_gives_the_tags_and_lines_of_a_full_read() {
        let text = b"  0\r\nSECTION\r\n  2\r\nENTITIES\r\n  0\r\nLINE\r\n 10\r\n1\r\n";
        let mut all = Tokens::new(text);
        let mut tags = Vec::new();
        while let Some(t) = all.next_tag().expect("valid") {
            tags.push((t.code, t.raw.to_vec(), t.at()));
        }
        let at = text.windows(4).position(|w| w == b"LINE").expect("LINE") - 5;
        let mut resumed = Tokens::resume_at(text, at);
        let first = resumed.next_tag().expect("valid").expect("a tag");
        assert_eq!((first.code, first.raw.to_vec(), first.at()), tags[2]);
        assert_eq!(first.at(), 5);
    }

    #[test]
    fn ascii_errors_name_the_line() {
        let e = all(b"0\nSECTION\nabc\nx\n").unwrap_err();
        assert_eq!(e.pos(), Pos::Line(3));
        assert!(e.to_string().contains("line 3"), "{e}");
        let e = all(b"0\nSECTION\n2\n").unwrap_err();
        assert_eq!(e, DxfError::IncompleteTag { pos: Pos::Line(4), code: 2 });
    }

    #[test]
    fn numbers_parse_fast_and_exactly() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-0.1"), Some(-0.1));
        assert_eq!(parse_f64(b"123456.789"), Some(123456.789));
        assert_eq!(parse_f64(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64(b"1.0E-20"), Some(1e-20));
        assert_eq!(parse_f64(b"0.12345678901234567"), Some(0.123_456_789_012_345_67));
        // 16 significant digits, as AutoCAD writes them: the fast path must agree with the exact parse.
        for text in ["1234.567890123457", "8999.999999999999", "-0.1000000000000001", "9007.199254740992"] {
            assert_eq!(parse_f64(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
        // Above 2^53 the slow, exact path takes over.
        assert_eq!(parse_f64(b"9999.999999999999"), Some(9_999.999_999_999_999));
        // Eight digits at a time, with every split of the digits around the point.
        for text in ["12345678", "123456789.5", "0.1234567812345678", "87654321.12345678", "-00000001.00000002"] {
            assert_eq!(parse_f64(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
        assert_eq!(parse_f64(b"1234567/"), None);
        assert_eq!(parse_f64(b"12345678:"), None);
        assert_eq!(parse_f64(b"1."), Some(1.0));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        assert_eq!(parse_f64(b"-"), None);
        assert_eq!(parse_f64(b""), None);
        assert_eq!(parse_f64(b"."), None);
        assert_eq!(parse_f64(b"abc"), None);
        assert_eq!(parse_f64(b"nan"), None);
        let t = Tag::new(70, b"  1.0", 1, false);
        // Only real-valued codes are parsed ahead (70 is an integer code).
        assert!(t.with_number().num.is_nan());
        assert_eq!(Tag::new(40, b"  1.0", 1, false).with_number().num, 1.0);
        assert_eq!(Tag::new(10, b"x", 1, false).with_number().f64(), None);
        assert_eq!(Tag::new(10, b" 2.5", 1, false).with_number().f64(), Some(2.5));
        let bytes = 2.5f64.to_le_bytes();
        assert_eq!(Tag::new(10, &bytes, 30, true).with_number().num, 2.5);
        assert_eq!(t.int(), Some(1));
    }

    fn binary(wide: bool, tags: &[(i32, &[u8])]) -> Vec<u8> {
        let mut v = BINARY_SENTINEL.to_vec();
        for (code, val) in tags {
            if wide {
                v.extend_from_slice(&(*code as u16).to_le_bytes());
            } else if *code >= 255 {
                v.push(255);
                v.extend_from_slice(&(*code as u16).to_le_bytes());
            } else {
                v.push(*code as u8);
            }
            v.extend_from_slice(val);
        }
        v
    }

    #[test]
    fn binary_r13_two_byte_codes_and_typed_values() {
        let bytes = binary(
            true,
            &[
                (0, b"SECTION\0"),
                (2, b"HEADER\0"),
                (9, b"$ACADVER\0"),
                (1, b"AC1015\0"),
                (10, &2.5f64.to_le_bytes()),
                (70, &(-3i16).to_le_bytes()),
                (90, &70000i32.to_le_bytes()),
                (290, &[1]),
                (310, &[3, 0xAA, 0xBB, 0xCC]),
            ],
        );
        let mut t = Tokens::new(&bytes);
        assert!(t.is_binary());
        let mut got = Vec::new();
        while let Some(tag) = t.next_tag().unwrap() {
            got.push(tag);
        }
        assert_eq!(got.len(), 9);
        assert_eq!(got[0].at(), 22);
        assert!(got[1].is(2, b"HEADER"));
        assert_eq!(got[4].f64(), Some(2.5));
        assert_eq!(got[5].int(), Some(-3));
        assert_eq!(got[6].int(), Some(70000));
        assert_eq!(got[7].int(), Some(1));
        assert_eq!(got[8].raw, &[0xAA, 0xBB, 0xCC]);
    }

    #[test]
    fn binary_r12_one_byte_codes_with_escape() {
        let bytes = binary(
            false,
            &[(0, b"SECTION\0"), (2, b"HEADER\0"), (9, b"$ACADVER\0"), (1, b"AC1009\0"), (1071, &5i32.to_le_bytes())],
        );
        assert!(!binary_uses_wide_codes(&bytes));
        let tags = all(&bytes).unwrap();
        assert_eq!(tags[4].0, 1071);
        assert_eq!(tags[4].1, 5i32.to_le_bytes().to_vec());
    }

    #[test]
    fn a_tag_is_32_bytes_and_keeps_its_position_and_encoding() {
        // The size is what the tokenizer thread stores per tag (see `Tag`): held here.
        assert_eq!(size_of::<Tag<'_>>(), 32);
        let last = (MAX_INPUT) as u32;
        let t = Tag::new(10, b"1", last, true);
        assert_eq!((t.at(), t.is_binary(), t.pos()), (u64::from(last), true, Pos::Offset(u64::from(last))));
        let t = Tag::new(10, b"1", 7, false);
        assert_eq!((t.at(), t.is_binary(), t.pos()), (7, false, Pos::Line(7)));
        assert_ne!(Tag::new(1, b"x", 7, true), Tag::new(1, b"x", 7, false));
    }

    #[test]
    fn binary_truncation_names_the_byte_offset() {
        let mut bytes = binary(true, &[(0, b"SECTION\0"), (10, &1.0f64.to_le_bytes())]);
        bytes.truncate(bytes.len() - 3);
        let e = all(&bytes).unwrap_err();
        assert_eq!(e, DxfError::IncompleteTag { pos: Pos::Offset(32), code: 10 });
        assert!(e.to_string().contains("byte offset 32"));
    }
}
