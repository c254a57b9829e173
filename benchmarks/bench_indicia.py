"""Indicia verification speed: decode + Ed25519 signature check against the meter key registry.

Target: over 2,000 verifications a second. The baseline in the same run is a bare Ed25519 verify of
the same record (the cryptographic floor).

    python benchmarks/bench_indicia.py [--n 5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, table
from station.migrations import open_database
from station.postage.indicia import IndiciaFields, MeterKeys, decode, sign, verify_signature


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        keys = MeterKeys(open_database(Path(tmp) / "k.sqlite3"), Path(tmp))
        key = keys.private_key("PS000001")
        payloads = [
            sign(
                IndiciaFields(
                    "PS000001", i, date(2026, 11, 23), 895, "PRI", "10001", "94105", f"EE{i:09d}US"
                ),
                key,
            )
            for i in range(args.n)
        ]
        t0 = time.perf_counter()
        for p in payloads:
            verify_signature(p, keys)
        station_s = time.perf_counter() - t0
        public = key.public_key()
        parts = [decode(p) for p in payloads]
        t0 = time.perf_counter()
        for _fields, record, signature in parts:
            public.verify(signature, record)
        bare_s = time.perf_counter() - t0
    rate = args.n / station_s
    print(f"indicia benchmark: {args.n:,} signed indicia; {machine()}")
    print(
        table(
            ["path", "verifications/s", "us each"],
            [
                ["station (decode + registry + verify)", f"{rate:,.0f}", f"{station_s / args.n * 1e6:.0f}"],
                ["bare Ed25519 verify", f"{args.n / bare_s:,.0f}", f"{bare_s / args.n * 1e6:.0f}"],
            ],
        )
    )
    print(f"target > 2,000/s: {'MET' if rate > 2000 else 'NOT MET'}")


if __name__ == "__main__":
    main()
