#!/usr/bin/env bash
# Durable-ingest benchmark (issue 4): an open-loop load of reports at RATE per second
# from REPORTERS concurrent reporters for SECONDS, on SQLite or PostgreSQL.
#   cargo build --release -p sightline --bins --examples && bench/ingest.sh [postgres-url]
# RATE, REPORTERS, SECONDS_RUN set the load; BIN another build of the server (bench/lib.sh);
# LOAD another generator: the default drives every reporter from one event loop
# (examples/ingest_load_async); target/release/examples/ingest_load is a thread per reporter.
set -euo pipefail
cd "$(dirname "$0")/.."
port=18993
url=${1:-}
rate=${RATE:-1000}; reporters=${REPORTERS:-200}; seconds=${SECONDS_RUN:-15}
. bench/lib.sh
start_demo "$port" "$url"
token=$("$bin" admin create-token --email crew@demo-airline.example "${data_args[@]}")
if [ "$engine" = postgres ]; then echo "engine: postgres"; else echo "engine: sqlite (synchronous=FULL)"; fi
"${LOAD:-target/release/examples/ingest_load_async}" "http://127.0.0.1:$port" "$token" "$rate" "$reporters" "$seconds"
echo "RSS after: $(ps -o rss= -p $pid | awk '{printf "%.1f MB", $1/1024}')"
