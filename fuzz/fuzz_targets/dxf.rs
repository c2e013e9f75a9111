//! The DXF reader on arbitrary bytes: any input must give a document or a typed error, never a panic, a
//! hang or an allocation beyond libFuzzer's limits (`-timeout=1 -rss_limit_mb=1024`, see `seed.sh`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cadlens::formats::dxf::read(data);
    // Inputs this small are read in one thread by `read`: the split read is fuzzed on its own, with the
    // first thread waiting for the second's chunks (every hand-over) and racing it.
    let _ = cadlens::formats::dxf::read_split(data);
    let _ = cadlens::formats::dxf::read_split_racing(data);
});
