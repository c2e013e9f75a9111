//! The whole STEP reader, meshing included (`formats::step::read`: what `cadlens parse` runs), on arbitrary
//! bytes. The `step` target covers the Part 21 side at millions of inputs per hour; this one is slower per
//! input (the kernel meshes every face a mutated file still describes) and is run with a longer timeout
//! (`seed.sh` gives it 10 s: the per-face budgets of `tessellate` bound one face's work, a face's worth of
//! triangles under AddressSanitizer can take seconds). Any input must give a document or a typed error,
//! never a panic, a hang or an allocation beyond libFuzzer's limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cadlens::formats::step::read(data);
});
