#!/usr/bin/env bash
# Backup and /metrics benchmark (issue 15): REPORTS sealed reports on SQLite (default
# 1,000,000, written by `demo generate` through the product's group commit); then, with
# the server running under an open-loop ingest load of RATE/s, SCRAPES scrapes of
# /metrics (curl's total time each, a new TCP connection each; also its connect and
# first-byte times) and `sightline backup` (wall time, size).
# METRICS_PORT=P also serves /metrics on 127.0.0.1:P (`--metrics-listen`, its own thread)
# and scrapes it right after each scrape of the main address: two series, same load.
# The load average is printed before and after the scrapes (the machine may be shared).
#   cargo build --release -p sightline --bins --examples && bench/backup_metrics.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=18995; n=${REPORTS:-1000000}; rate=${RATE:-200}; reporters=${REPORTERS:-50}; scrapes=${SCRAPES:-300}
. bench/lib.sh
seeded_demo "$port" "$n"
metrics_args=()
[ -n "${METRICS_PORT:-}" ] && metrics_args=(--metrics-listen "127.0.0.1:$METRICS_PORT")
serve_seeded "$port" --metrics-token bench-metrics-token-0123456789 "${metrics_args[@]}"
load_seconds=$(( scrapes / 10 + 20 ))
target/release/examples/ingest_load "http://127.0.0.1:$port" "$token" "$rate" "$reporters" "$load_seconds" >"$out/load.txt" &
load=$!
sleep 3
echo "load average before the scrapes: $(cut -d' ' -f1-3 /proc/loadavg)"
scrape() { # scrape PORT FILE: one scrape on a new connection; connect, first byte, total (s)
  curl -s -o /dev/null -w '%{time_connect} %{time_starttransfer} %{time_total}\n' \
    -H "Authorization: Bearer bench-metrics-token-0123456789" "http://127.0.0.1:$1/metrics" >>"$2"
}
for _ in $(seq "$scrapes"); do
  scrape "$port" "$out/scrapes.txt"
  [ -n "${METRICS_PORT:-}" ] && scrape "$METRICS_PORT" "$out/scrapes-separate.txt"
  sleep 0.1
done
echo "load average after the scrapes: $(cut -d' ' -f1-3 /proc/loadavg)"
summary() { # summary NAME FILE COLUMN
  awk -v c="$3" '{print $c}' "$2" | sort -n | awk -v name="$1" '{a[NR]=$1} END {printf "%s: %d scrapes, p50 %.2f ms, p90 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n", name, NR, a[int(NR*0.5)]*1000, a[int(NR*0.9)]*1000, a[int(NR*0.95)]*1000, a[int(NR*0.99)]*1000, a[NR]*1000}'
}
summary "/metrics under $rate reports/s" "$out/scrapes.txt" 3
summary "  of which connect" "$out/scrapes.txt" 1
summary "  first byte" "$out/scrapes.txt" 2
if [ -n "${METRICS_PORT:-}" ]; then
  summary "/metrics on --metrics-listen under $rate reports/s" "$out/scrapes-separate.txt" 3
  summary "  of which connect" "$out/scrapes-separate.txt" 1
  summary "  first byte" "$out/scrapes-separate.txt" 2
fi
[ -n "${KEEP_SCRAPES:-}" ] && cp "$out"/scrapes*.txt "$KEEP_SCRAPES"/
curl -s -H "Authorization: Bearer bench-metrics-token-0123456789" "http://127.0.0.1:$port/metrics" | wc -c | sed 's/^/metrics body bytes: /'
t2=$(now)
"$bin" backup --output "$out/backup.db" "${data_args[@]}" | tail -3
t3=$(now)
echo "backup under load: $(echo "$t3 - $t2" | bc) s wall; file $(du -h "$out/backup.db" | cut -f1) ($(stat -c %s "$out/backup.db") bytes)"
wait "$load"
cat "$out/load.txt"
