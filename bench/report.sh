#!/usr/bin/env bash
# Report benchmarks (issue 4): durable ingest (PUT acknowledged only after commit)
# with 200 concurrent reporters, and the weight of the report page shell.
# Loopback only; bounded runs.   cargo build --release && bench/report.sh [postgres-url]
set -euo pipefail
cd "$(dirname "$0")/.."
port=18992
url=${1:-}
. bench/lib.sh
start_demo "$port" "$url"
echo "machine: $(nproc) cores; engine: $engine"
export TOKEN=$(target/release/sightline admin create-token --email crew@demo-airline.example "${data_args[@]}")

echo "-- report page shell transferred (gzip): HTML + CSS + JS + icon"
jar="$out/jar"
sign_in "$jar" crew@demo-airline.example "$port"
total=0
for path in /report /static/style.css /static/report.js /static/notes.svg /sw.js; do
  n=$(curl -s -b "$jar" --compressed -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  echo "$path $n B"; total=$((total + n))
done
echo "total $total B"

echo "-- durable ingest: wrk 2 threads, 200 connections (= concurrent reporters), 15 s"
wrk -t2 -c200 -d15s -s bench/put_report.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|p50|Non-2xx|Socket errors"
