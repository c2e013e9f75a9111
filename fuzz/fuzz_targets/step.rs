//! The STEP reader's Part 21 side on arbitrary bytes: lexer, parser, entity graph (references, cycles),
//! units, product tree and colours (`formats::step::read_structure`, everything but meshing — the kernel's
//! per-face work would make single inputs exceed the 1 s timeout and is covered by its own tests). Any input
//! must give a document or a typed error, never a panic, a hang or an allocation beyond libFuzzer's limits
//! (`-timeout=1 -rss_limit_mb=1024`, see `seed.sh`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cadlens::formats::step::read_structure(data);
});
