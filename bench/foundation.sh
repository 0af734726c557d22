#!/usr/bin/env bash
# Foundation benchmarks (issue 2): cold start to /healthz, idle RSS, /healthz
# throughput. Loopback only; every run is bounded. Needs a release build and wrk.
#   cargo build --release && bench/foundation.sh [postgres://…]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/sightline
port=18990
url=${1:-}
out=$(mktemp -d)
args=(serve --listen "127.0.0.1:$port" --data "$out/data")
[ -n "$url" ] && args+=(--database-url "$url")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r)"
if [ -n "$url" ]; then echo "engine: postgres"; else echo "engine: sqlite"; fi

echo "-- cold start to first /healthz 200 (fresh data dir each run, migrations applied)"
for i in 1 2 3 4 5; do
  rm -rf "$out/data"
  start=$(date +%s%N)
  "$bin" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.005; done
  end=$(date +%s%N)
  echo "run $i: $(( (end - start) / 1000000 )) ms"
  kill -TERM $pid; wait $pid || true
done

echo "-- idle RSS after 5 s"
"$bin" "${args[@]}" >/dev/null 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
sleep 5
echo "RSS: $(ps -o rss= -p $pid | awk '{printf "%.1f MB", $1/1024}')"

echo "-- /healthz throughput: wrk 2 threads, 64 connections, 10 s (wrk shares the 2 cores)"
wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|Latency|50%|99%"
echo "RSS after load: $(ps -o rss= -p $pid | awk '{printf "%.1f MB", $1/1024}')"
kill -TERM $pid; wait $pid || true
rm -rf "$out"
