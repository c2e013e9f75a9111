#!/usr/bin/env bash
# Load numbers for `cadlens serve` (issue 9): authenticated GET /v1/jobs/{id} throughput and latency, and one
# ~100 KB corpus DXF uploaded with wait=true, both with wrk against a release build on a temporary store.
#
#   cargo build --release && benches/serve/load.sh [DURATION] [CONNECTIONS]
#
# Needs wrk (apt-get install wrk) and the corpus (../shared/corpus, or CADLENS_CORPUS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin="$root/target/release/cadlens"
corpus=${CADLENS_CORPUS:-$root/../shared/corpus}
dxf="$corpus/dxf/cadquery__tests_testdata_gear.dxf"
duration=${1:-20s}
conns=${2:-32}
tmp=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

export CADLENS_HOME="$tmp/data" CADLENS_MASTER_KEY_FILE="$tmp/master.key"
printf 'a long load-test password' | "$bin" account create load@example.com --password-stdin 2>/dev/null
key=$("$bin" key create --account load@example.com --name load 2>/dev/null)
"$bin" serve --listen 127.0.0.1:0 --rate-limit 1000000000 --ip-rate-limit 1000000000 --max-queued 100000 \
    >"$tmp/out" 2>"$tmp/server.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$tmp/out")
job=$(curl -s -H "Authorization: Bearer $key" -F "file=@$dxf" "$base/v1/parse?wait=true" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
echo "server $base, job $job, $(nproc) cores"

echo "== GET /v1/jobs/{id} (authenticated), $conns connections, $duration"
KEY="$key" wrk -t2 -c"$conns" -d"$duration" --latency -s "$here/auth.lua" "$base/v1/jobs/$job"

echo "== POST /v1/parse?wait=true, $(stat -c %s "$dxf")-byte DXF, 4 connections, $duration"
KEY="$key" FILE="$dxf" wrk -t2 -c4 -d"$duration" --latency --timeout 60s -s "$here/upload.lua" "$base/v1/parse?wait=true"

echo "== POST /v1/parse?wait=true, one connection (latency without queueing), $duration"
KEY="$key" FILE="$dxf" wrk -t1 -c1 -d"$duration" --latency --timeout 60s -s "$here/upload.lua" "$base/v1/parse?wait=true"

echo "== baseline: the same file parsed by the CLI (release, same machine), 5 runs"
for _ in 1 2 3 4 5; do /usr/bin/time -f "%e s" "$bin" parse -q -o "$tmp/cli" "$dxf"; done

rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$server/status")
echo "server after the runs: RSS ${rss} KiB, ${threads} threads"
