"""The depot bench on a real X server: Xvfb, the station window as its own process, and xdotool typing
as a keyboard-wedge scanner does. The destination rule must hold for what a person sees, not only in
pytest-qt's simulated key events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from station.ids import S10
from tests.ui.x11 import (
    GREEN,
    GREY,
    RED,
    accept,
    banner_colour,
    funded,
    needs_x11,
    pause,
    scan_steps,
    set_up_home,
    station,
    tray_red,
    window_on,
)

pytestmark = needs_x11
SACK = "00106141411234567897"
SEATTLE, SAN_FRANCISCO = "9205590164917312345677", "920559016491731234564"


def test_a_wedge_scan_for_another_destination_is_refused_red_on_the_real_window(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    funded(home)
    for item, zip_code in ((SEATTLE, "98101"), (SAN_FRANCISCO, "94105")):
        accept(home, tmp_path, "Bo|1 Main St", zip_code, tracking=item)
    assert station(home, "sack", "open", SACK, "--destination", "941").returncode == 0
    with window_on(display, home, "F3") as window:
        window.scan(SACK)
        window.scan(SEATTLE)
        window.wait_answers(3)  # the sack carried on with at start, its tag, Seattle's parcel
        refused = window.shot_until("refused", lambda shot: banner_colour(shot) == RED)
        window.hold_over()  # a reject holds the banner for 2 s
        window.scan(SAN_FRANCISCO)
        window.answered()
        accepted = window.shot_until("accepted", lambda shot: banner_colour(shot) == GREEN)
    assert banner_colour(refused) == RED
    assert banner_colour(accepted) == GREEN
    seattle = station(home, "track", SEATTLE)
    assert "sort-in" not in seattle.stdout and "now in sack" not in seattle.stdout
    san_francisco = station(home, "track", SAN_FRANCISCO)
    assert "now in sack 106141411234567897" in san_francisco.stdout


def test_capital_letters_and_ctrl_gs_from_a_wedge_scanner_reach_the_window_whole(
    display: str, tmp_path: Path
) -> None:
    # xdotool presses Shift around every capital and types GS as Ctrl+], exactly as a USB HID wedge does.
    home = set_up_home(tmp_path)
    assert station(home, "sack", "open", SACK, "--destination", "941").returncode == 0
    with window_on(display, home, "F3") as window:
        for code in (SACK, "RR473124829GB", "EE123456785US"):  # S10s: capitals typed with Shift
            window.scan(code)
        # GS1-128 IMpb routed to Seattle: ]C1, AI 420 and the ZIP, GS as Ctrl+], then the tracking number
        window.scan("]C142098101", "ctrl+bracketright", SEATTLE)
        window.wait_answers(1 + 4)  # the sack carried on with at start, then the four scans
        screen = window.shot_until("screen", lambda shot: banner_colour(shot) == RED)
    for item in ("RR473124829GB", "EE123456785US"):
        assert "now in sack 106141411234567897" in station(home, "track", item).stdout, item
    seattle = station(home, "track", SEATTLE)  # refused as a wrong sack: its routing ZIP arrived whole
    assert seattle.returncode == 1
    assert banner_colour(screen) == RED


def _sack_events(home: Path, sack: str) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        rows = conn.execute(
            "SELECT kind, item_id FROM events WHERE container_id = ? OR item_id = ? ORDER BY seq",
            (sack, sack),
        ).fetchall()
    return [(str(k), str(i)) for k, i in rows]


def test_rejects_stay_red_for_two_seconds_and_in_the_tray_until_acknowledged(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    assert station(home, "sack", "open", SACK).returncode == 0
    items = [S10.build("CP", 60_000_000 + i, "US").text for i in range(6)]
    with window_on(display, home, "F3") as window:
        window.scan(SACK)
        steps: list[str] = []
        for n, item in enumerate(items):  # a fast bench: a scan every 150 ms, one of them garbage
            steps += [*scan_steps(item), pause(0.15)]
            if n == 1:
                steps += [*scan_steps("NOT-A-CODE-42"), pause(0.15)]
        window.run(steps)
        answers = window.wait_answers(2 + 7)  # the sack carried on with at start, its tag, the scans
        held = window.shot("held")  # the good scans after the reject came within its 2 s
        window.hold_over()
        still_listed = window.shot("listed")
        window.key("F12", "acknowledge_rejects")
        seen = window.shot_until("seen", lambda shot: tray_red(shot) == 0)
    refused = [text for ok, text in answers if not ok]
    assert len(answers) == 9 and len(refused) == 1  # every scan answered, the garbage one refused
    assert banner_colour(held) == RED  # five green answers came after it and did not paint over it
    assert tray_red(still_listed) > 50 and tray_red(seen) == 0  # listed until F12, then gone
    assert banner_colour(seen) == GREY
    sorted_in = [i for k, i in _sack_events(home, SACK[2:]) if k == "sort-in"]
    assert sorted_in == items


def test_a_closed_sack_is_not_reopened_and_its_tag_says_what_the_journal_holds(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    with window_on(display, home, "F3") as window:
        window.type("941")  # where the new sack goes (the items here are not known: any sack takes them)
        window.key("F7", "new_sack")  # a new sack, from the keyboard
        window.answered()
        for item in ("RR473124829GB", "EE123456785US", "CP100000003US"):
            window.scan(item)
        window.answered(3)
        window.key("ctrl+z", "undo_last")  # the last one was a mistake
        window.answered()
        window.key("F8", "close_sack")  # close: the tag prints
        answers = window.answered()
        opened = answers[0][1]
        sack = opened.split()[1] if opened.startswith("✔") else opened.split()[0]
        window.scan("00" + sack)  # the closed sack's tag scanned again
        answers = window.answered()
        reopened = window.shot_until("reopened", lambda shot: banner_colour(shot) == RED)
    assert [ok for ok, _ in answers] == [True, True, True, True, True, True, False], answers
    assert "closed (2 items)" in answers[-1][1] and "use a new sack" in answers[-1][1]
    assert banner_colour(reopened) == RED
    with sqlite3.connect(home / "station.sqlite3") as conn:
        tag = conn.execute(
            "SELECT payload FROM print_jobs WHERE description = ? ORDER BY id DESC LIMIT 1",
            (f"sack tag {sack}",),
        ).fetchone()[0]
    assert b"2 ITEMS" in bytes(tag).upper() or b"ITEMS: 2" in bytes(tag).upper(), bytes(tag)[:400]
    kinds = [k for k, _ in _sack_events(home, sack)]
    assert kinds.count("sort-in") == 3 and "sack-close" in kinds


def test_a_restarted_bench_carries_on_with_its_open_sack(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    assert station(home, "sack", "open", SACK).returncode == 0
    with window_on(display, home, "F3") as window:
        window.scan(SACK)
        window.scan("RR473124829GB")
        before = window.wait_answers(3)  # the bench's open sack shown, the tag scanned, the item
    with window_on(display, home, "F3") as window:  # the window was closed and opened again
        window.scan("EE123456785US")  # no sack tag scanned this time
        answers = window.wait_answers(2)  # the bench's open sack shown again, the item
    assert (True, "RR473124829GB into sack (1)") in before, before
    assert (True, "EE123456785US into sack (2)") in answers, answers
    sorted_in = [i for k, i in _sack_events(home, SACK[2:]) if k == "sort-in"]
    assert sorted_in == ["RR473124829GB", "EE123456785US"]


def test_the_bench_by_keyboard_alone_a_sack_for_a_destination_undo_close_and_dispatch(
    display: str, tmp_path: Path
) -> None:
    # Issue 31, item 5: the first keys went to the list, F7 made a sack for nowhere in silence, Ctrl+Z
    # did nothing in the box F7 left the cursor in, and F9 dispatched an open, empty sack.
    home = set_up_home(tmp_path)
    funded(home)
    for item, zip_code in (("CP100000003US", "94105"), ("EE123456785US", "94107")):
        accept(home, tmp_path, "Bo|1 Main St", zip_code, tracking=item)
    with window_on(display, home, "F3") as window:
        window.type("941")  # the first keys: where the new sack goes
        window.key("F7", "new_sack")
        opened = window.answered()[-1]
        for item in ("CP100000003US", "EE123456785US"):
            window.scan(item)
        window.answered(2)
        window.key("ctrl+z", "undo_last")  # the second one was for another bench
        window.answered()
        window.key("F8", "close_sack")
        window.answered()
        window.press("BackSpace")  # the next sack's destination left empty
        window.key("F7", "new_sack")
        window.answered()
        assert station(home, "sack", "open", SACK).returncode == 0  # another bench's open, empty sack
        window.key("F9", "dispatch_mode")
        sack = opened[1].split()[0]
        window.scan(SACK)
        window.scan("00" + sack)
        answers = window.answered(2)
    assert opened[0] and "new sack for 941xx" in opened[1], opened
    texts = [text for _, text in answers]
    assert [ok for ok, _ in answers[-8:]] == [True, True, True, True, True, False, False, True], answers
    assert "into sack (2)" in texts[-6] and "out of sack" in texts[-5], texts
    assert "closed: 1 item, " in texts[-4]
    assert "a new sack needs its destination" in texts[-3]
    assert f"sack {SACK[2:]} is still open: close it (F8) before it leaves" in texts[-2]
    assert texts[-1].endswith("sack dispatched with 1 item")
    assert [i for k, i in _sack_events(home, sack) if k == "sort-in"] == ["CP100000003US", "EE123456785US"]


def test_a_parcel_to_berlin_is_refused_by_a_941_sack_and_taken_by_the_exchange_sack_for_germany(
    display: str, tmp_path: Path
) -> None:
    # Issue 31, item 7: a parcel to Berlin went "into sack" for 941xx.
    import json

    from tests.ui.cli.test_cli_abroad import DECLARATION

    home = set_up_home(tmp_path)
    funded(home)
    assert station(home, "meter", "credit", "400.00").returncode == 0
    customs = tmp_path / "customs.json"
    customs.write_text(json.dumps(DECLARATION), encoding="utf-8")
    to_berlin = station(
        home,
        "accept",
        *(
            "--new-s10",
            "--weight",
            "2kg",
            "--from-zip",
            "10001",
            "--from",
            "Ann Smith|1 Main St|New York NY 10001",
        ),
        *("--to", "Erika Mustermann|Friedrichstr. 1", "--to-city", "Berlin", "--to-postcode", "10117"),
        *("--to-country", "DE", "--customs", str(customs), "--out", str(tmp_path / "label.zpl")),
    )
    assert to_berlin.returncode == 0, to_berlin.stderr
    parcel = to_berlin.stdout.split()[1]
    with window_on(display, home, "F3") as window:
        window.type("941")
        window.key("F7", "new_sack")
        window.answered()
        window.scan(parcel)
        refused = window.answered()[-1]
        window.key("F8", "close_sack")
        window.answered()
        window.type("de")  # the cursor is back in New sack for, its text selected: typing replaces it
        window.key("F7", "new_sack")
        opened = window.answered()[-1]
        window.scan(parcel)
        taken = window.answered()[-1]
    assert refused == (False, f"WRONG SACK: {parcel} goes abroad (DE), this sack is for 941xx"), refused
    assert opened[0] and "new sack for DE" in opened[1], opened
    assert taken == (True, f"{parcel} into sack (1)"), taken
