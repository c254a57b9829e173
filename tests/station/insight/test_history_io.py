"""History in and out: every bad row named by its row number, nothing imported twice, an export imported
back adds nothing, Parquet and CSV carry the same rows, and the command answers with exit codes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.history import HistoryDesk, HistoryFileError
from station.desks.track import TrackDesk
from station.insight.exchange import COLUMNS
from tests.cli_runner import Ran, run_station

HEADER = ",".join(COLUMNS)
GOOD = [
    "RR123456785US,EMA,2026-11-02T09:00:00-05:00,NEW YORK NY 10001,LEGACY-1,10001,94105,priority,ana",
    "RR123456785US,dispatch,2026-11-02T18:00:00-05:00,NEW YORK NY P&DC,LEGACY-1,10001,94105,priority,kim",
    "RR123456785US,EMD,2026-11-03T06:00:00-08:00,SAN FRANCISCO CA P&DC,LEGACY-2,10001,94105,priority,lee",
    "RR123456785US,EMH,2026-11-04T11:00:00-08:00,SAN FRANCISCO CA 94105,LEGACY-2,10001,94105,priority,joe",
    "RR123456785US,EMI,2026-11-05T14:00:00Z,SAN FRANCISCO CA 94105,LEGACY-2,10001,94105,priority,joe",
]


def now() -> datetime:
    return datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    with Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="STN-H"), now) as s:
        yield s


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_an_import_journals_each_row_on_its_source_stations_chain_with_the_codes_read(
    station: Station, tmp_path: Path
) -> None:
    report = HistoryDesk(station).import_file(write(tmp_path / "h.csv", *GOOD))
    assert report.ok and report.added == 5 and report.stations == {"LEGACY-1", "LEGACY-2"}
    found = TrackDesk(station).look_up("RR123456785US")
    assert found.report is not None
    kinds = [str(h.event.kind) for h in found.report.history]
    assert kinds == ["acceptance", "dispatch", "arrival", "attempted", "delivered"]
    attempt = found.report.history[3].event
    assert attempt.reason == "UNSPECIFIED" and attempt.occurred_at == datetime(2026, 11, 4, 19, 0, tzinfo=UTC)
    assert found.report.history[0].event.extra["service"] == "priority"
    assert station.journal.verify().ok  # the imported chains verify like any station's


def test_importing_the_same_file_twice_adds_nothing(station: Station, tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", *GOOD, GOOD[0])  # a row repeated inside the file too
    first = HistoryDesk(station).import_file(path)
    second = HistoryDesk(station).import_file(path)
    assert (first.added, first.known) == (5, 1)
    assert (second.added, second.known) == (0, 6)
    assert station.journal.count() == 5


def test_every_bad_row_is_named_by_its_row_and_nothing_is_imported(station: Station, tmp_path: Path) -> None:
    bad = [
        "XX1,EMA,2026-11-02T09:00:00Z,HERE,LEGACY-1,10001,94105,ground,ana",  # row 3: not an id
        "RR123456785US,EMX,2026-11-02T09:00:00Z,HERE,LEGACY-1,10001,94105,ground,ana",  # 4: no such event
        "RR123456785US,EMA,2026-11-02T09:00:00,HERE,LEGACY-1,10001,94105,ground,ana",  # 5: no offset
        "RR123456785US,EMA,2027-06-02T09:00:00Z,HERE,LEGACY-1,10001,94105,ground,ana",  # 6: future
        "RR123456785US,EMA,2026-11-02T09:00:00Z,HERE,STN-H,10001,94105,ground,ana",  # 7: this station
        "RR123456785US,EMA,2026-11-02T09:00:00Z,HERE,LEGACY-1,1000,94105,ground,ana",  # 8: ZIP
        "RR123456785US,EMA,2026-11-02T09:00:00Z,HERE,LEGACY-1,10001,94105,air,ana",  # 9: service
        "RR123456785US,EMA,NaN,HERE,LEGACY-1,10001,94105,ground,ana",  # 10: NaN time
        "RR123456785US,EMA",  # 11: too short
    ]
    report = HistoryDesk(station).import_file(write(tmp_path / "h.csv", GOOD[0], *bad))
    assert not report.applied and station.journal.count() == 0
    assert [e.line for e in report.errors] == list(range(3, 12))
    words = [e.problem for e in report.errors]
    assert "not an S10" in words[0] and "EMX" in words[1] and "no UTC offset" in words[2]
    assert "future" in words[3] and "this station" in words[4] and "ZIP" in words[5]
    assert "service" in words[6] and "ISO 8601" in words[7] and "fields" in words[8]
    skipped = HistoryDesk(station).import_file(tmp_path / "h.csv", skip_bad=True)
    assert skipped.added == 1 and skipped.error_count == 9


def test_a_file_that_is_not_utf8_is_refused_with_its_line(station: Station, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes((HEADER + "\n" + GOOD[0] + "\n").encode() + b"RR123456785US,EMA,caf\xe9\n")
    with pytest.raises(HistoryFileError, match=r"line 3: not UTF-8 \(byte 0xe9"):
        HistoryDesk(station).import_file(path)
    (tmp_path / "e.csv").write_text("item_id,event\n")
    with pytest.raises(HistoryFileError, match="the header lacks time"):
        HistoryDesk(station).import_file(tmp_path / "e.csv")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_export_has_the_import_shape_and_imports_back_into_a_new_station(
    station: Station, tmp_path: Path, suffix: str
) -> None:
    HistoryDesk(station).import_file(write(tmp_path / "h.csv", *GOOD))
    out = tmp_path / f"out{suffix}"
    exported = HistoryDesk(station).export_file(out)
    assert (exported.rows, exported.items) == (5, 1)
    again = HistoryDesk(station).import_file(out)  # back into the station it came from: all known
    assert (again.added, again.known) == (0, 5)
    with Station.open(tmp_path / "other.sqlite3", StationConfig(station_id="STN-O"), now) as other:
        moved = HistoryDesk(other).import_file(out)
        assert moved.ok and moved.added == 5
        assert HistoryDesk(other).export_file(tmp_path / f"again{suffix}").rows == 5
    if suffix == ".csv":
        first = list(csv.reader(out.open(encoding="utf-8")))
        second = list(csv.reader((tmp_path / "again.csv").open(encoding="utf-8")))
        assert first == second and first[0][: len(COLUMNS)] == list(COLUMNS)


def test_a_sacks_dispatch_is_exported_as_each_items_own_row(station: Station, tmp_path: Path) -> None:
    from station.desks.scan import ScanDesk
    from station.model.events import EventKind

    desk, sack = ScanDesk(station), "00106141411234567897"
    for item in ("RR123456785US", "RR473124829GB"):
        assert desk.record(item, EventKind.ACCEPTANCE, facility="CTR", operator="ana").ok
        assert desk.record(item, EventKind.SORT_IN, facility="DEP", operator="kim", container_id=sack).ok
    assert desk.record(sack, EventKind.SACK_CLOSE, facility="DEP", operator="kim").ok
    assert desk.record(sack, EventKind.DISPATCH, facility="DEP", operator="kim").ok
    HistoryDesk(station).export_file(tmp_path / "o.csv")
    rows = list(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))
    dispatched = sorted(r["item_id"] for r in rows if r["event"] == "dispatch")
    assert dispatched == ["RR123456785US", "RR473124829GB"]
    assert not any(r["item_id"].startswith("1061") for r in rows)  # the sack itself is not an item


def test_the_command_answers_with_exit_codes_and_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"

    def station(*args: str) -> Ran:
        return run_station(*args, home=home)

    good = write(tmp_path / "g.csv", *GOOD)
    done = station("import", "events", str(good))
    assert done.returncode == 0 and "imported 5 events" in done.stdout, done.stderr
    bad = write(tmp_path / "b.csv", GOOD[0].replace("EMA", "EMZ"))
    refused = station("import", "events", str(bad))
    assert refused.returncode == 1 and "row 2: event 'EMZ'" in refused.stderr
    assert "Traceback" not in refused.stderr
    missing = station("import", "events", str(tmp_path / "none.csv"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: cannot read")
    out = station("export", "events", str(tmp_path / "o.csv"), "--from", "2026-11-03", "--to", "2026-11-30")
    assert out.returncode == 0 and "exported 3 events" in out.stdout
    wrong = station("export", "events", str(tmp_path / "o.csv"), "--from", "yesterday")
    assert wrong.returncode == 2 and "is not a day" in wrong.stderr


def test_issue_28_finding_13_imported_rows_never_move_an_item_this_station_holds(
    station: Station, tmp_path: Path
) -> None:
    from station.desks.scan import ScanDesk
    from station.items import containers
    from station.model.events import EventKind
    from station.model.states import ItemStatus

    held = "EE123456785US"
    desk = ScanDesk(station)
    assert desk.record(held, EventKind.ACCEPTANCE, facility="NYC", operator="ana").ok
    assert desk.record(held, EventKind.DISPATCH, facility="NYC", operator="ana").ok
    made_up = f"{held},EMI,2026-11-20T14:00:00Z,NOWHERE,ZZZ-9,10001,94105,priority,eve"  # after both scans
    report = HistoryDesk(station).import_file(write(tmp_path / "forged.csv", made_up, *GOOD))
    assert report.added == 1 + len(GOOD)  # kept and shown, as history
    mine = TrackDesk(station).look_up(held).report
    assert mine is not None and mine.status is ItemStatus.IN_TRANSIT  # not Delivered by a made-up row
    assert any("imported event(s) shown, not counted" in flag for flag in mine.flags)
    with station.db.reading() as conn:
        record = containers.item_record(conn, held)  # what the depot and the carrier go by
    assert record is not None and record.status is ItemStatus.IN_TRANSIT
    assert [str(h.event.kind) for h in mine.history] == ["acceptance", "dispatch", "delivered"]  # shown
    theirs = TrackDesk(station).look_up("RR123456785US").report
    assert theirs is not None and theirs.status is ItemStatus.DELIVERED  # another system's item: as it says


def test_issue_28_finding_13_importing_is_a_supervisors_act_named_in_each_event(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()

    def station(*args: str, pin: str = "") -> Ran:
        return run_station(*args, home=home, stdin=pin)

    for name, role, pin, by in (
        ("ada", "admin", "4321", ()),
        ("sam", "supervisor", "2468", ("--by", "ada", "--by-pin", "4321")),
        ("cleo", "clerk", "1357", ("--by", "ada", "--by-pin", "4321")),
    ):
        added = station("operator", "add", name, "--role", role, "--pin", pin, *by)
        assert added.returncode == 0, added.stderr
    assert station("signin", "cleo", "--pin", "-", pin="1357\n").returncode == 0  # cleo runs the import
    good = write(tmp_path / "g.csv", *GOOD)
    alone = station("import", "events", str(good), "--operator", "cleo")
    assert alone.returncode == 1 and "history import needs a supervisor" in alone.stderr
    clerk = station(
        "import",
        "events",
        str(good),
        "--operator",
        "cleo",
        "--supervisor",
        "cleo",
        "--pin",
        "-",
        pin="1357\n",
    )
    assert clerk.returncode == 1 and "override refused" in clerk.stderr
    wrong = station(
        "import", "events", str(good), "--operator", "cleo", "--supervisor", "sam", "--pin", "-", pin="0000\n"
    )
    assert wrong.returncode == 1 and "override refused" in wrong.stderr
    assert "Traceback" not in alone.stderr + clerk.stderr + wrong.stderr
    with Station.open(next(home.rglob("*.sqlite3"))) as s, s.db.reading() as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0  # nothing imported
    done = station(
        "import", "events", str(good), "--operator", "cleo", "--supervisor", "sam", "--pin", "-", pin="2468\n"
    )
    assert done.returncode == 0 and "imported 5 events" in done.stdout, done.stderr
    with Station.open(next(home.rglob("*.sqlite3"))) as s, s.db.reading() as conn:
        extras = [row[0] for row in conn.execute("SELECT extra FROM events").fetchall()]
    assert [json.loads(extra)["imported_by"] for extra in extras] == ["sam"] * 5
