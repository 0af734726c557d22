#!/usr/bin/env python3
"""Generate content/airports.csv from the `airportsdata` PyPI package (MIT).

Usage (from anywhere; output path is resolved relative to the repo root):

    pip install airportsdata==20260905
    python3 content/tools/generate_airports.py

Output: content/airports.csv with header
    iata,icao,name,city,country,tz,lat,lon
One row per airport with a 3-letter upper-case IATA code and a non-empty
IANA time zone, sorted by IATA code; lat/lon rounded to 4 decimals.
UTF-8, "\\n" line endings, csv.QUOTE_MINIMAL quoting.
"""

import csv
import re
import sys
from importlib.metadata import version
from pathlib import Path

import airportsdata

EXPECTED_VERSION = "20260905"
REPO_ROOT = Path(__file__).resolve().parents[2]
OUT = REPO_ROOT / "content" / "airports.csv"
IATA_RE = re.compile(r"^[A-Z]{3}$")


def coord(value) -> float:
    r = round(float(value), 4)
    return 0.0 if r == 0 else r  # avoid "-0.0"


def main() -> int:
    installed = version("airportsdata")
    if installed != EXPECTED_VERSION:
        print(
            f"warning: airportsdata {installed} installed, "
            f"{EXPECTED_VERSION} expected; update content/airports.LICENSE.md",
            file=sys.stderr,
        )

    airports = airportsdata.load("IATA")
    rows = []
    for code, a in airports.items():
        iata = a["iata"]
        tz = (a["tz"] or "").strip()
        if not IATA_RE.match(iata) or code != iata or not tz:
            continue
        rows.append(
            [iata, a["icao"], a["name"], a["city"], a["country"], tz,
             coord(a["lat"]), coord(a["lon"])]
        )
    rows.sort(key=lambda r: r[0])

    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(["iata", "icao", "name", "city", "country", "tz", "lat", "lon"])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
