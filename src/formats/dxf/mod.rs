//! DXF reader (formats.md §1): ASCII and binary DXF, R12 to 2018+, into the common [`Document`].
//!
//! One file per concern: [`tokenizer`] (tags as byte slices), [`text`] (decoding, escapes, MTEXT) with
//! [`codepage`] (single-byte codepage tables),
//! [`reader`] (records grouped at `0` tags), [`document`] (the section walk and sheet assembly),
//! [`header`], [`tables`], [`blocks`] (cycle check), [`entities`], [`objects`]. Structural damage is a
//! [`DxfError`]; damage inside one entity is recorded in the diagnostics and reading resumes at the next
//! `0` tag.

pub mod blocks;
pub mod codepage;
pub mod document;
pub mod entities;
pub mod error;
pub mod header;
mod memory;
pub mod objects;
mod pipeline;
pub mod reader;
mod split;
pub mod tables;
pub mod text;
pub mod tokenizer;

pub use error::{DxfError, Pos};
pub use split::shared_reads;

use crate::model::Document;

/// Reads a whole DXF file (ASCII or binary) into a [`Document`]. A large input whose ENTITIES section
/// is 40 % of it or more has that section read by two threads at once, in chunks ([`split`]); other large
/// inputs are tokenized on a second thread ([`pipeline`]). The document and the first error are the same
/// either way.
pub fn read(bytes: &[u8]) -> Result<Document, DxfError> {
    if bytes.len() < pipeline::MIN_PIPELINED_BYTES {
        return read_sequential(bytes);
    }
    let span = split::entities_span(bytes);
    if split::entities_dominate(span, bytes.len()) {
        let chunking = split::Chunking {
            min_rest: split::MIN_SPLIT_REST,
            min_chunk: split::MIN_CHUNK,
            meeting: split::Meeting::Race,
        };
        return read_split_from(bytes, chunking, span);
    }
    read_pipelined(bytes)
}

/// [`read`] with the tokenizer on a second thread whatever the input's size (falls back to one thread
/// when no thread can be started).
pub fn read_pipelined(bytes: &[u8]) -> Result<Document, DxfError> {
    check_size(bytes)?;
    std::thread::scope(|scope| {
        let (piped, mut ends) = pipeline::PipedTags::channel(bytes);
        let mut b = document::Builder::with_reader(bytes, reader::Reader::from_source(reader::Source::Piped(piped)));
        // The tokenizer thread, the faster side, faults in the model's entity storage ahead of the builder.
        ends.prefault(b.prefault_model_storage());
        let spawned = std::thread::Builder::new()
            .name("dxf-tokenizer".into())
            .spawn_scoped(scope, move || pipeline::produce(bytes, ends));
        if spawned.is_err() {
            // No thread to be had (resource limits): the same read in this thread.
            drop(b);
            return read_sequential(bytes);
        }
        // Returning drops the builder and with it the receiving end, which stops a tokenizer still running
        // (trailing bytes after `0 EOF`, or an error found by the builder) before the scope joins it.
        b.run()?;
        Ok(b.finish())
    })
}

/// [`read`] with the ENTITIES section read on two threads at once ([`split`]) whatever its size, cut into
/// chunks of any size (so that tests meet many boundaries), the first thread reading only the first chunk
/// and taking over the second thread's reads of all the others where it can (deterministic, the most
/// hand-overs); one thread when no thread can be started or no record head to cut at is found.
pub fn read_split(bytes: &[u8]) -> Result<Document, DxfError> {
    let chunking = split::Chunking { min_rest: 0, min_chunk: 1, meeting: split::Meeting::Wait };
    read_split_from(bytes, chunking, split::entities_span(bytes))
}

/// [`read_split`] with the threads racing as in [`read`]: who reads which chunk depends on timing.
pub fn read_split_racing(bytes: &[u8]) -> Result<Document, DxfError> {
    let chunking = split::Chunking { min_rest: 0, min_chunk: 1, meeting: split::Meeting::Race };
    read_split_from(bytes, chunking, split::entities_span(bytes))
}

