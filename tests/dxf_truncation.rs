//! Every corpus DXF cut short at 1 %, 2 %, … 99 % of its length is refused with a `DxfError` that names a
//! line (ASCII) or a byte offset (binary), and never panics. A cut that still holds the complete `0 EOF`
//! (files with bytes after EOF) may succeed, and must then read exactly what the whole file reads.
//!
//! Work is capped so the suite stays quick in debug builds: files up to 64 KiB get all 99 cuts, files up
//! to 1 MiB every 5th percent, larger ones every 15th percent (and 99 %).

mod common;

use cadlens::formats::dxf;

fn cut_points(len: usize) -> Vec<usize> {
    let step = if len <= 64 * 1024 {
        1
    } else if len <= 1024 * 1024 {
        5
    } else {
        15
    };
    let mut pcts: Vec<usize> = (1..100).step_by(step).collect();
    if pcts.last() != Some(&99) {
        pcts.push(99);
    }
    pcts.into_iter().map(|p| len * p / 100).collect()
}

fn model_count(doc: &cadlens::model::Document) -> usize {
    doc.sheets.first().map_or(0, |s| s.entities.len())
}

#[test]
fn truncated_dxf_is_a_positioned_error() {
    let Some(corpus) = common::corpus() else { return };
    let rows = common::manifest(&corpus);
    let (mut files, mut cuts, mut refused, mut complete) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for row in rows.iter().filter(|r| r.format == "dxf") {
        let bytes = std::fs::read(corpus.join(&row.path)).expect("corpus file readable");
        // Files the reader refuses whole (as ezdxf does) have nothing to truncate.
        let Ok(full) = dxf::read(&bytes) else { continue };
        files += 1;
        for cut in cut_points(bytes.len()) {
            cuts += 1;
            match dxf::read(&bytes[..cut]) {
                Err(e) => {
                    refused += 1;
                    let msg = e.to_string();
                    if !(msg.contains("line ") || msg.contains("byte offset ")) {
                        failures.push(format!("{} cut at {cut}: error without a position: {msg}", row.path));
                    }
                }
                Ok(doc) => {
                    complete += 1;
                    if model_count(&doc) != model_count(&full) || doc.blocks.len() != full.blocks.len() {
                        failures.push(format!("{} cut at {cut}: read succeeded with different content", row.path));
                    }
                }
            }
        }
    }
    eprintln!(
        "DXF truncation: {files} files, {cuts} cuts; {refused} refused with a positioned error, {complete} still \
         complete (bytes after 0 EOF)"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(files > 0, "no DXF in the corpus manifest");
}

/// The tokenizer thread of large reads changes nothing: every corpus DXF, whole and cut at every 10 %,
/// reads to the same document or the same first error with the tokenizer on a second thread as in one.
#[test]
fn the_pipelined_reader_matches_the_sequential_one() {
    let Some(corpus) = common::corpus() else { return };
    let rows = common::manifest(&corpus);
    let (mut checked, mut failures) = (0, Vec::new());
    for row in rows.iter().filter(|r| r.format == "dxf") {
        let bytes = std::fs::read(corpus.join(&row.path)).expect("corpus file readable");
        for cut in (1..=10).map(|tenth| bytes.len() * tenth / 10) {
            checked += 1;
            let (piped, sequential) = (dxf::read_pipelined(&bytes[..cut]), dxf::read_sequential(&bytes[..cut]));
            if piped != sequential {
                failures.push(format!("{} cut at {cut}: pipelined and sequential reads differ", row.path));
            }
        }
    }
    assert!(checked > 0 && failures.is_empty(), "{}", failures.join("\n"));
}

/// Reading ENTITIES on two threads changes nothing: every corpus DXF, whole and cut at every 10 %, reads
/// to the same document or the same first error split as in one thread, with the first thread waiting for
/// the second's chunks and racing it. And the work is really shared: every whole file with five
/// model-space entities or more takes over chunks the second thread read (a split given up would pass
/// the comparison trivially), but binary files with 1-byte group codes (before R13), where no record head
/// can be told from value bytes.
#[test]
fn the_split_reader_matches_the_sequential_one() {
    let Some(corpus) = common::corpus() else { return };
    let rows = common::manifest(&corpus);
    let (mut checked, mut failures) = (0, Vec::new());
    let (mut eligible, mut whole_split, mut missed) = (0, 0, Vec::new());
    for row in rows.iter().filter(|r| r.format == "dxf") {
        let bytes = std::fs::read(corpus.join(&row.path)).expect("corpus file readable");
        for cut in (1..=10).map(|tenth| bytes.len() * tenth / 10) {
            checked += 1;
            let before = dxf::shared_reads();
            let (split, sequential) = (dxf::read_split(&bytes[..cut]), dxf::read_sequential(&bytes[..cut]));
            let narrow_binary =
                bytes.starts_with(dxf::tokenizer::BINARY_SENTINEL) && !dxf::tokenizer::binary_uses_wide_codes(&bytes);
            let entities = sequential.as_ref().map_or(0, |d| d.sheets[0].entities.len());
            if cut == bytes.len() && entities >= 5 && !narrow_binary {
                eligible += 1;
                if dxf::shared_reads() > before {
                    whole_split += 1;
                } else {
                    missed.push(row.path.clone());
                }
            }
            // Also compared by their debug text: a NaN computed from odd geometry is not equal to itself,
            // but prints the same.
            let racing = dxf::read_split_racing(&bytes[..cut]);
            for (how, read) in [("split", &split), ("racing split", &racing)] {
                if *read != sequential && format!("{read:?}") != format!("{sequential:?}") {
                    failures.push(format!("{} cut at {cut}: {how} and sequential reads differ", row.path));
                }
            }
        }
    }
    eprintln!(
        "DXF split read: {checked} reads compared; {whole_split} of {eligible} whole files shared between threads"
    );
    assert!(checked > 0 && failures.is_empty(), "{}", failures.join("\n"));
    assert!(eligible > 50 && missed.is_empty(), "not shared between threads: {missed:?}");
}
