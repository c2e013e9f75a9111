//! The DXF reader on arbitrary bytes: any input must give a document or a typed error, never a panic, a
//! hang or an allocation beyond libFuzzer's limits (`-timeout=1 -rss_limit_mb=1024 -malloc_limit_mb=1024`).
#![no_main]

use cadlens::result::{ResultContext, Schema, to_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = cadlens::formats::dxf::read(data) {
        // What every consumer does next must terminate too: the result document walks extents through
        // insert expansion (cycles, deep nesting, huge arrays).
        let _ = to_value(&doc, Schema::V2, &ResultContext::default());
    }
});
