#!/usr/bin/env bash
# The reference pictures of tests/render_likeness.rs: every corpus DXF rendered by ezdxf's drawing add-on
# (../shared/oracles/render_ezdxf.py via .ci/likeness_ezdxf.py) at 1024x768 on white, into target/likeness/ezdxf/
# (PNG per file + results.jsonl). Idempotent: a stamp of the inputs (oracle scripts, pins, corpus file list and
# sizes) skips the work when nothing changed. About 6 CPU-minutes, so 3 minutes on 2 cores, plus the pip install.
#   CADLENS_LIKENESS_VENV  venv to use/create (default ~/.cache/cadlens-likeness/venv)
#   CADLENS_CORPUS         corpus folder (default ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
VENV="${CADLENS_LIKENESS_VENV:-$HOME/.cache/cadlens-likeness/venv}"
CORPUS="${CADLENS_CORPUS:-$ROOT/../shared/corpus}"
ORACLE="$(cd "$CORPUS/../oracles" && pwd)/render_ezdxf.py"
OUT="$ROOT/target/likeness/ezdxf"
JOBS="$(nproc 2>/dev/null || echo 2)"

# ezdxf draws text in a system font it picks for the style's font (arial.ttf and SHX "txt" became DejaVu Sans
# Condensed when the scores were recorded): the same fonts are needed for the same pictures.
fonts_present() {
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf ]
}
if ! fonts_present && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "likeness-setup: installing fonts-dejavu-core fonts-dejavu-extra"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fonts-dejavu-extra >&2 \
        || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fonts-dejavu-extra >&2; }
fi
if ! fonts_present; then
    echo "likeness-setup: DejaVu Sans (Condensed) missing: apt-get install fonts-dejavu-core fonts-dejavu-extra" >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "likeness-setup: creating venv $VENV"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r .ci/likeness-requirements.txt

stamp="$( { sha256sum "$ORACLE" .ci/likeness_ezdxf.py .ci/likeness-requirements.txt | cut -d' ' -f1;
            find "$CORPUS/dxf" -maxdepth 1 -type f -iname '*.dxf' -printf '%f %s\n' | sort; } | sha256sum | cut -d' ' -f1)"
if [ -f "$OUT/STAMP" ] && [ "$(cat "$OUT/STAMP")" = "$stamp" ] && [ -f "$OUT/results.jsonl" ]; then
    echo "likeness-setup: ezdxf renders up to date in $OUT"
    exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"
started=$(date +%s)
find "$CORPUS/dxf" -maxdepth 1 -type f -iname '*.dxf' -print0 | sort -z |
    xargs -0 -P "$JOBS" -I{} sh -c 'timeout 900 "$1" .ci/likeness_ezdxf.py "$2" "$3" "$4/$(basename "$3").png" --size 1024x768 \
        || echo "{\"file\": \"$3\", \"error\": \"likeness_ezdxf.py failed or timed out\"}"' \
        _ "$VENV/bin/python" "$ORACLE" {} "$OUT" > "$OUT/results.part" 2> "$OUT/stderr.log"
mv "$OUT/results.part" "$OUT/results.jsonl"
echo "$stamp" > "$OUT/STAMP"
echo "likeness-setup: $(wc -l < "$OUT/results.jsonl") files rendered by ezdxf in $(( $(date +%s) - started ))s"
