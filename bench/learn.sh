#!/usr/bin/env bash
# Learn benchmarks (issue 3): lesson page weight, lesson page latency under load,
# certificate PDF time and size. Loopback only; bounded runs.
#   cargo build --release -p sightline -p sightline-web --examples --bins && bench/learn.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18991
. bench/lib.sh
start_demo "$port"
lesson="/learn/public/lessons/01-what-trafficking-is?cl=fi"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"

echo "-- lesson page transferred (gzip), HTML + CSS"
html=$(curl -s --compressed -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$lesson")
css=$(curl -s --compressed -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/static/style.css")
raw=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$lesson")
echo "HTML ${html} B (uncompressed ${raw} B), CSS ${css} B, total $((html + css)) B"

echo "-- lesson page under saturating load: wrk 1 thread, 4 connections, 10 s"
wrk -t1 -c4 -d10s --latency "http://127.0.0.1:$port$lesson" | grep -E "Requests/sec|50%|90%|99%"
echo "-- lesson page, gzip, 1 thread, 4 connections, 10 s"
wrk -t1 -c4 -d10s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$lesson" | grep -E "Requests/sec|50%|99%"

echo "-- signed-in cabin-crew lesson (session lookup + progress query), 1 thread, 4 connections, 10 s"
jar="$out/jar"
sign_in "$jar" crew@demo-airline.example "$port"
session=$(awk '$6 == "sl_session" {print $7}' "$jar")
staff="/learn/cabin-crew/lessons/01-what-trafficking-is?cl=fi"
test "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sl_session=$session" "http://127.0.0.1:$port$staff")" = 200
wrk -t1 -c4 -d10s --latency -H "Cookie: sl_session=$session" "http://127.0.0.1:$port$staff" | grep -E "Requests/sec|50%|99%"

echo "-- certificate PDF"
target/release/examples/certificate_bench
