//! The STEP reader on arbitrary bytes (Part 21 lexer, parser, entity graph, product tree, B-rep walk and
//! tessellation): any input must give a document or a typed error, never a panic, a hang or an allocation
//! beyond libFuzzer's limits (`-timeout=1 -rss_limit_mb=1024`, see `seed.sh`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cadlens::formats::step::read(data);
});