/// [`read_split`], splitting ENTITIES (about at `span`) as `chunking` says.
fn read_split_from(
    bytes: &[u8],
    chunking: split::Chunking,
    span: Option<(usize, usize)>,
) -> Result<Document, DxfError> {
    use std::sync::mpsc::channel;
    check_size(bytes)?;
    std::thread::scope(|scope| {
        let (start_tx, start_rx) = channel::<split::SplitStart>();
        let (to_first, from_second) = channel();
        let mut b = document::Builder::new(bytes);
        // The second thread, once it has no chunk left, faults in the model's entity storage ahead of this one.
        let prefault = b.prefault_model_storage();
        let spawned = std::thread::Builder::new().name("dxf-second".into()).spawn_scoped(scope, move || {
            // No start: the first builder read on alone (no ENTITIES, or too little of it).
            if let Ok(start) = start_rx.recv() {
                let out = split::ChunksOut { to_first, prefault: Some(prefault) };
                document::Builder::read_chunks(bytes, start, out);
            }
        });
        if spawned.is_ok() {
            let entities_end = span.map_or(bytes.len(), |(_, end)| end);
            b.offer_split(split::SplitOffer { start: start_tx, from_second, chunking, entities_end });
        }
        // Returning drops the builder and its plan, which stops a second thread still reading.
        b.run()?;
        Ok(b.finish())
    })
}

/// [`read`] in the calling thread only.
pub fn read_sequential(bytes: &[u8]) -> Result<Document, DxfError> {
    check_size(bytes)?;
    let mut b = document::Builder::new(bytes);
    b.run()?;
    Ok(b.finish())
}

/// Refuses inputs beyond [`tokenizer::MAX_INPUT`] bytes, whose positions a tag could not hold.
fn check_size(bytes: &[u8]) -> Result<(), DxfError> {
    if bytes.len() <= tokenizer::MAX_INPUT {
        return Ok(());
    }
    let limit = tokenizer::MAX_INPUT as u64;
    Err(DxfError::TooLarge { pos: Pos::Offset(limit), size: bytes.len() as u64, limit })
}

