#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (git-ignored) with seeds from the shared corpus, read in place, then runs the
# target. Usage: fuzz/seed.sh dxf|result|sniff|step|stl [extra libFuzzer args]   (nightly toolchain and cargo-fuzz)
# CADLENS_FUZZ_SANITIZER=none trades AddressSanitizer for ~5x the executions (safe Rust needs it less; the
# RSS limit still catches runaway memory).
set -euo pipefail
cd "$(dirname "$0")"
target="${1:?target name: dxf, result, sniff, step, step_mesh or stl}"; shift
corpus="${CADLENS_CORPUS:-$(pwd)/../../shared/corpus}"
mkdir -p "corpus/$target"
case "$target" in
    dxf|result) find "$corpus/dxf" "$corpus/bad" -type f -size -128k -exec cp -n {} "corpus/$target/" \; ;;
    # The truncated binary of bad/ is the damaged-file seed; larger STLs are left out (32 KiB inputs anyway).
    stl) find "$corpus/stl" "$corpus/bad" -type f -iname '*.stl' -size -128k -exec cp -n {} "corpus/$target/" \; ;;
    # Small STEP parts (B-rep, assemblies, colours) are the seeds; -max_len keeps inputs at 32 KiB.
    step|step_mesh) find "$corpus/step" -type f -size -128k ! -name '*.json' -exec cp -n {} "corpus/$target/" \; ;;
    sniff) find "$corpus" -type f -size -256k ! -name MANIFEST.tsv -exec cp -n {} "corpus/$target/" \; ;;
esac
# Meshing a face may take seconds under AddressSanitizer (its work is bounded per face, not per input).
timeout=1; [ "$target" = step_mesh ] && timeout=10
exec cargo +nightly fuzz run -s "${CADLENS_FUZZ_SANITIZER:-address}" "$target" "corpus/$target" -- -timeout=$timeout -rss_limit_mb=1024 -malloc_limit_mb=1024 -max_len=32768 "$@"
