#!/usr/bin/env bash
# Statistics (issue 13, item 6): Sightline's statistics computation over 1,000,000
# reports and 100,000 learners on SQLite (and PostgreSQL when
# SIGHTLINE_TEST_DATABASE_URL is set), then DuckDB on the same rows from CSV and
# Parquet. Needs `pip install duckdb`.
#   bench/stats.sh [REPORTS] [LEARNERS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=/tmp/sightline-stats-bench
cargo run --release -q -p sightline-app --example stats_bench -- "${1:-1000000}" "${2:-100000}" "$out"
python3 bench/stats_duckdb.py "$out"