/// The bare tokenizer pass (benchmark baseline): splits the input into tags, parses every group code and
/// touches every value slice; returns the number of tags.
pub fn scan_tags(bytes: &[u8]) -> Result<u64, DxfError> {
    check_size(bytes)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColourSpec, Geom, LengthUnit, SheetKind, UnitsSource};

    /// Joins `code value` pairs into ASCII DXF lines.
    fn dxf(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut s = String::new();
        for (c, v) in pairs {
            s.push_str(c);
            s.push_str("\r\n");
            s.push_str(v);
            s.push_str("\r\n");
        }
        s.into_bytes()
    }

    fn sample() -> Vec<u8> {
        dxf(&[
            ("999", "hand-written test"),
            ("0", "SECTION"),
            ("2", "HEADER"),
            ("9", "$ACADVER"),
            ("1", "AC1015"),
            ("9", "$DWGCODEPAGE"),
            ("3", "ANSI_1252"),
            ("9", "$INSUNITS"),
            ("70", "4"),
            ("0", "ENDSEC"),
            ("0", "SECTION"),
            ("2", "TABLES"),
            ("0", "TABLE"),
            ("2", "LAYER"),
            ("0", "LAYER"),
            ("2", "Walls"),
            ("70", "4"),
            ("62", "-1"),
            ("6", "CONTINUOUS"),
            ("0", "ENDTAB"),
            ("0", "TABLE"),
            ("2", "BLOCK_RECORD"),
            ("0", "BLOCK_RECORD"),
            ("5", "1F"),
            ("2", "*Paper_Space"),
            ("0", "ENDTAB"),
            ("0", "ENDSEC"),
            ("0", "SECTION"),
            ("2", "BLOCKS"),
            ("0", "BLOCK"),
            ("2", "DOOR"),
            ("70", "2"),
            ("10", "1"),
            ("20", "0"),
            ("0", "LINE"),
            ("8", "0"),
            ("10", "1"),
            ("20", "0"),
            ("11", "2"),
            ("21", "0"),
            ("0", "ATTDEF"),
            ("10", "0"),
            ("20", "0"),
            ("40", "1"),
            ("1", ""),
            ("2", "TAG"),
            ("0", "ENDBLK"),
            ("0", "ENDSEC"),
            ("0", "SECTION"),
            ("2", "ENTITIES"),
            ("0", "POLYLINE"),
            ("8", "Walls"),
            ("66", "1"),
            ("70", "1"),
            ("0", "VERTEX"),
            ("10", "0"),
            ("20", "0"),
            ("42", "1"),
            ("0", "VERTEX"),
            ("10", "2"),
            ("20", "0"),
            ("0", "SEQEND"),
            ("0", "INSERT"),
            ("8", "Walls"),
            ("62", "3"),
            ("66", "1"),
            ("2", "DOOR"),
            ("10", "10"),
            ("20", "5"),
            ("0", "ATTRIB"),
            ("10", "10"),
            ("20", "5"),
            ("40", "1"),
            ("1", "caf\\U+00E9"),
            ("2", "TAG"),
            ("0", "SEQEND"),
            ("0", "CIRCLE"),
            ("67", "1"),
            ("10", "0"),
            ("20", "0"),
            ("40", "5"),
            ("0", "3DSOLID"),
            ("8", "0"),
            ("0", "ENDSEC"),
            ("0", "SECTION"),
            ("2", "OBJECTS"),
            ("0", "LAYOUT"),
            ("100", "AcDbPlotSettings"),
            ("100", "AcDbLayout"),
            ("1", "Sheet A"),
            ("71", "1"),
            ("330", "1F"),
            ("0", "ENDSEC"),
            ("0", "EOF"),
        ])
    }

    #[test]
    fn reads_a_small_drawing_into_the_document() {
        let doc = read(&sample()).expect("the sample reads");
        assert_eq!(doc.source.version.as_deref(), Some("AC1015"));
        assert_eq!(doc.source.release.as_deref(), Some("R2000"));
        assert_eq!(doc.source.producer.as_deref(), Some("hand-written test"));
        assert_eq!(doc.source.encoding.as_deref(), Some("ANSI_1252"));
        assert_eq!(doc.units.length, Some(LengthUnit::Millimetre));
        assert_eq!(doc.units.source, UnitsSource::Header);
        let walls = doc.layer("WALLS").expect("layer names compare case-insensitively");
        assert!(!walls.on && walls.locked && !walls.frozen);
        assert_eq!(walls.aci, 1);
        assert_eq!(doc.sheets.len(), 2);
        assert_eq!((doc.sheets[0].kind, doc.sheets[0].entities.len()), (SheetKind::Model, 3));
        assert_eq!((doc.sheets[1].name.as_str(), doc.sheets[1].entities.len()), ("Sheet A", 1));
        let model = &doc.sheets[0].entities;
        let Geom::Polyline { vertices, closed, .. } = &model[0].geom else { panic!("a polyline") };
        assert!(closed);
        assert_eq!(vertices.len(), 2);
        assert_eq!(vertices[0].bulge, 1.0);
        let Geom::Insert(ins) = &model[1].geom else { panic!("an insert") };
        assert_eq!(model[1].colour, ColourSpec::Aci(3));
        assert_eq!(ins.block, "DOOR");
        assert_eq!((ins.attribs.len(), ins.attribs[0].tag.as_str(), ins.attribs[0].value.as_str()), (1, "TAG", "café"));
        assert_eq!(model[2].kind, "3DSOLID");
        assert_eq!(doc.diagnostics.skipped.get("3DSOLID"), Some(&1));
        assert_eq!(doc.diagnostics.unsupported_3d, 1);
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(doc.blocks[0].base.x, 1.0);
    }

    #[test]
    fn a_file_without_header_is_r12_with_unknown_units() {
        let bytes = dxf(&[
            ("0", "SECTION"),
            ("2", "ENTITIES"),
            ("0", "LINE"),
            ("10", "0"),
            ("20", "0"),
            ("11", "3"),
            ("21", "4"),
            ("0", "ENDSEC"),
            ("0", "EOF"),
        ]);
        let doc = read(&bytes).expect("no HEADER is legal");
        assert_eq!(doc.source.version, None);
        assert_eq!(doc.units.source, UnitsSource::None);
        assert_eq!(doc.units.length, None);
        assert_eq!(doc.sheets[0].entities.len(), 1);
    }

    #[test]
    fn measurement_is_the_units_fallback_for_unitless_drawings() {
        let metric = dxf(&[
            ("0", "SECTION"),
            ("2", "HEADER"),
            ("9", "$INSUNITS"),
            ("70", "0"),
            ("9", "$MEASUREMENT"),
            ("70", "1"),
            ("0", "ENDSEC"),
            ("0", "EOF"),
        ]);
        let doc = read(&metric).expect("reads");
        assert_eq!(doc.units.length, Some(LengthUnit::Millimetre));
        assert_eq!(doc.units.source, UnitsSource::Measurement);
        assert_eq!(doc.units.insunits, Some(0));
    }

    #[test]
    fn structural_damage_is_a_positioned_error() {
        let mut bytes = sample();
        // Without `0 EOF` (and its ENDSEC) the file is truncated.
        bytes.truncate(bytes.len() - "0\r\nENDSEC\r\n0\r\nEOF\r\n".len());
        let e = read(&bytes).unwrap_err();
        assert!(matches!(e, DxfError::UnexpectedEof { pos: Pos::Line(_), .. }), "{e}");
        assert!(e.to_string().contains("line "), "{e}");
        let e = read(b"%PDF-1.7\n1 0 obj\n").unwrap_err();
        assert_eq!(e.pos(), Pos::Line(1));
        let e = read(b"0\nSECTION\n2\nENTITIES\n0\nLINE\n10\n").unwrap_err();
        assert_eq!(e, DxfError::IncompleteTag { pos: Pos::Line(8), code: 10 });
    }

    #[test]
    fn an_unreadable_entity_is_skipped_with_a_diagnostic() {
        let bytes = dxf(&[
            ("0", "SECTION"),
            ("2", "ENTITIES"),
            ("0", "LINE"),
            ("10", "abc"),
            ("0", "POINT"),
            ("10", "1"),
            ("20", "2"),
            ("0", "ENDSEC"),
            ("0", "EOF"),
        ]);
        let doc = read(&bytes).expect("entity damage is recovered");
        assert_eq!(doc.sheets[0].entities.len(), 1);
        assert_eq!(doc.diagnostics.errors.len(), 1);
        assert!(doc.diagnostics.errors[0].starts_with("line 7: LINE"), "{:?}", doc.diagnostics.errors);
    }

    #[test]
    fn scan_counts_tags() {
        assert_eq!(scan_tags(&sample()), Ok(94));
    }

    #[test]
    fn the_pipelined_read_gives_the_same_document_and_first_error() {
        let bytes = sample();
        assert_eq!(read_pipelined(&bytes), read_sequential(&bytes));
        for cut in [1, 17, 100, 350, bytes.len() / 2, bytes.len() - 5] {
            let r = read_pipelined(&bytes[..cut]);
            assert!(r.is_err(), "cut at {cut}");
            assert_eq!(r, read_sequential(&bytes[..cut]), "cut at {cut}");
        }
        // Trailing bytes after `0 EOF`: the builder stops first and the tokenizer thread must not hang.
        let mut long = bytes.clone();
        long.extend(std::iter::repeat_n(b"0\nLINE\n".as_slice(), 20_000).flatten());
        assert_eq!(read_pipelined(&long), read_sequential(&long));
    }

    /// A drawing whose ENTITIES is most of it: LINEs with a POLYLINE, an INSERT with ATTRIBs, an entity
    /// type not read, a spoiled value and a stray tag late in the section (diagnostics with line numbers
    /// from the second half), then OBJECTS.
    fn long_drawing() -> Vec<u8> {
        let mut p: Vec<(String, String)> = Vec::new();
        let mut add = |c: &str, v: &str| p.push((c.to_owned(), v.to_owned()));
        for (c, v) in [("0", "SECTION"), ("2", "HEADER"), ("9", "$ACADVER"), ("1", "AC1032"), ("0", "ENDSEC")] {
            add(c, v);
        }
        for (c, v) in [("0", "SECTION"), ("2", "TABLES"), ("0", "TABLE"), ("2", "LAYER"), ("0", "LAYER")] {
            add(c, v);
        }
        for (c, v) in [("2", "WALLS"), ("62", "3"), ("0", "ENDTAB"), ("0", "ENDSEC")] {
            add(c, v);
        }
        for (c, v) in [("0", "SECTION"), ("2", "BLOCKS"), ("0", "BLOCK"), ("2", "B1"), ("10", "0"), ("20", "0")] {
            add(c, v);
        }
        for (c, v) in [("0", "CIRCLE"), ("10", "0"), ("20", "0"), ("40", "1"), ("0", "ENDBLK"), ("0", "ENDSEC")] {
            add(c, v);
        }
        add("0", "SECTION");
        add("2", "ENTITIES");
        for i in 0..400 {
            let x = format!("{i}.5");
            match i % 97 {
                13 => {
                    for (c, v) in [("0", "POLYLINE"), ("8", "WALLS"), ("66", "1"), ("70", "1")] {
                        add(c, v);
                    }
                    for k in 0..3 {
                        let y = format!("{k}");
                        for (c, v) in [("0", "VERTEX"), ("10", x.as_str()), ("20", y.as_str())] {
                            add(c, v);
                        }
                    }
                    add("0", "SEQEND");
                }
                40 => {
                    for (c, v) in [("0", "INSERT"), ("66", "1"), ("2", "B1"), ("10", x.as_str()), ("20", "0")] {
                        add(c, v);
                    }
                    for (c, v) in [("0", "ATTRIB"), ("1", "A"), ("2", "TAG"), ("10", "0"), ("20", "0")] {
                        add(c, v);
                    }
                    add("0", "SEQEND");
                }
                71 => {
                    for (c, v) in [("0", "WHATEVER_ENTITY"), ("8", "0"), ("10", "1")] {
                        add(c, v);
                    }
                }
                _ if i == 333 => {
                    for (c, v) in [("0", "LINE"), ("8", "WALLS"), ("10", "not a number"), ("20", "0")] {
                        add(c, v);
                    }
                }
                _ => {
                    for (c, v) in [("0", "LINE"), ("8", "WALLS"), ("10", x.as_str()), ("20", "0"), ("11", "1")] {
                        add(c, v);
                    }
                    add("21", "2");
                }
            }
        }
        add("0", "ENDSEC");
        for (c, v) in [("0", "SECTION"), ("2", "OBJECTS"), ("0", "DICTIONARY"), ("5", "C"), ("0", "ENDSEC")] {
            add(c, v);
        }
        add("0", "EOF");
        let pairs: Vec<(&str, &str)> = p.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
        dxf(&pairs)
    }

    #[test]
    fn the_split_read_gives_the_same_document_and_first_error() {
        let bytes = long_drawing();
        let before = shared_reads();
        let whole = read_split(&bytes);
        assert_eq!(shared_reads(), before + 1, "the whole drawing is read on two threads");
        let sequential = read_sequential(&bytes).expect("the drawing reads");
        assert_eq!(whole.as_ref(), Ok(&sequential));
        // Every record is an entity but the spoiled LINE (types not read are kept, without geometry).
        assert_eq!(sequential.sheets[0].entities.len(), 399);
        // The chunks the second thread read join the first thread's entities as runs of storage of their
        // own (one per chunk), not copied.
        // The first thread reads the first chunk only; the drawing's 64 chunks are about 6 records each.
        let runs = |d: &Document| d.sheets[0].entities.runs().iter().map(Vec::len).collect::<Vec<_>>();
        let split_runs = runs(whole.as_ref().expect("the drawing reads"));
        assert!(split_runs.len() > 40, "{split_runs:?}");
        assert!(split_runs[0] < 20, "{split_runs:?}");
        assert_eq!(split_runs.iter().sum::<usize>(), 399);
        assert_eq!(runs(&sequential), [399]);
        // Racing, whoever reads what: the same document, every time.
        for _ in 0..20 {
            assert_eq!(read_split_racing(&bytes).as_ref(), Ok(&sequential));
        }
        assert_eq!(sequential.diagnostics.skipped.get("WHATEVER_ENTITY"), Some(&4));
        // The spoiled value sits in the second half; its line number is the sequential reader's.
        assert_eq!(sequential.diagnostics.errors.len(), 1);
        assert!(sequential.diagnostics.errors[0].contains("LINE: group code 10"), "{:?}", sequential.diagnostics);
        // Cut anywhere, including inside the second half: the same first error (or document).
        let adopted = shared_reads();
        for cut in (1..60).map(|k| bytes.len() * k / 60) {
            let sequential = read_sequential(&bytes[..cut]);
            assert_eq!(read_split(&bytes[..cut]), sequential, "cut at {cut}");
            assert_eq!(read_split_racing(&bytes[..cut]), sequential, "cut at {cut}, racing");
        }
        assert!(shared_reads() > adopted + 10, "most cuts inside ENTITIES or past it are shared between threads");
        // Trailing bytes after `0 EOF` and a record head at the split that the first thread never meets
        // (`0` and a name inside one value line pair): the same reads.
        let mut long = bytes.clone();
        long.extend(std::iter::repeat_n(b"0\nLINE\n".as_slice(), 20_000).flatten());
        assert_eq!(read_split(&long), read_sequential(&long));
    }

    /// ASCII DXF (as [`dxf`] writes it) as binary DXF with 2-byte codes. A real value spelled `@bits:HEX`
    /// is written as those 8 bytes (little-endian `u64`).
    fn to_binary(ascii: &[u8]) -> Vec<u8> {
        use tokenizer::{ValueType, value_type};
        let text = String::from_utf8_lossy(ascii).replace("\r\n", "\n");
        let lines: Vec<&str> = text.lines().collect();
        let mut out = tokenizer::BINARY_SENTINEL.to_vec();
        for pair in lines.chunks(2) {
            let (code, value) = (pair[0].trim().parse::<u16>().expect("a code"), pair[1]);
            out.extend_from_slice(&code.to_le_bytes());
            match value_type(i32::from(code)) {
                ValueType::Double => match value.strip_prefix("@bits:") {
                    Some(hex) => out.extend_from_slice(&u64::from_str_radix(hex, 16).expect("hex").to_le_bytes()),
                    // A spoiled ASCII real becomes infinity, which the binary reader refuses likewise.
                    None => out.extend_from_slice(&value.trim().parse::<f64>().unwrap_or(f64::INFINITY).to_le_bytes()),
                },
                ValueType::Int16 => out.extend_from_slice(&value.trim().parse::<i16>().expect("int").to_le_bytes()),
                ValueType::Int32 => out.extend_from_slice(&value.trim().parse::<i32>().expect("int").to_le_bytes()),
                ValueType::Int64 => out.extend_from_slice(&value.trim().parse::<i64>().expect("int").to_le_bytes()),
                ValueType::Bool => out.push(u8::from(value.trim() != "0")),
                ValueType::Str | ValueType::Chunk => {
                    out.extend_from_slice(value.as_bytes());
                    out.push(0);
                }
            }
        }
        out
    }

    #[test]
    fn binary_split_reads_match_sequential_ones() {
        let bytes = to_binary(&long_drawing());
        let before = shared_reads();
        assert!(read_split(&bytes) == read_sequential(&bytes));
        assert_eq!(shared_reads(), before + 1);
        for cut in (1..30).map(|k| bytes.len() * k / 30) {
            let sequential = read_sequential(&bytes[..cut]);
            assert!(read_split(&bytes[..cut]) == sequential, "cut at {cut}");
            assert!(read_split_racing(&bytes[..cut]) == sequential, "cut at {cut}, racing");
        }
        // The spoiled real (infinity in binary) is refused as in ASCII.
        assert_eq!(read_sequential(&bytes).expect("reads").diagnostics.errors.len(), 1);
    }

    /// A chunk boundary at a byte that is not a record head (as a head found inside a value would be): the
    /// second thread reads from there whatever it makes of it, the first never arrives there exactly, reads
    /// on alone, and ends with the document and first error of one thread.
    #[test]
    fn a_split_the_first_thread_never_meets_is_given_up() {
        let ascii = long_drawing();
        let binary = to_binary(&ascii);
        // Group code starts (never where a value starts): the ` 20` lines, and the binary code 20 tags.
        let code_20 = |bytes: &[u8], pattern: &[u8], skip: usize| -> Vec<usize> {
            let all: Vec<usize> = memchr::memmem::find_iter(bytes, pattern).map(|i| i + skip).collect();
            vec![all[all.len() / 2], all[all.len() * 2 / 3], all[all.len() - 1]]
        };
        let cases = [
            (code_20(&ascii, b"\r\n20\r\n0\r\n", 2), ascii.clone()),
            (code_20(&binary, b"\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00", 0), binary.clone()),
        ];
        for (points, bytes) in cases {
            let before = shared_reads();
            // The last points are past ENTITIES: in OBJECTS, or the last bytes.
            for at in points.into_iter().chain([bytes.len() - 40, bytes.len() - 3]) {
                split::FORCED.with(|f| f.set(Some(at)));
                let (split, sequential) = (read_split(&bytes), read_sequential(&bytes));
                let racing = read_split_racing(&bytes);
                let cut = read_split(&bytes[..bytes.len() - 7]);
                split::FORCED.with(|f| f.set(None));
                assert!(split == sequential, "split at {at}");
                assert!(racing == sequential, "split at {at}, racing");
                assert!(cut == read_sequential(&bytes[..bytes.len() - 7]), "split at {at}, cut");
            }
            assert_eq!(shared_reads(), before);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any damage to a valid file (a byte overwritten, a cut) gives a document or an error, never a panic.
        #[test]
        fn damaged_input_never_panics(pos in 0usize..2000, byte in proptest::prelude::any::<u8>(), cut in 0usize..2000) {
            let mut bytes = sample();
            let n = bytes.len();
            bytes[pos % n] = byte;
            bytes.truncate(n - cut % n);
            let _ = scan_tags(&bytes);
            proptest::prop_assert_eq!(read_pipelined(&bytes), read(&bytes));
            proptest::prop_assert_eq!(read_split(&bytes), read(&bytes));
        }

        /// Damage in a drawing read by two threads: the same document or first error as in one.
        #[test]
        fn damaged_split_reads_match_sequential_ones(pos in 0usize..60_000, byte in proptest::prelude::any::<u8>(), cut in 0usize..60_000) {
            let mut bytes = long_drawing();
            let n = bytes.len();
            bytes[pos % n] = byte;
            bytes.truncate(n - cut % n);
            let sequential = read_sequential(&bytes);
            proptest::prop_assert_eq!(read_split(&bytes), sequential.clone());
            proptest::prop_assert_eq!(read_split_racing(&bytes), sequential);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let mut binary = tokenizer::BINARY_SENTINEL.to_vec();
            binary.extend_from_slice(&bytes);
            let _ = read(&bytes);
            let _ = read(&binary);
        }
    }
}

