//! The sniffer on arbitrary bytes: a format or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cadlens::sniff::sniff_bytes(data);
});
