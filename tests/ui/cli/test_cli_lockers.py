"""The parcel lockers as a shell sees them, on a lock board emulated on a pseudo-terminal: an item
deposited, its code texted (through the log gateway), the code opening the door, a door left open, a
door that sticks, a board that is silent, wrong codes at the keypad, an item nobody collected."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli_runner import Ran, run_station
from tests.pseudo_devices.lock_board import LockBoardEmulator

ITEM, OTHER, THIRD = "EE123456785US", "RR473124829GB", "CP000000005US"
PHONE = "+14155550123"


@pytest.fixture
def board(tmp_path: Path) -> Iterator[LockBoardEmulator]:
    emulator = LockBoardEmulator(tmp_path / "ttyLOCK")
    yield emulator
    emulator.stop()


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, env={"STATION_HOME": str(home)})


def _home(tmp_path: Path, board: LockBoardEmulator) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "station.toml").write_text(
        '[station]\nlocker_doors = "1-4:S 5-8:M 9-12:L"\nsms_gateway = "log:"\n'
        f'[devices]\nlocker = "{board.url}&timeout=0.1"\n'
    )
    return home


def _texted_code(home: Path, item: str) -> str:
    assert station(home, "sms", "worker", "--once", "--gateway", "log:").returncode == 0
    sent = [json.loads(line) for line in (home / "sms-sent.jsonl").read_text().splitlines()]
    bodies = [m["body"] for m in sent if f"...{item[-6:]}" in m["body"] and "code" in m["body"]]
    found = re.search(r"code to open it: (\d{6})", bodies[-1])
    assert found, bodies
    return found.group(1)


def _opens(home: Path) -> list[tuple[str, dict[str, object]]]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        rows = conn.execute("SELECT item_id, extra FROM events WHERE kind = 'locker-open' ORDER BY seq")
        return [(str(item), json.loads(extra)) for item, extra in rows]


def test_deposit_then_the_texted_code_opens_the_door_and_a_door_left_open_is_reported(
    tmp_path: Path, board: LockBoardEmulator
) -> None:
    home = _home(tmp_path, board)
    assert station(home, "sms", "subscribe", ITEM, "--phone", PHONE).returncode == 0
    assert station(home, "sms", "inbound", "--from", PHONE, "--body", "YES").returncode == 0
    done = station(home, "locker", "deposit", ITEM, "--size", "M", "--json")
    assert done.returncode == 0, done.stdout
    answer = json.loads(done.stdout)
    assert answer["door"] == 5 and answer["texted"] == 1
    assert board.opened == [5]
    left = station(home, "locker", "status")
    assert left.returncode == 1 and "door  5 M  OPEN" in left.stdout and "CLOSE IT" in left.stdout
    board.shut(5)  # the carrier closes it
    shut = station(home, "locker", "status")
    assert shut.returncode == 0 and f"door  5 M  closed   {ITEM} until" in shut.stdout
    assert "Waiting for pickup" in station(home, "track", ITEM).stdout

    code = _texted_code(home, ITEM)
    outbox = station(home, "sms", "outbox").stdout
    assert code not in outbox  # a code is never listed, and blanked once sent
    opened = station(home, "locker", "open", code)
    assert opened.returncode == 0, opened.stdout
    assert "door 5 is open: take your parcel" in opened.stdout
    assert board.opened == [5, 5] and 5 in board.open
    again = station(home, "locker", "open", code)
    assert again.returncode == 1 and "opens no door" in again.stdout  # used once
    assert station(home, "track", ITEM).stdout.splitlines()[0].endswith("Delivered")
    assert [(item, extra["why"], extra["opened"]) for item, extra in _opens(home)] == [
        (ITEM, "deposit", True),
        (ITEM, "pickup", True),
    ]


def test_a_stuck_door_a_silent_board_and_wrong_codes_each_have_their_path(
    tmp_path: Path, board: LockBoardEmulator
) -> None:
    home = _home(tmp_path, board)
    board.close_after = 0.05  # the carrier shuts each door behind the parcel
    board.stuck.add(1)
    done = station(home, "locker", "deposit", ITEM, "--size", "s")
    assert done.returncode == 0, done.stdout
    assert "in door 2 (S)" in done.stdout  # door 1 stuck: out of order, the next small door taken
    assert "NOBODY can be texted" in done.stdout  # no number opted in: a notice card is needed
    status = station(home, "locker", "status").stdout
    assert "door  1 S" in status and "OUT OF ORDER" in status.split("door  2")[0]

    board.silent = True
    silent = station(home, "locker", "deposit", OTHER, "--size", "M")
    assert silent.returncode == 1 and "does not answer: keep" in silent.stdout
    board.silent = False

    for _ in range(5):
        wrong = station(home, "locker", "open", "000000")
        assert wrong.returncode == 1
    locked = station(home, "locker", "open", "000000")
    assert "too many wrong codes" in locked.stdout

    # The door of ITEM sticks when the office comes for it: opened with the key instead.
    board.stuck.add(2)
    stuck = station(home, "locker", "retrieve", ITEM)
    assert stuck.returncode == 1 and "open it with the key" in stuck.stdout
    by_key = station(home, "locker", "retrieve", ITEM, "--by-key")
    assert by_key.returncode == 0 and "back at the office" in by_key.stdout
    assert "OUT OF ORDER" in station(home, "locker", "status").stdout.split("door  3")[0]
    assert station(home, "locker", "mend", "2").returncode == 0
    whys = [(extra["door"], extra["why"], extra["opened"]) for _item, extra in _opens(home)]
    assert whys == [
        (1, "deposit", False),
        (1, "deposit", False),
        (2, "deposit", True),
        (2, "retrieve", False),
        (2, "retrieve", False),
        (2, "retrieve by key", True),
    ]


def test_an_item_not_collected_is_listed_and_taken_back(tmp_path: Path, board: LockBoardEmulator) -> None:
    home = _home(tmp_path, board)
    board.close_after = 0.05
    assert station(home, "locker", "deposit", THIRD, "--size", "L").returncode == 0
    assert "no locker item" in station(home, "locker", "expired").stdout
    later = (date.today() + timedelta(days=4)).isoformat()
    late = station(home, "locker", "expired", "--on", later)
    assert f"door  9 {THIRD}" in late.stdout
    back = station(home, "locker", "retrieve", THIRD)
    assert back.returncode == 0, back.stdout
    assert "EMG" in station(home, "track", THIRD).stdout.splitlines()[-2]
    assert station(home, "hold", THIRD, "--shelf", "A1").returncode == 0  # on the counter's shelf now
