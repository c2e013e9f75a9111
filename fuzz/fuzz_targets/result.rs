//! What every consumer does after a read must terminate too: the result document walks extents through
//! insert expansion (cycles, deep nesting, huge MINSERT arrays) for whatever the DXF reader accepted.
#![no_main]

use cadlens::result::{ResultContext, Schema, to_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = cadlens::formats::dxf::read(data) {
        let _ = to_value(&doc, Schema::V2, &ResultContext::default());
    }
});
