#!/usr/bin/env bash
# CPU profile of the server under an open-loop ingest load (issue 16): perf samples the
# server process (not the load generator) while RATE reports/s arrive from REPORTERS.
#   cargo build --release -p sightline --bins --examples && bench/profile_ingest.sh [postgres-url]
#   perf report -i perf-ingest.data --no-children --sort comm,sym --stdio
# RATE (3000), REPORTERS (500), SECONDS_RUN (10), OUT (perf-ingest.data); BIN another build.
set -euo pipefail
cd "$(dirname "$0")/.."
port=18994
url=${1:-}
rate=${RATE:-3000}; reporters=${REPORTERS:-500}; seconds=${SECONDS_RUN:-10}; data=${OUT:-perf-ingest.data}
. bench/lib.sh
start_demo "$port" "$url"
token=$("$bin" admin create-token --email crew@demo-airline.example "${data_args[@]}")
perf record -F 499 -g -p "$pid" -o "$data" -- sleep $((seconds + 1)) 2>/dev/null &
perf_pid=$!
"${LOAD:-target/release/examples/ingest_load_async}" "http://127.0.0.1:$port" "$token" "$rate" "$reporters" "$seconds"
wait "$perf_pid"
echo "profile written to $data"
