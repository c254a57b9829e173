"""Operators prove who they are at the command line (issue 29, finding 7): once a station has
operators, a command that journals an operator acts as whoever signed in, and nobody else."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.operators import OperatorDesk
from tests.cli_runner import Ran, run_station

ADMIN = ("--by", "root", "--by-pin", "correct horse battery")
ITEM = "EE123456785US"


def station(home: Path, *args: str, stdin: str = "") -> Ran:
    return run_station(*args, home=home, stdin=stdin)


def _staffed(home: Path) -> None:
    assert (
        station(
            home, "operator", "add", "root", "--role", "admin", "--pin", "correct horse battery"
        ).returncode
        == 0
    )
    for name, role, pin in (("ann", "clerk", "4821"), ("sue", "supervisor", "7392")):
        assert station(home, "operator", "add", name, "--role", role, "--pin", pin, *ADMIN).returncode == 0
    assert station(home, "meter", "init").returncode == 0


def _events(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(next(home.rglob("station.sqlite3"))) as conn:
        return [(str(k), str(o)) for k, o in conn.execute("SELECT kind, operator FROM events ORDER BY seq")]


def test_no_session_no_act_and_no_acting_for_someone_else(tmp_path: Path) -> None:
    _staffed(tmp_path)
    scans = tmp_path / "scans.txt"
    scans.write_text(ITEM + "\n")
    alone = station(
        tmp_path,
        "scan",
        "--event",
        "arrival",
        "--facility",
        "DEPOT",
        "--operator",
        "dee",
        "--input",
        str(scans),
    )
    assert (
        alone.returncode == 1
        and "this station has operators: sign in first (station signin NAME" in alone.stderr
    )
    billion = station(
        tmp_path,
        "meter",
        "credit",
        "1000000000.00",
        "--supervisor",
        "sue",
        "--pin",
        "7392",
        "--operator",
        "mallory",
    )
    assert billion.returncode == 1 and "sign in first" in billion.stderr
    signed = station(tmp_path, "signin", "ann", "--pin", "-", stdin="4821\n")
    assert signed.returncode == 0 and signed.stdout.startswith("OK ann signed in (clerk)")
    token = next(tmp_path.rglob("signin.token"))
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    other = station(
        tmp_path,
        "scan",
        "--event",
        "arrival",
        "--facility",
        "DEPOT",
        "--operator",
        "sue",
        "--input",
        str(scans),
    )
    assert (
        other.returncode == 1
        and "signed in as ann: --operator sue would act for someone else" in other.stderr
    )
    assert (
        station(
            tmp_path, "scan", "--event", "arrival", "--facility", "DEPOT", "--input", str(scans)
        ).returncode
        == 0
    )
    assert (
        station(tmp_path, "meter", "credit", "50.00", "--supervisor", "sue", "--pin", "7392").returncode == 0
    )
    assert _events(tmp_path)[-2:] == [("arrival", "ann"), ("override", "ann")]
    assert station(tmp_path, "signin", "sue", "--pin", "7392").returncode == 0  # now sue at the keyboard
    own = station(tmp_path, "meter", "credit", "50.00", "--supervisor", "sue", "--pin", "7392")
    assert own.returncode == 1 and "cannot authorise their own exception" in own.stdout  # two proven people
    assert station(tmp_path, "operator", "disable", "ann", *ADMIN).returncode == 0
    assert station(tmp_path, "signin", "ann", "--pin", "4821").returncode == 1  # disabled: no session
    out = station(tmp_path, "signout")
    assert out.returncode == 0 and "sue signed out" in out.stdout and not token.exists()
    after = station(tmp_path, "scan", "--event", "arrival", "--facility", "DEPOT", "--input", str(scans))
    assert after.returncode == 1 and "sign in first" in after.stderr


def test_a_made_up_token_or_a_wrong_pin_proves_nothing(tmp_path: Path) -> None:
    _staffed(tmp_path)
    wrong = station(tmp_path, "signin", "ann", "--pin", "-", stdin="0000\n")
    assert wrong.returncode == 1 and "wrong PIN for ann" in wrong.stdout
    assert not list(tmp_path.rglob("signin.token"))
    data = next(tmp_path.rglob("station.sqlite3")).parent
    (data / "signin.token").write_text("made-up-token\n")
    scans = tmp_path / "scans.txt"
    scans.write_text(ITEM + "\n")
    forged = station(tmp_path, "scan", "--event", "arrival", "--facility", "DEPOT", "--input", str(scans))
    assert forged.returncode == 1 and "sign in first" in forged.stderr
    assert _events(tmp_path) == []


def test_a_session_ends_after_the_idle_time(tmp_path: Path) -> None:
    now = [datetime(2026, 11, 2, 9, 0, tzinfo=UTC)]
    station_ = Station.open(tmp_path / "s.sqlite3", StationConfig(lock_after_s=300), lambda: now[0])
    try:
        desk = OperatorDesk(station_)
        assert desk.add("root", "admin", "correct horse battery").ok
        done, token = desk.start_session("root", "correct horse battery")
        assert done.ok and token is not None
        now[0] += timedelta(minutes=4)
        assert desk.session_operator(token) == "root"  # used: its idle time starts again
        now[0] += timedelta(minutes=4)
        assert desk.session_operator(token) == "root"
        now[0] += timedelta(minutes=5, seconds=1)
        assert desk.session_operator(token) is None  # idle longer than the lock time
        assert desk.end_session(token).ok and desk.session_operator(token) is None
    finally:
        station_.close()


def test_services_need_no_one_signed_in(tmp_path: Path) -> None:
    # The services act for the station, not for a person: nothing they do is credited to an operator.
    _staffed(tmp_path)
    worker = station(tmp_path, "sms", "worker", "--once", "--gateway", "log:")
    assert worker.returncode == 0 and "sign in" not in worker.stdout + worker.stderr
    inbound = station(tmp_path, "sms", "inbound", "--from", "+12065550100", "--body", "STOP")
    assert inbound.returncode == 0 and "sign in" not in inbound.stdout + inbound.stderr
    dead_hub = "host=127.0.0.1 port=9 dbname=hub user=x connect_timeout=1"
    sync = station(tmp_path, "sync", "--once", "--hub", dead_hub)
    assert sync.returncode == 3 and "sign in" not in sync.stdout + sync.stderr  # unreachable, not refused
