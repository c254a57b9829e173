"""Issue 29, finding 12: the smaller ones, each as the operator or the postmaster meets it.

Spreadsheet formulas in CSV exports, files that hold addresses readable by other users, a round-1
journal migrated without its copy, full-width digits and invisible characters, dates at the ends of
the calendar, a declaration nested 100,000 deep, a full disk under the log, a Parquet list column.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from station.abroad.customs import is_vague
from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.model.events import EventKind
from station.model.inputs import parse_cents
from tests.cli_runner import Ran, run_station
from tests.station.test_migrations import round1_database

ITEM = "EE123456785US"


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, home=home)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _accept(home: Path, *extra: str, to: str = "Bo Lee|2 Elm St|San Francisco CA 94105") -> Ran:
    return station(
        home, "accept", "--tracking", ITEM, "--weight", "500g", "--from-zip", "10001", "--to-zip", "94105",
        "--to", to, *extra,
    )  # fmt: skip


def test_a_formula_typed_into_a_field_is_written_as_text_and_read_back_as_typed(tmp_path: Path) -> None:
    with Station.open(tmp_path / "station.sqlite3", StationConfig(station_id="SFO01")) as s:
        desk = ScanDesk(s)
        assert desk.record(ITEM, EventKind.ACCEPTANCE, facility='=HYPERLINK("x")', operator="@SUM(1)").ok
    out = tmp_path / "out.csv"
    done = station(tmp_path, "export", "events", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["facility"] == '\'=HYPERLINK("x")' and rows[0]["operator"] == "'@SUM(1)"
    for row in rows:
        assert not any(str(cell).startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
    assert _mode(out) == 0o600  # the export holds who did what where: the owner's alone
    other = tmp_path / "other"
    other.mkdir()
    renamed = out.read_text(encoding="utf-8").replace(",SFO01,", ",OLD01,")
    (other / "in.csv").write_text(renamed, encoding="utf-8")
    back = station(other, "import", "events", str(other / "in.csv"))
    assert back.returncode == 0, back.stderr
    with sqlite3.connect(other / "station.sqlite3") as conn:
        assert conn.execute("SELECT facility, operator FROM events").fetchall() == [
            ('=HYPERLINK("x")', "@SUM(1)")
        ]  # read back as typed: the quote was the export's, not the data's


def test_labels_receipts_reports_and_the_demo_sms_log_are_the_owners_alone(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    label, receipt = tmp_path / "label.zpl", tmp_path / "receipt.pdf"
    done = _accept(tmp_path, "--out", str(label), "--receipt", str(receipt), "--phone", "+12065550100")
    assert done.returncode == 0, done.stderr
    assert station(tmp_path, "sms", "worker", "--once", "--gateway", "log:").returncode == 0
    pdf = tmp_path / "till.pdf"
    station(tmp_path, "till", "report", "--pdf", str(pdf))
    sent = next(tmp_path.rglob("sms-sent.jsonl"))
    for path in (label, receipt, pdf, sent):
        assert _mode(path) == 0o600, path


def test_a_round1_journal_is_copied_before_it_is_migrated(tmp_path: Path) -> None:
    path = round1_database(tmp_path / "station.sqlite3")
    with Station.open(path, StationConfig()):
        pass
    copy = tmp_path / "station.sqlite3.schema-0.bak"
    assert copy.exists() and _mode(copy) == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'"
        ).fetchone() == (0,)


def test_full_width_digits_invisible_characters_and_full_width_vague_words(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keyboard's digits"):
        parse_cents("\uff1020.00")  # a full-width zero: 020.00 to Python's Decimal
    assert parse_cents("20.00") == 2000
    assert is_vague("\uff47\uff49\uff46\uff54")  # ｇｉｆｔ is the word gift
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    for hidden in ("Mal\u200dlory", "Mallory \u202eyrollaM"):
        refused = _accept(
            tmp_path, "--out", str(tmp_path / "l.zpl"), to=f"{hidden}|2 Elm St|San Francisco CA 94105"
        )
        assert (
            refused.returncode == 1 and "invisible or direction characters" in refused.stdout + refused.stderr
        )
    paid = station(tmp_path, "meter", "credit", "\uff1020.00")
    assert paid.returncode == 2 and "keyboard's digits" in paid.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("till", "close", "--date", "9999-12-31"),
        ("till", "report", "--date", "0001-01-01"),
        ("export", "events", "out.csv", "--from", "9999-12-31", "--to", "9999-12-31"),
        ("export", "customs", "out.json", "--date", "9999-12-31"),
        ("report", "reconcile", "--day", "9999-12-31"),
    ],
)
def test_a_day_at_the_end_of_the_calendar_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    done = station(tmp_path, *args)
    assert done.returncode == 2, done
    assert "is not" in done.stderr and "1970-01-01 to 2199-12-31" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_declaration_nested_100000_deep_is_refused_in_words(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    nested = tmp_path / "customs.json"
    nested.write_text("[" * 100_000)
    done = station(
        tmp_path, "accept", "--new-s10", "EE", "--weight", "500g", "--from-zip", "10001",
        "--to-country", "DE", "--to", "Anna Schmidt|Hauptstr. 1", "--to-city", "Berlin",
        "--to-postcode", "10115", "--customs", str(nested), "--out", str(tmp_path / "l.zpl"),
        "--from", "Ann Lee|1 Main St|New York NY 10001",
    )  # fmt: skip
    assert done.returncode == 1 and "its JSON nests too deep" in done.stdout + done.stderr
    assert "RecursionError" not in done.stdout + done.stderr


def test_a_full_disk_under_the_log_is_one_warning_not_a_traceback_a_record(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir(mode=0o700)
    (logs / "station.log").symlink_to("/dev/full")  # every write: ENOSPC, as on a full disk
    dead_hub = "host=127.0.0.1 port=9 dbname=hub user=x connect_timeout=1"  # logs a warning a try
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(tmp_path), "sync", "--once", "--hub", dead_hub],
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, "STATION_HOME": ""},
    )  # fmt: skip
    assert done.returncode == 3 and "hub unreachable" in done.stdout, done
    assert "Logging error" not in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("warning: the station log") <= 1


def test_a_parquet_list_column_is_refused_naming_it(tmp_path: Path) -> None:
    table = pa.table(
        {
            "item_id": [ITEM],
            "event": ["EMA"],
            "time": ["2026-11-02T09:00:00+00:00"],
            "facility": [["NEW YORK", "NY"]],  # a list where one value belongs
            "station_id": ["OLD01"],
            "origin_zip": ["10001"],
            "dest_zip": ["94105"],
            "service": ["priority"],
            "operator": ["ana"],
        }
    )
    pq.write_table(table, tmp_path / "in.parquet")
    done = station(tmp_path, "import", "events", str(tmp_path / "in.parquet"))
    assert done.returncode == 1 and "column facility holds list<element: string>, not text" in done.stderr
