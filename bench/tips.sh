#!/usr/bin/env bash
# Public-tip ingest benchmark (issue 12): SENDERS concurrent senders filing tips as fast
# as they can for SECONDS (each: GET /tip, proof-of-work, POST /tip with the receipt's
# Argon2id hash and the commit), on SQLite or PostgreSQL.
#   cargo build --release -p sightline --example tip_load && bench/tips.sh [postgres-url]
set -euo pipefail
cd "$(dirname "$0")/.."
senders=${SENDERS:-64}; seconds=${SECONDS_RUN:-20}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
target/release/examples/tip_load "$senders" "$seconds" ${1:+"$1"}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