#[cfg(test)]
mod eof_tests {
    use super::*;

    #[test]
    fn empty_and_eofless_inputs_name_the_missing_line() {
        assert_eq!(read(b""), Err(DxfError::UnexpectedEof { pos: Pos::Line(1), expected: "`0 EOF`" }));
        let e = read(b"0\nSECTION\n2\nENTITIES\n0\nENDSEC\n").unwrap_err();
        let expected = "a `0` tag closing the record, and `0 EOF`";
        assert_eq!(e, DxfError::UnexpectedEof { pos: Pos::Line(7), expected });
        assert_eq!(
            e.to_string(),
            "truncated DXF at line 7: expected a `0` tag closing the record, and `0 EOF`, found the end of the file"
        );
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::*;

    #[test]
    fn a_self_inserting_block_reads_warns_and_measures() {
        let src = "0\nSECTION\n2\nBLOCKS\n0\nBLOCK\n2\nLOOP\n10\n0\n20\n0\n0\nLINE\n10\n0\n20\n0\n11\n1\n21\n1\n\
                   0\nINSERT\n2\nloop\n10\n1\n20\n1\n0\nENDBLK\n0\nENDSEC\n0\nSECTION\n2\nENTITIES\n0\nINSERT\n2\nLOOP\n\
                   10\n0\n20\n0\n70\n1000\n71\n1000\n44\n1\n45\n1\n0\nENDSEC\n0\nEOF\n";
        let doc = read(src.as_bytes()).expect("a cyclic block is valid DXF");
        assert!(doc.diagnostics.warnings.iter().any(|w| w.contains("references itself")), "{:?}", doc.diagnostics);
        // A 1000 × 1000 MINSERT of a self-inserting block: the walk ends (cycle cut, budget) with a finite box.
        let table = doc.block_table();
        let b = crate::model::measure::entity_bbox(&doc.sheets[0].entities[0], &table);
        assert!(b.min_x == 0.0 && b.min_y == 0.0 && b.max_x.is_finite() && b.max_x > 1.0, "{b:?}");
    }
}

#[cfg(test)]
mod clip_tests {
    use super::*;
    use crate::model::{Geom, InsertClip, Point};

