//! `sniff` on damaged input: truncations and byte mutations of real file heads never panic, and every
//! answer is a format or a typed content error (never an I/O error: `sniff` does no I/O).

mod common;

use std::io::Read;
use std::sync::OnceLock;

use cadlens::sniff::{SniffError, sniff};
use proptest::prelude::*;

/// Bytes of each seed's head the mutations work on: the rules look at the first few KiB.
const SEED_HEAD: u64 = 4096;
const CASES: u32 = 10_000;

/// One corpus file per format and flavour (or built-in heads when the corpus is missing), with its size.
fn seeds() -> &'static Vec<(Vec<u8>, u64)> {
    static SEEDS: OnceLock<Vec<(Vec<u8>, u64)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds: Vec<(Vec<u8>, u64)> = builtin_heads().into_iter().map(|h| (h.clone(), h.len() as u64)).collect();
        if let Some(corpus) = common::corpus() {
            let rows = common::manifest(&corpus);
            let mut seen = std::collections::HashSet::new();
            for row in rows {
                // The first file of each (format, version) pair: every rule and version path gets a seed.
                if !seen.insert((row.format.clone(), row.version.clone())) {
                    continue;
                }
                let path = corpus.join(&row.path);
                let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let mut head = Vec::new();
                if let Ok(file) = std::fs::File::open(&path) {
                    let _ = file.take(SEED_HEAD).read_to_end(&mut head);
                }
                seeds.push((head, len));
            }
        }
        seeds
    })
}

fn builtin_heads() -> Vec<Vec<u8>> {
    let mut stl = b"solid binary header".to_vec();
    stl.resize(80, 0);
    stl.extend_from_slice(&2u32.to_le_bytes());
    stl.resize(184, 0);
    vec![
        b"AC1032\0\0\0\0\0\0".to_vec(),
        b"AutoCAD Binary DXF\r\n\x1A\0\0\0SECTION\0\x02\0HEADER\0\x09\0$ACADVER\0\x01\0AC1032\0".to_vec(),
        b"999\nx\n0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1015\n0\nENDSEC\n".to_vec(),
        b"(DWF V06.00)PK\x03\x04".to_vec(),
        b"%PDF-1.7\n".to_vec(),
        b"ISO-10303-21;\nHEADER;\nFILE_NAME('a','b',(''),(''),'','x','');\nFILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\n"
            .to_vec(),
        b"\xC8\x09\xFE\x02\x01\x08".to_vec(),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0".to_vec(),
        b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0a.txt".to_vec(),
        b"solid x\nfacet normal 0 0 1\n".to_vec(),
        stl,
    ]
}

/// The verdict must be a format or a content error.
fn check(head: &[u8], tail: &[u8], total_len: u64) -> Result<(), TestCaseError> {
    match sniff(head, tail, total_len) {
        Ok(found) => prop_assert_eq!(found.bytes, total_len),
        Err(SniffError::Unrecognised { hint }) => prop_assert!(!hint.is_empty()),
        Err(SniffError::Unsupported { format, reason }) => prop_assert!(!format.is_empty() && !reason.is_empty()),
        Err(e @ SniffError::Io(_)) => prop_assert!(false, "sniff does no I/O, yet: {e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_and_truncated_heads_never_panic(
        seed in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        tail_len in 0usize..64,
        claimed_extra in prop_oneof![Just(0u64), 0u64..1_000_000, Just(u64::MAX / 2)],
    ) {
        let seeds = seeds();
        let (head, len) = &seeds[seed.index(seeds.len())];
        let mut bytes = head[..cut.index(head.len() + 1)].to_vec();
        for (at, byte) in &mutations {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
        }
        // The size claimed may disagree with the bytes: sniff trusts neither blindly.
        let total_len = (*len).max(bytes.len() as u64).saturating_add(claimed_extra);
        let tail_start = bytes.len().saturating_sub(tail_len);
        check(&bytes[..tail_start], &bytes[tail_start..], total_len)?;
    }
}

/// Every prefix length of every seed's first 512 bytes, deterministically.
#[test]
fn every_short_truncation_of_every_seed_is_answered() {
    let mut answered = 0usize;
    for (head, len) in seeds() {
        for cut in 0..=head.len().min(512) {
            check(&head[..cut], &[], *len).expect("a typed answer");
            check(&head[..cut], &[], cut as u64).expect("a typed answer");
            answered += 2;
        }
    }
    assert!(answered > 1_000, "only {answered} truncations tried");
}
