"""Transactions in flight (issue 29, finding 10): the station killed (SIGKILL, a real process) at each
step of an acceptance, a payment and a void; the next start says what was in flight and what became
of it, in `station till report` and `station recover`, and prints a recovery receipt where the customer
may have paid. Nothing acknowledged is lost and nothing is left in an unknown state."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from station.store.faults import POINTS
from tests.cli_runner import Ran, run_station

ITEM, SECOND = "EE123456785US", "RR473124829GB"
TO = (
    "--weight",
    "500g",
    "--from-zip",
    "10001",
    "--to-zip",
    "94105",
    "--to",
    "Bo Lee|2 Elm St|San Francisco CA 94105",
)


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, home=home)


def killed_at(home: Path, point: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`station ARGS` in a process of its own, killed at `point`."""
    env = {**os.environ, "STATION_KILL_AT": point}
    env.pop("STATION_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(home), *args],
        input=stdin, capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip


def _rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def _accept(home: Path, item: str, basket: str) -> list[str]:
    return ["accept", "--tracking", item, *TO, "--out", str(home / f"{item}.zpl"), "--basket", basket]


ADMIN = ("--by", "root", "--by-pin", "correct horse battery")


def _ready(home: Path) -> str:
    """A staffed station (ann signed in, sue to supervise), a funded meter and an open basket holding
    ITEM; the basket's number."""
    assert (
        station(
            home, "operator", "add", "root", "--role", "admin", "--pin", "correct horse battery"
        ).returncode
        == 0
    )
    for name, role, pin in (("ann", "clerk", "4821"), ("sue", "supervisor", "7392")):
        assert station(home, "operator", "add", name, "--role", role, "--pin", pin, *ADMIN).returncode == 0
    assert station(home, "signin", "ann", "--pin", "4821").returncode == 0
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00", "--supervisor", "sue", "--pin", "7392").returncode == 0
    basket = str(json.loads(station(home, "basket", "open", "--json").stdout)["basket"])
    assert station(home, *_accept(home, ITEM, basket)).returncode == 0
    return basket


@pytest.mark.parametrize("point", POINTS)
def test_a_stop_at_each_step_leaves_nothing_unknown(tmp_path: Path, point: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    basket = _ready(home)
    kind, when = point.split(":")
    total = json.loads(station(home, "basket", "show", basket, "--json").stdout)["total_cents"]
    if kind == "acceptance":
        done = killed_at(home, point, *_accept(home, SECOND, basket))
    elif kind == "payment":
        done = killed_at(home, point, "basket", "pay", basket, "--cash", f"{(total + 1000) / 100:.2f}")
    else:
        assert station(home, "basket", "pay", basket, "--card", "AUTH-4410").returncode == 0
        done = killed_at(
            home, point, "void", ITEM, "--reason", "customer left", "--refund", "card:RF-0001",
            "--supervisor", "sue", "--pin", "-", stdin="7392\n",
        )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr)
    report = station(home, "till", "report")
    assert "In flight when the station stopped (station recover):" in report.stdout
    told = station(home, "recover")
    assert told.returncode == 0
    assert ("DONE before the stop" if when == "after-commit" else "NOT DONE") in told.stdout, told.stdout
    again = station(home, "recover")
    assert "nothing was in flight" in again.stdout  # told once
    committed = when == "after-commit"
    if kind == "acceptance":
        accepted = _rows(
            home, f"SELECT count(*) FROM events WHERE kind = 'acceptance' AND item_id = '{SECOND}'"
        )
        assert accepted == [(1 if committed else 0,)]
        lines = _rows(home, f"SELECT count(*) FROM basket_lines WHERE item_id = '{SECOND}'")
        assert lines == [(1 if committed else 0,)]
    elif kind == "payment":
        state = _rows(home, f"SELECT state FROM baskets WHERE id = {basket}")
        assert state == [("paid" if committed else "open",)]
        recovery = _rows(
            home, f"SELECT count(*) FROM print_jobs WHERE description = 'recovery receipt basket {basket}'"
        )
        assert recovery == [(1,)]  # the customer may have handed money over: a receipt says what happened
        said = "WAS PAID" if committed else "the payment was NOT recorded"
        assert said in told.stdout
    else:
        voided = _rows(home, f"SELECT count(*) FROM events WHERE kind = 'void' AND item_id = '{ITEM}'")
        assert voided == [(1 if committed else 0,)]
        assert _rows(home, "SELECT count(*) FROM refunds") == [(1 if committed else 0,)]
    assert station(home, "journal", "verify").returncode == 0
    # The debits the meter took are the postage of the pieces the journal says were accepted.
    debits = _rows(home, "SELECT coalesce(sum(cents), 0) FROM meter_log WHERE kind = 'debit'")[0][0]
    charged = sum(
        int(json.loads(str(extra))["postage_cents"])
        for (extra,) in _rows(home, "SELECT extra FROM events WHERE kind = 'acceptance'")
    )
    assert debits == charged