    /// The 24 matrix reals of a SPATIAL_FILTER: the inverse insert transform (a translation by −`dx`) and
    /// an identity clip transform, each row by row.
    fn matrices(dx: f64) -> String {
        let rows = [1.0, 0.0, 0.0, -dx, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let mut s: String = rows.iter().map(|v| format!("40\n{v}\n")).collect();
        s.push_str("40\n0\n40\n0\n40\n1\n40\n0\n");
        s
    }

    fn clipped_drawing(frame: i32) -> String {
        format!(
            "0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1027\n9\n$XCLIPFRAME\n280\n{frame}\n0\nENDSEC\n\
             0\nSECTION\n2\nBLOCKS\n0\nBLOCK\n2\nB\n10\n0\n20\n0\n0\nLINE\n10\n0\n20\n0\n11\n10\n21\n0\n0\nENDBLK\n0\nENDSEC\n\
             0\nSECTION\n2\nENTITIES\n\
             0\nINSERT\n5\n2A\n102\n{{ACAD_XDICTIONARY\n360\nA1\n102\n}}\n100\nAcDbEntity\n8\n0\n100\nAcDbBlockReference\n2\nB\n10\n100\n20\n0\n\
             0\nINSERT\n5\n2B\n102\n{{ACAD_XDICTIONARY\n360\nB1\n102\n}}\n100\nAcDbEntity\n8\n0\n100\nAcDbBlockReference\n2\nB\n10\n200\n20\n0\n\
             0\nENDSEC\n0\nSECTION\n2\nOBJECTS\n\
             0\nDICTIONARY\n5\nA1\n100\nAcDbDictionary\n3\nACAD_FILTER\n360\nA2\n\
             0\nDICTIONARY\n5\nA2\n100\nAcDbDictionary\n3\nSPATIAL\n360\nA3\n\
             0\nSPATIAL_FILTER\n5\nA3\n100\nAcDbFilter\n100\nAcDbSpatialFilter\n70\n2\n10\n102\n20\n-1\n10\n105\n20\n6\n\
             210\n0\n220\n0\n230\n1\n11\n0\n21\n0\n31\n0\n71\n1\n72\n0\n73\n0\n{m1}\
             0\nDICTIONARY\n5\nB1\n100\nAcDbDictionary\n3\nACAD_FILTER\n360\nB2\n\
             0\nDICTIONARY\n5\nB2\n100\nAcDbDictionary\n3\nSPATIAL\n360\nB3\n\
             0\nSPATIAL_FILTER\n5\nB3\n102\n{{ACAD_XDICTIONARY\n360\nB4\n102\n}}\n100\nAcDbFilter\n100\nAcDbSpatialFilter\n\
             70\n3\n10\n201\n20\n1\n10\n209\n20\n1\n10\n205\n20\n4\n71\n1\n72\n1\n40\n2.5\n73\n0\n{m2}\
             0\nDICTIONARY\n5\nB4\n100\nAcDbDictionary\n3\nACAD_XREC_ROUNDTRIP\n360\nB5\n\
             0\nXRECORD\n5\nB5\n100\nAcDbXrecord\n280\n1\n102\nACAD_INVERTEDCLIP_ROUNDTRIP\n10\n203\n20\n2\n30\n0\n10\n204\n20\n3\n30\n0\n\
             102\nACAD_INVERTEDCLIP_ROUNDTRIP_COMPARE\n10\n190\n20\n-10\n30\n0\n10\n220\n20\n10\n30\n0\n\
             0\nENDSEC\n0\nEOF\n",
            m1 = matrices(100.0),
            m2 = matrices(200.0),
        )
    }

    fn clip_of(doc: &crate::model::Document, i: usize) -> Option<InsertClip> {
        match &doc.sheets[0].entities[i].geom {
            Geom::Insert(ins) => ins.clip.as_deref().cloned(),
            _ => None,
        }
    }

    #[test]
    fn a_spatial_filter_clips_its_insert_in_block_coordinates() {
        let doc = read(clipped_drawing(2).as_bytes()).expect("reads");
        let c = clip_of(&doc, 0).expect("the first insert is clipped");
        // The rectangle (102, −1)–(105, 6) by its corners, taken into the block by the inverse insert transform.
        let rect = vec![Point::xy(2.0, -1.0), Point::xy(5.0, -1.0), Point::xy(5.0, 6.0), Point::xy(2.0, 6.0)];
        assert_eq!(c.rings, vec![rect.clone()]);
        assert_eq!(c.frame, rect);
        assert_eq!((c.front, c.back), (None, None));
    }

    #[test]
    fn an_inverted_clip_keeps_the_outside_of_its_inner_boundary() {
        let doc = read(clipped_drawing(0).as_bytes()).expect("reads");
        let c = clip_of(&doc, 1).expect("the second insert is clipped");
        // Outer: the box of the compare list; inner: the XRECORD's rectangle, smaller than the triangle.
        let outer =
            vec![Point::xy(-10.0, -10.0), Point::xy(20.0, -10.0), Point::xy(20.0, 10.0), Point::xy(-10.0, 10.0)];
        let inner = vec![Point::xy(3.0, 2.0), Point::xy(4.0, 2.0), Point::xy(4.0, 3.0), Point::xy(3.0, 3.0)];
        assert_eq!(c.rings, vec![outer, inner]);
        // $XCLIPFRAME 0: no frame; the front clipping distance kept.
        assert!(c.frame.is_empty());
        assert_eq!(c.front, Some(2.5));
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    #[test]
    fn an_input_beyond_the_limit_is_refused_before_any_tag() {
        // Zeroed and never written, so the 2 GiB are address space, not memory: only the length is read.
        let huge = vec![0u8; tokenizer::MAX_INPUT + 1];
        let limit = tokenizer::MAX_INPUT as u64;
        let expected = DxfError::TooLarge { pos: Pos::Offset(limit), size: limit + 1, limit };
        assert_eq!(read(&huge).unwrap_err(), expected);
        assert_eq!(read_pipelined(&huge).unwrap_err(), expected);
        assert_eq!(scan_tags(&huge).unwrap_err(), expected);
        assert_eq!(expected.pos(), Pos::Offset(2_147_483_647));
    }
}
