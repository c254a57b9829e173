"""The hub's administration as an office would use it (issue 28, finding 8): a station's login revoked
with its history kept, an id that differs only in case refused in words, the administrator's commands
given a station's DSN or a malformed one, each answered in one line."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from station.errors import ExitCode
from station.ids import S10
from tests.cli_runner import Ran, run_station
from tests.hub.conftest import Hub

ITEMS = tuple(S10.build("CP", n, "US").text for n in (17, 25, 34))


def _station(tmp_path: Path, hub: Hub, station_id: str) -> tuple[Path, str]:
    home = tmp_path / station_id
    dsn = hub.station_dsn(station_id)
    (home).mkdir()
    (home / "station.toml").write_text(f'[station]\nstation_id = "{station_id}"\nhub = "{dsn}"\n')
    return home, dsn


def _scan(home: Path, item: str) -> Ran:
    return run_station(
        "scan", "--event", "acceptance", "--facility", "F", "--operator", "o", home=home, stdin=f"{item}\n"
    )


def _one_line(ran: Ran) -> bool:
    said = (ran.stdout + ran.stderr).strip().splitlines()
    return len(said) == 1 and "Traceback" not in ran.stderr


def test_a_revoked_station_pushes_nothing_more_and_its_history_stays(hub: Hub, tmp_path: Path) -> None:
    home, dsn = _station(tmp_path, hub, "REV01")
    for item in ITEMS[:2]:
        assert _scan(home, item).returncode == ExitCode.DONE
    assert run_station("sync", "--once", home=home).returncode == ExitCode.DONE
    done = run_station("hub", "revoke", "REV01", "--dsn", hub.admin_dsn, "--because", "laptop stolen")
    assert done.returncode == ExitCode.DONE and done.stdout.startswith("OK station REV01 revoked"), done
    assert hub.rows("SELECT kind, station_id, detail FROM hub.alerts") == [
        ("revoked", "REV01", "station REV01 revoked: laptop stolen")
    ]
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(dsn).close()
    assert _scan(home, ITEMS[2]).returncode == ExitCode.DONE  # the counter works on: the journal keeps it
    pushed = run_station("sync", "--once", home=home)
    assert pushed.returncode == ExitCode.UNREACHABLE and "waiting 1" in pushed.stdout, pushed
    assert hub.rows("SELECT count(*) FROM hub.events WHERE station_id = 'REV01'") == [(2,)]  # kept
    again = run_station("hub", "revoke", "REV01", "--dsn", hub.admin_dsn, "--because", "twice")
    assert again.returncode == ExitCode.REFUSED and "revoked already" in again.stderr and _one_line(again)
    back = run_station("hub", "enrol", "REV01", "--dsn", hub.admin_dsn)
    assert back.returncode == ExitCode.REFUSED and "not enrolled again" in back.stderr and _one_line(back)
    unknown = run_station("hub", "revoke", "NOPE1", "--dsn", hub.admin_dsn, "--because", "x")
    assert unknown.returncode == ExitCode.REFUSED and "no station NOPE1" in unknown.stderr


def test_an_id_that_differs_only_in_case_is_refused_in_words(hub: Hub) -> None:
    first = run_station("hub", "enrol", "SFO01", "--dsn", hub.admin_dsn)
    assert first.returncode == ExitCode.DONE, first
    twin = run_station("hub", "enrol", "sfo01", "--dsn", hub.admin_dsn)
    assert twin.returncode == ExitCode.REFUSED and _one_line(twin), twin
    assert "too like 'SFO01'" in twin.stderr
    assert hub.rows("SELECT station_id FROM hub.stations") == [("SFO01",)]
    renewed = run_station("hub", "enrol", "SFO01", "--dsn", hub.admin_dsn)  # a new password, as before
    assert renewed.returncode == ExitCode.DONE


@pytest.mark.parametrize(
    "command",
    [
        ("hub", "alerts"),
        ("hub", "init"),
        ("hub", "enrol", "LAX01"),
        ("hub", "revoke", "ADM01", "--because", "x"),
        ("hub", "status"),
        ("hub", "notify", "--once"),
    ],
    ids=["alerts", "init", "enrol", "revoke", "status", "notify"],
)
def test_an_administrators_command_with_a_stations_dsn_is_one_line(
    hub: Hub, tmp_path: Path, command: tuple[str, ...]
) -> None:
    _, dsn = _station(tmp_path, hub, "ADM01")
    ran = run_station(*command, "--dsn", dsn, home=tmp_path / "notifier")
    assert ran.returncode == ExitCode.REFUSED and _one_line(ran), ran
    assert "administrator's DSN" in ran.stderr


@pytest.mark.parametrize("dsn", ["host=", "postgresql://[::1", "not a dsn at all", "port=notanumber"])
def test_a_malformed_hub_value_is_one_line(tmp_path: Path, dsn: str) -> None:
    home = tmp_path / "home"
    assert _scan(home, ITEMS[0]).returncode == ExitCode.DONE
    for command in (("sync", "--once", "--hub", dsn), ("hub", "alerts", "--dsn", dsn)):
        ran = run_station(*command, home=home)
        assert ran.returncode in (ExitCode.REFUSED, ExitCode.UNREACHABLE) and _one_line(ran), (command, ran)
    # A look-up shows the station's own events when the hub does not answer, and says what is wrong
    # with a DSN libpq cannot read.
    track = run_station("track", ITEMS[0], "--hub", dsn, home=home)
    if track.returncode == ExitCode.DONE:
        assert ITEMS[0] in track.stdout
    else:
        assert track.returncode == ExitCode.REFUSED and _one_line(track), track
        assert "not a libpq connection string" in track.stderr


def test_issue_28_finding_5_hub_status_per_station(hub: Hub, tmp_path: Path) -> None:
    a, _ = _station(tmp_path, hub, "STA01")
    _station(tmp_path, hub, "STB01")  # enrolled, nothing pushed yet
    for item in ITEMS:
        assert _scan(a, item).returncode == ExitCode.DONE
    assert run_station("sync", "--once", home=a).returncode == ExitCode.DONE
    ran = run_station("hub", "status", "--dsn", hub.admin_dsn, "--json")
    assert ran.returncode == ExitCode.DONE, ran
    stations = json.loads(ran.stdout)["stations"]
    assert set(stations) == {"STA01", "STB01"}
    assert (stations["STA01"]["events"], stations["STA01"]["last_seq"]) == (3, 3)
    assert stations["STA01"]["last_push_at"] is not None and stations["STA01"]["last_event_at"] is not None
    assert (stations["STB01"]["events"], stations["STB01"]["last_push_at"]) == (0, None)
    assert stations["STA01"]["alerts"] == 0 and stations["STA01"]["revoked_at"] is None
    text = run_station("hub", "status", "--dsn", hub.admin_dsn)
    assert text.stdout.splitlines()[0].startswith("STA01: 3 events, last seq 3 at ")
    assert "STB01: 0 events, last seq 0 at -, last push never, 0 alerts, enrolled" in text.stdout
