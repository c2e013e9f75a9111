#!/usr/bin/env bash
# Builds (once) the Python venv of test-only verifiers listed in .ci/python-requirements.txt and prints the
# path of its interpreter. Idempotent: a venv whose requirements file is unchanged is reused.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${CADLENS_CI_VENV:-$HOME/.cache/cadlens-ci/venv}"
req="$here/python-requirements.txt"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$req" "$stamp"; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
    cp "$req" "$stamp"
fi
echo "$venv/bin/python"
