"""The `station` command line, run as the real program (a subprocess), with the exact contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from station.ids import S10
from tests.cli_runner import Ran, run_station


def run(tmp_path: Path, *args: str, stdin: bytes = b"") -> Ran:
    return run_station(*args, env={"STATION_HOME": str(tmp_path)}, stdin=stdin)


def test_ids_check_prints_kind_and_id_and_exits_0_when_all_valid(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "ids",
        "check",
        "rr473124829gb",
        "]C142094105\x1d920559016491731234564",
        "00106141411234567897",
    )
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "s10\tRR473124829GB",
        "impb\t920559016491731234564 (routing ZIP 94105)",
        "sscc\t106141411234567897",
    ]


def test_ids_check_json_names_the_wrong_check_digit_and_exits_1(tmp_path: Path) -> None:
    result = run(tmp_path, "ids", "check", "--json", "RR473124828GB", "EE123456785US")
    assert result.returncode == 1
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "input": "RR473124828GB",
        "valid": False,
        "kind": None,
        "id": None,
        "error": "wrong S10 check digit: expected 9, found 8",
    }
    assert {k: rows[1][k] for k in ("input", "valid", "kind", "id", "error")} == {
        "input": "EE123456785US",
        "valid": True,
        "kind": "s10",
        "id": "EE123456785US",
        "error": None,
    }


def test_ids_new_never_repeats_across_runs(tmp_path: Path) -> None:
    first = run(
        tmp_path, "ids", "new", "s10", "--service", "RR", "--country", "US", "--count", "5"
    ).stdout.split()
    second = run(
        tmp_path, "ids", "new", "s10", "--service", "RR", "--country", "US", "--count", "5"
    ).stdout.split()
    assert len(set(first + second)) == 10
    assert all(S10.parse(i).country == "US" for i in first + second)
    bad = run(tmp_path, "ids", "new", "s10", "--service", "RR", "--country", "XX")
    assert bad.returncode == 1 and "unknown S10 country code 'XX'" in bad.stderr


def test_scan_prints_ok_or_reject_per_line_then_track_shows_sack_events(tmp_path: Path) -> None:
    sack = "00106141411234567897"
    accepted = run(
        tmp_path,
        "scan",
        "--event",
        "acceptance",
        "--facility",
        "NYC",
        "--operator",
        "ann",
        stdin=b"RR473124829GB\r\n\xff\xfe garbage\nEE123456785US\n",
    )
    assert accepted.returncode == 1
    assert accepted.stdout.splitlines()[0] == "OK RR473124829GB"
    assert accepted.stdout.splitlines()[1].startswith("REJECT ")
    assert accepted.stdout.splitlines()[2] == "OK EE123456785US"
    scans = tmp_path / "scans.txt"
    scans.write_bytes(b"RR473124829GB\nEE123456785US\n")
    sorted_in = run(
        tmp_path,
        "scan",
        "--event",
        "sort-in",
        "--facility",
        "DEP",
        "--operator",
        "kim",
        "--sack",
        sack,
        "--input",
        str(scans),
    )
    assert sorted_in.stdout.split("\n")[:2] == ["OK RR473124829GB", "OK EE123456785US"]
    for event in ("dispatch", "arrival"):
        assert (
            run(
                tmp_path,
                "scan",
                "--event",
                event,
                "--facility",
                "DEP",
                "--operator",
                "kim",
                stdin=sack.encode(),
            ).returncode
            == 0
        )
    tracked = run(tmp_path, "track", "RR473124829GB", "--json")
    assert tracked.returncode == 0
    report = json.loads(tracked.stdout)
    assert report["status"] == "in-transit"
    assert [(h["kind"], h["upu_code"], h["via_container"]) for h in report["history"]] == [
        ("acceptance", "EMA", None),
        ("sort-in", "EDD", None),
        ("dispatch", "EMC", "106141411234567897"),
        ("arrival", "EMD", "106141411234567897"),
    ]
    text = run(tmp_path, "track", "rr 473 124 829 gb")
    assert text.returncode == 0 and text.stdout.startswith("RR473124829GB: In transit")


def test_track_of_an_unknown_id_exits_1(tmp_path: Path) -> None:
    result = run(tmp_path, "track", "EE123456785US")
    assert result.returncode == 1
    assert "unknown id" in result.stderr


def test_journal_verify_and_demo(tmp_path: Path) -> None:
    demo = run(tmp_path, "demo", "--items", "300", "--seed", "3")
    assert demo.returncode == 0, demo.stderr
    assert "300 items" in demo.stdout
    sample = demo.stdout.split("station track ")[1].split()[0]
    assert run(tmp_path, "track", sample).returncode == 0
    verified = run(tmp_path, "journal", "verify")
    assert verified.returncode == 0
    assert verified.stdout.startswith("journal OK:")


@pytest.mark.parametrize("db_flag", [True, False])
def test_db_location_follows_the_db_flag_or_station_db(tmp_path: Path, db_flag: bool) -> None:
    target = tmp_path / "elsewhere" / "journal.sqlite3"
    if db_flag:
        run(
            tmp_path,
            "--db",
            str(target),
            "scan",
            "--event",
            "acceptance",
            "--facility",
            "F",
            "--operator",
            "o",
            stdin=b"RR473124829GB\n",
        )
    else:
        env = {**os.environ, "STATION_DB": str(target), "STATION_HOME": str(tmp_path)}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.cli.main",
                "scan",
                "--event",
                "acceptance",
                "--facility",
                "F",
                "--operator",
                "o",
            ],
            input=b"RR473124829GB\n",
            env=env,
            check=True,
            capture_output=True,
        )
    assert target.exists()
    assert not (tmp_path / "station.sqlite3").exists()
