//! The STL reader on arbitrary bytes: any input must give a document or a typed error, never a panic, a
//! hang or an allocation beyond libFuzzer's limits (`-timeout=1 -rss_limit_mb=1024`, see `seed.sh`); a
//! declared facet count far beyond the bytes present must not size any allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cadlens::formats::stl::read(data);
});
