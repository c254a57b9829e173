"""Decoding real photographs: the station decoder vs plain zxing-cpp vs plain pyzbar, in one run.

Reads ../shared/bench/realphotos (manifest.csv: file, symbology, expected). An image counts as a hit
for a decoder when any code it returns has exactly the expected text. Target: the station decoder
hits every image that either plain engine hits (the union), at no more than 2x plain zxing-cpp's
median time per image. Without its photo set it says so and exits 2 (nothing was measured).

    python benchmarks/bench_decode.py [--photos DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
import zxingcpp

from benchmarks._common import machine, median, percentile, table
from hardware.camera.decoder import decode_frame, zbar_available

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "realphotos"


def plain_zxing(image: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def plain_zbar(image: np.ndarray) -> list[str]:
    from pyzbar import pyzbar

    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return [r.data.decode("utf-8", "replace") for r in pyzbar.decode(gray)]


def station(image: np.ndarray) -> list[str]:
    return [d.text for d in decode_frame(image)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", default=str(DEFAULT))
    args = parser.parse_args()
    root = Path(args.photos)
    manifest = root / "manifest.csv"
    if not manifest.exists():
        # A benchmark without its input measured nothing: it says so and fails, never a quiet pass.
        print(f"bench_decode: no photo set at {root} (its manifest.csv): nothing measured", file=sys.stderr)
        raise SystemExit(2)
    if not zbar_available():
        print(
            "bench_decode: libzbar0 is missing (./dev bench installs it): nothing measured", file=sys.stderr
        )
        raise SystemExit(2)
    with open(manifest, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f)]
    engines: dict[str, Callable[[np.ndarray], list[str]]] = {
        "zxing-cpp": plain_zxing,
        "pyzbar": plain_zbar,
        "station": station,
    }
    hits: dict[str, set[str]] = defaultdict(set)
    times: dict[str, list[float]] = defaultdict(list)
    per_symbology: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        image = cv2.imread(str(root / row["file"]), cv2.IMREAD_COLOR)
        if image is None:
            continue
        totals[row["symbology"]] += 1
        for name, engine in engines.items():
            t0 = time.perf_counter()
            texts = engine(image)
            times[name].append(time.perf_counter() - t0)
            if row["expected"] in texts:
                hits[name].add(row["file"])
                per_symbology[name][row["symbology"]] += 1
    n = sum(totals.values())
    print(f"decode benchmark: {n} real photos from {root}; {machine()}")
    symbologies = sorted(totals)
    head = ["symbology", "images", *engines]
    body = [[s, totals[s], *(per_symbology[e][s] for e in engines)] for s in symbologies]
    body.append(["all", n, *(f"{len(hits[e])} ({len(hits[e]) / n:.1%})" for e in engines)])
    print(table(head, body))
    print()
    print(
        table(
            ["decoder", "median ms", "p95 ms"],
            [[e, f"{median(times[e]) * 1e3:.2f}", f"{percentile(times[e], 95) * 1e3:.2f}"] for e in engines],
        )
    )
    union = hits["zxing-cpp"] | hits["pyzbar"]
    missed = sorted(union - hits["station"])
    ratio = median(times["station"]) / median(times["zxing-cpp"])
    print(
        f"union of plain engines: {len(union)}; station finds {len(hits['station'] & union)} of them"
        f" (+{len(hits['station'] - union)} neither engine found)"
    )
    print(f"missed from the union: {missed[:10]}{' ...' if len(missed) > 10 else ''}")
    print(f"station median / zxing-cpp median: {ratio:.2f} (target <= 2.0)")
    print(f"targets: union {'MET' if not missed else 'NOT MET'}, time {'MET' if ratio <= 2 else 'NOT MET'}")


if __name__ == "__main__":
    main()
