"""`python -m tests.station.insight.import_memory_worker N FOLDER`: import N rows of history into a new
station in this process and print its peak resident memory (KiB) before and after, as JSON."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.history import HistoryDesk
from station.ids import S10

HEADER = "item_id,event,time,facility,station_id,origin_zip,dest_zip,service,operator\n"


def main(n: int, folder: Path) -> dict[str, int]:
    csv = folder / "history.csv"
    with csv.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(n):
            item = S10.build("CP", 10_000_000 + i // 2, "US").text
            kind = "EMA" if i % 2 == 0 else "EMI"
            when = f"2026-10-{1 + i % 28:02d}T{(i // 28) % 24:02d}:00:00+00:00"
            f.write(f"{item},{kind},{when},NEW YORK NY,OLD01,10001,94105,ground,ana\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Station.open(folder / "station.sqlite3", StationConfig(station_id="NEW01")) as s:
        report = HistoryDesk(s).import_file(csv)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": n, "added": report.added, "before_kib": before, "after_kib": after}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), Path(sys.argv[2]))))
