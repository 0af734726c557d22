#!/usr/bin/env bash
# Key rotation benchmark (issue 15, item 2): REPORTS sealed reports on SQLite (default
# 1,000,000, written by `demo generate` through the product's group commit), then
# `keys rotate` under the running server while an open-loop ingest load of RATE/s runs
# for LOAD_SECONDS; a 15 s baseline of the same load first.
#   cargo build --release -p sightline --bins --examples && bench/rotate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18994; n=${REPORTS:-1000000}; rate=${RATE:-200}; reporters=${REPORTERS:-50}; load_seconds=${LOAD_SECONDS:-30}
. bench/lib.sh
seeded_demo "$port" "$n"
serve_seeded "$port"
echo "baseline (no rotation):"
target/release/examples/ingest_load "http://127.0.0.1:$port" "$token" "$rate" "$reporters" 15
echo "during the rotation (the load's first $load_seconds s of it):"
target/release/examples/ingest_load "http://127.0.0.1:$port" "$token" "$rate" "$reporters" "$load_seconds" >"$out/load.txt" &
load=$!
t2=$(now)
"$bin" keys rotate --new-key-file "$out/new.key" --grace-seconds 3 ${ROTATE_ARGS:-} "${data_args[@]}" | grep -v '^  '
t3=$(now)
wait "$load"
cat "$out/load.txt"
echo "rotation: $(echo "$t3 - $t2" | bc) s wall (3 s of it the grace wait)"
grep -c "key ring reloaded" "$out/serve.log" | sed 's/^/server reloads logged: /'
