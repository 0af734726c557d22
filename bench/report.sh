#!/usr/bin/env bash
# Report benchmarks (issue 4): durable ingest (PUT acknowledged only after commit)
# with 200 concurrent reporters, and the weight of the report page shell.
# Loopback only; bounded runs.   cargo build --release && bench/report.sh [postgres-url]
set -euo pipefail
cd "$(dirname "$0")/.."
port=18992
url=${1:-}
out=$(mktemp -d)
args=(serve --demo --listen "127.0.0.1:$port" --data "$out/data")
[ -n "$url" ] && args+=(--database-url "$url")
target/release/sightline "${args[@]}" >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; rm -rf "$out"' EXIT
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
if [ -n "$url" ]; then engine=postgres; else engine=sqlite; fi
echo "machine: $(nproc) cores; engine: $engine"
export TOKEN=$(target/release/sightline admin create-token --email crew@demo-airline.example --data "$out/data" ${url:+--database-url "$url"})

echo "-- report page shell transferred (gzip): HTML + CSS + JS + icon"
jar="$out/jar"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "email=crew@demo-airline.example" \
  --data-urlencode "password=demo-password-2026" "http://127.0.0.1:$port/login"
total=0
for path in /report /static/style.css /static/report.js /static/notes.svg /sw.js; do
  n=$(curl -s -b "$jar" --compressed -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  echo "$path $n B"; total=$((total + n))
done
echo "total $total B"

echo "-- durable ingest: wrk 2 threads, 200 connections (= concurrent reporters), 15 s"
wrk -t2 -c200 -d15s -s bench/put_report.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|p50|Non-2xx|Socket errors"
