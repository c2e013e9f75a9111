#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (git-ignored) with seeds from the shared corpus, read in place, then runs the
# target. Usage: fuzz/seed.sh dxf [extra libFuzzer args]   (needs the nightly toolchain and cargo-fuzz)
set -euo pipefail
cd "$(dirname "$0")"
target="${1:?target name: dxf or sniff}"; shift
corpus="${CADLENS_CORPUS:-$(pwd)/../../shared/corpus}"
mkdir -p "corpus/$target"
case "$target" in
    dxf) find "$corpus/dxf" -type f -size -2M -exec cp -n {} "corpus/$target/" \; ;;
    sniff) find "$corpus" -type f -size -256k ! -name MANIFEST.tsv -exec cp -n {} "corpus/$target/" \; ;;
esac
exec cargo +nightly fuzz run "$target" "corpus/$target" -- -timeout=1 -rss_limit_mb=1024 -malloc_limit_mb=1024 "$@"
