"""`station postage quote --all` as a shell sees it: one row per service, each the single quote's total."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli_runner import Ran, run_station


def station(*args: str, home: Path) -> Ran:
    return run_station(*args, env={"STATION_HOME": str(home)})


def test_every_service_side_by_side_agrees_with_each_single_quote(tmp_path: Path) -> None:
    where = ("--weight", "2lb 3oz", "--from", "10001", "--to", "94105", "--dims", "30x20x10cm")
    table = station("postage", "quote", "--all", *where, home=tmp_path)
    assert table.returncode == 0, table.stderr
    rows = json.loads(station("postage", "quote", "--all", *where, "--json", home=tmp_path).stdout)
    for row in rows:
        if row["total_cents"] is None:
            assert row["refused"] and row["service"] == "letter"
            continue
        single = station("postage", "quote", *where, "--service", row["service"], home=tmp_path)
        total = re.search(r"TOTAL\s+\$([\d,]+\.\d\d)", single.stdout)
        assert total, single.stdout
        assert round(float(total.group(1).replace(",", "")) * 100) == row["total_cents"], row["service"]
    assert sum(r["cheapest"] for r in rows) == 1 and sum(r["fastest"] for r in rows) >= 1
    cheapest = next(r for r in rows if r["cheapest"])
    assert re.search(rf"{cheapest['name']}\s+\$[\d.]+\s+\w{{3}} \d\d \w{{3}}.*CHEAPEST", table.stdout)
    assert "992 g" in table.stdout  # 2 lb 3 oz, read as a US scale shows it
    bad = station(
        "postage", "quote", "--all", "--weight", "NaN kg", "--from", "10001", "--to", "94105", home=tmp_path
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error: weight") and "Traceback" not in bad.stderr
