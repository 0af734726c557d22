#!/usr/bin/env python3
"""The statistics aggregation in DuckDB, for comparison with Sightline's
(`crates/app/examples/stats_bench.rs` writes the same rows as CSV).

Usage: python3 bench/stats_duckdb.py [DIR]   (default /tmp/sightline-stats-bench)

Times, as the median of 7 runs after one warm-up, the same aggregations the
statistics page needs over the last 12 months (2025-12 .. 2026-11 plus the current
month 2026-12, as the page's window): reports and escalated reports by month, by
route region and by sign (splitting each report's signs), and certificates not
revoked by month, course and role — from the raw rows, once from CSV and once from
Parquet (converted first, not timed), in one process on all cores DuckDB sees.
"""
import statistics
import sys
import time

import duckdb

DIR = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sightline-stats-bench"
FIRST, LAST = 202601, 202612  # the 12 months ending 2026-12


def queries(reports, certs):
    w = f"stats_month BETWEEN {FIRST} AND {LAST}"
    return [
        f"SELECT stats_month, count(*), sum(escalated) FROM {reports} WHERE {w} GROUP BY 1",
        f"SELECT route_region, count(*), sum(escalated) FROM {reports} WHERE {w} GROUP BY 1",
        f"SELECT s, count(*), sum(escalated) FROM (SELECT unnest(string_split(indicators, ' ')) AS s, escalated "
        f"FROM {reports} WHERE {w}) GROUP BY 1",
        f"SELECT issued_month, course_id, role, count(*) FROM {certs} "
        f"WHERE revoked = 0 AND issued_month BETWEEN {FIRST} AND {LAST} GROUP BY 1, 2, 3",
    ]


def run(con, label, reports, certs):
    qs = queries(reports, certs)
    for q in qs:
        con.execute(q).fetchall()
    times = []
    for _ in range(7):
        t = time.perf_counter()
        rows = [con.execute(q).fetchall() for q in qs]
        times.append(time.perf_counter() - t)
    n = sum(r[1] for r in rows[0])
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"[duckdb {duckdb.__version__}] {label}: median {statistics.median(times) * 1e3:.1f} ms, "
          f"max {max(times) * 1e3:.1f} ms ({n} reports in the window; {threads} threads)")


con = duckdb.connect()
csv_r = f"read_csv('{DIR}/reports.csv', header = true)"
csv_c = f"read_csv('{DIR}/certificates.csv', header = true)"
run(con, "from CSV", csv_r, csv_c)
con.execute(f"COPY (SELECT * FROM {csv_r}) TO '{DIR}/reports.parquet' (FORMAT parquet)")
con.execute(f"COPY (SELECT * FROM {csv_c}) TO '{DIR}/certificates.parquet' (FORMAT parquet)")
run(con, "from Parquet", f"'{DIR}/reports.parquet'", f"'{DIR}/certificates.parquet'")
con.execute(f"CREATE TABLE r AS SELECT * FROM '{DIR}/reports.parquet'")
con.execute(f"CREATE TABLE c AS SELECT * FROM '{DIR}/certificates.parquet'")
run(con, "from its own tables (in memory)", "r", "c")
