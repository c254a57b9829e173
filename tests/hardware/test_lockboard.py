"""The lock board's driver against a board on a pseudo-terminal: the frames, the sensors, a door that
sticks, a board that is silent or unplugged, and frames for another board left unanswered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.lockers.lockboard import LockBoard, frame, xor
from hardware.registry import Role, open_device
from hardware.urls import DeviceUrlError
from station.items.lockers import BoardSilent
from tests.pseudo_devices.lock_board import LockBoardEmulator


@pytest.fixture
def board(tmp_path: Path) -> Iterator[LockBoardEmulator]:
    emulator = LockBoardEmulator(tmp_path / "ttyLOCK", address=3)
    yield emulator
    emulator.stop()


def test_the_frames_are_the_boards_own() -> None:
    assert frame(0x8A, 0x01, 0x01, 0x11) == bytes.fromhex("8a 01 01 11 9b")  # open door 1 of board 1
    assert frame(0x80, 0x01, 0x00, 0x33) == bytes.fromhex("80 01 00 33 b2")  # every sensor of board 1
    assert xor(bytes.fromhex("80 01 01 01 01 33")) == 0xB3


def test_a_door_opens_its_sensor_reports_it_and_a_person_closes_it(board: LockBoardEmulator) -> None:
    driver = open_device(Role.LOCKER, board.url)
    try:
        assert driver.open_doors() == set()
        assert driver.open_door(9) is True
        assert driver.open_door(24) is True
        assert board.frames[1] == frame(0x8A, 3, 9, 0x11)  # what went down the wire
        assert driver.open_doors() == {9, 24}
        board.shut(9)
        assert driver.open_doors() == {24}
        board.stuck.add(5)
        assert driver.open_door(5) is False  # the board answered: the door did not open
        with pytest.raises(ValueError):
            driver.open_door(25)
    finally:
        driver.close()


def test_a_silent_board_an_other_address_and_an_unplugged_cable_raise_board_silent(
    board: LockBoardEmulator,
) -> None:
    other = LockBoard(board.device.path, board=4, timeout=0.1)  # the frames are board 3's only
    with pytest.raises(BoardSilent, match="address 4"):
        other.open_door(1)
    other.close()
    assert board.opened == []
    driver = LockBoard(board.device.path, board=3, timeout=0.1)
    board.silent = True
    with pytest.raises(BoardSilent, match="does not answer"):
        driver.open_door(2)
    assert board.opened == [2, 2]  # asked twice; it did open (a board that cannot answer may still act)
    board.silent = False
    assert driver.open_door(3) is True  # answering again: the same driver goes on
    board.device.unplug()
    with pytest.raises(BoardSilent):
        driver.open_doors()
    board.device.plug()  # the cable back: the driver opens the port again
    board.open.clear()
    assert driver.open_doors() == set()
    driver.close()


@pytest.mark.parametrize(
    "url",
    ["lockboard:///dev/ttyUSB0?board=40", "lockboard:///dev/ttyUSB0?doors=7", "lockboard:///dev/x?board=a"],
)
def test_a_wrong_lock_board_url_is_one_line(url: str) -> None:
    with pytest.raises(DeviceUrlError):
        open_device(Role.LOCKER, url)


def test_the_doctor_asks_the_board_and_reads_the_doors_layout(board: LockBoardEmulator) -> None:
    from hardware.doctor import locker

    url = board.url + "&timeout=0.1"
    answered = locker(url, "1-12:S 13-24:L")
    assert answered.ok and "24 doors" in answered.detail and "OPEN" not in answered.detail
    board.open.add(7)
    assert "OPEN now: door 7" in locker(url, "1-24:M").detail
    board.silent = True
    silent = locker(url, "1-24:M")
    assert not silent.ok and "does not answer" in silent.detail and "address switch" in silent.fix
    assert not locker(url, "1-8:X").ok  # a size that does not exist
    assert not locker("off:", "1-8:S").ok  # doors set, no board


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("lockboard:///dev/ttyUSB0", ("/dev/ttyUSB0", 1, 24, 9600, 0.3)),
        (
            "lockboard:///dev/ttyUSB1?board=0&doors=8&baud=19200&timeout=0.05",
            ("/dev/ttyUSB1", 0, 8, 19200, 0.05),
        ),
        ("lockboard:///dev/ttyUSB2?board=31&doors=12&timeout=5", ("/dev/ttyUSB2", 31, 12, 9600, 5.0)),
    ],
)
def test_the_url_sets_port_address_doors_speed_and_patience(url: str, fields: tuple[object, ...]) -> None:
    driver = open_device(Role.LOCKER, url)
    assert (driver.path, driver.board, driver.doors, driver.baud, driver.timeout) == fields


@pytest.mark.parametrize(
    "url",
    [
        "lockboard:///dev/ttyUSB0?board=32",
        "lockboard:///dev/ttyUSB0?board=-1",
        "lockboard:///dev/ttyUSB0?doors=25",
        "lockboard:///dev/ttyUSB0?timeout=0.01",
        "lockboard:///dev/ttyUSB0?timeout=6",
        "lockboard:///dev/ttyUSB0?timeout=x",
        "lockboard:///dev/ttyUSB0?baud=12345",
        "lockboard:///dev/ttyUSB0?speed=9600",
        "lockboard://dev/ttyUSB0",
    ],
)
def test_a_lock_board_url_out_of_range_is_refused(url: str) -> None:
    with pytest.raises(DeviceUrlError):
        open_device(Role.LOCKER, url)


def test_every_doors_sensor_is_read_from_its_groups_byte_and_a_garbled_answer_is_no_answer(
    board: LockBoardEmulator,
) -> None:
    driver = LockBoard(board.device.path, board=3, timeout=0.1)
    try:
        assert driver.open_door(4) is True and driver.open_doors() == {4}
        board.open.update({1, 8, 9, 17, 24})
        assert driver.open_doors() == {1, 4, 8, 9, 17, 24}  # each byte's lowest bit its group's first door
        board.garbled = True
        with pytest.raises(BoardSilent):
            driver.open_doors()
        board.garbled = False
        assert 24 in driver.open_doors()
    finally:
        driver.close()
