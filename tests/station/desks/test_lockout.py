"""Lockout not used as a weapon (issue 29, finding 8): five wrong PINs by anyone lock an operator out
for a minute, growing with every further wrong one, and never for good; the last admin is never
disabled; the machine's owner has a journalled recovery."""

from __future__ import annotations

import os
import pwd
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.operators import OperatorDesk
from station.office import operators
from station.office.operators import lockout_after
from station.store.journal import events_of
from tests.cli_runner import run_station

ROOT_PIN = "correct horse battery"


class SetClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _staffed(path: Path, clock: SetClock) -> tuple[Station, OperatorDesk]:
    station = Station.open(path, StationConfig(station_id="STN-L1"), clock)
    desk = OperatorDesk(station)
    assert desk.add("root", "admin", ROOT_PIN).ok
    assert desk.add("sue", "supervisor", "7392", by="root", by_pin=ROOT_PIN).ok
    return station, desk


def test_the_lockout_grows_and_never_exceeds_an_hour() -> None:
    assert [lockout_after(n) for n in (1, 4)] == [timedelta(0), timedelta(0)]
    assert [lockout_after(n).total_seconds() / 60 for n in range(5, 12)] == [1, 2, 4, 8, 16, 32, 60]
    assert lockout_after(500) == timedelta(hours=1)


def test_five_wrong_guesses_lock_the_only_admin_out_for_a_while_not_for_good(tmp_path: Path) -> None:
    clock = SetClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    station, desk = _staffed(tmp_path / "s.sqlite3", clock)
    try:
        for _ in range(5):
            assert not desk.sign_in("root", "guess-guess").ok
        locked = desk.sign_in("root", ROOT_PIN)  # the right PIN, while locked out: not even checked
        assert not locked.ok and "root is locked out after wrong PINs: try again in 1 minute" in (
            locked.reason or ""
        )
        clock.now += timedelta(minutes=1, seconds=1)
        assert not desk.sign_in("root", "guess-guess").ok  # the sixth: two minutes now
        clock.now += timedelta(minutes=1)
        still = desk.sign_in("root", ROOT_PIN)
        assert not still.ok and "try again in 1 minute" in (still.reason or "")
        clock.now += timedelta(minutes=1, seconds=1)
        assert desk.sign_in("root", ROOT_PIN).ok  # over by itself: no one had to enable the only admin
        assert desk.sign_in("root", "guess-guess").reason == (
            "wrong PIN for root (4 more and root is locked out for a while)"
        )  # the count started again
    finally:
        station.close()


def test_the_last_admin_is_never_disabled(tmp_path: Path) -> None:
    clock = SetClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    station, desk = _staffed(tmp_path / "s.sqlite3", clock)
    try:
        assert desk.add("ada", "admin", "2468-2468", by="root", by_pin=ROOT_PIN).ok
        assert desk.set_enabled("ada", False, by="root", by_pin=ROOT_PIN).ok
        refused = desk.set_enabled("root", False, by="ada", by_pin="2468-2468")
        assert not refused.ok  # ada is disabled: she cannot act
        alone = desk.set_enabled("root", False, by="root", by_pin=ROOT_PIN)
        assert not alone.ok and "cannot disable themselves" in (alone.reason or "")
        assert desk.set_enabled("ada", True, by="root", by_pin=ROOT_PIN).ok
        assert desk.set_enabled("ada", False, by="root", by_pin=ROOT_PIN).ok
        # Even an admin acting on the last other admin: the last enabled admin stays.
        assert desk.add("sam", "supervisor", "1357-1357", by="root", by_pin=ROOT_PIN).ok
        with station.db.transaction() as conn:
            conn.execute("UPDATE operators SET enabled = 1 WHERE name = 'ada'")
        assert desk.set_enabled("root", False, by="ada", by_pin="2468-2468").ok
        last = desk.set_enabled("ada", False, by="ada", by_pin="2468-2468")
        assert not last.ok
        with station.db.transaction() as conn:
            try:
                operators.set_enabled(conn, "ada", False, "test")
                disabled_last = True
            except operators.OperatorError as exc:
                disabled_last = False
                assert "ada is the last admin who can act" in str(exc)
        assert not disabled_last
    finally:
        station.close()


def test_the_machine_owner_recovers_a_locked_out_admin_and_it_is_journalled(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert (
        run_station("operator", "add", "root", "--role", "admin", "--pin", ROOT_PIN, home=home).returncode
        == 0
    )
    for _ in range(5):
        run_station("operator", "disable", "root", "--by", "root", "--by-pin", "wrong-wrong", home=home)
    locked = run_station("operator", "add", "bob", "--role", "clerk", "--pin", "5839", "--by", "root",
                         "--by-pin", ROOT_PIN, home=home)  # fmt: skip
    assert locked.returncode == 1 and "locked out" in locked.stdout + locked.stderr
    done = run_station("operator", "recover", "root", "--pin", "-", home=home, stdin="new root pass\n")
    assert done.returncode == 0 and "root recovered" in done.stdout, done
    added = run_station("operator", "add", "bob", "--role", "clerk", "--pin", "5839", "--by", "root",
                        "--by-pin", "new root pass", home=home)  # fmt: skip
    assert added.returncode == 0, added
    with Station.open(next(home.rglob("station.sqlite3"))) as s, s.db.reading() as conn:
        recovery = [e for e in events_of(conn, "OPERATOR-root") if str(e.kind) == "override"]
    me = pwd.getpwuid(os.geteuid()).pw_name
    assert len(recovery) == 1 and recovery[0].extra["machine_user"] == me
    assert f"by the machine's user {me}" in (recovery[0].note or "")
