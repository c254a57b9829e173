"""Every key does what it says wherever the cursor is (issue 31, item 2): on X11 a line edit keeps
Ctrl+U ("delete to the start of the line") and Ctrl+E for itself, so the customs form key wiped a filled
postcode and never opened the form. The key map's keys are pressed with the focus in every kind of field
on the X server, and the customs form is opened from a filled postcode in the real window."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.ui.key_probe import FIELDS
from tests.ui.test_x11_counter import ADDRESS, _recipient, _rows
from tests.ui.x11 import accept, at_the_counter, funded, needs_x11, set_up_home, station, window_on

pytestmark = needs_x11
TEXT_FIELDS = ("line", "address box", "number", "amount", "editable drop-down")
# The two keys that act on what has the focus: in a text box they edit its text (delete a character,
# undo the typing); on the basket or the sack's list they take a piece out or undo the last sort.
FOCUSED_KEYS = ("Del", "Ctrl+Z")


def test_no_field_keeps_a_key_of_the_key_map_but_del_and_ctrl_z(display: str) -> None:
    env = {**os.environ, "DISPLAY": display}
    env.pop("QT_QPA_PLATFORM", None)
    probed = subprocess.run(
        [sys.executable, "-m", "tests.ui.key_probe"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(probed.stdout.splitlines()[-1])
    assert found["platform"] == "xcb"
    kept = {key: kinds for key, kinds in found["kept"].items() if kinds}
    assert set(kept) == set(FOCUSED_KEYS), kept  # Ctrl+U and Ctrl+E were kept by every line edit
    for key in FOCUSED_KEYS:
        assert set(kept[key]) == set(TEXT_FIELDS), key  # never by a list, a button or a table
    assert set(TEXT_FIELDS) < set(FIELDS)


def _acceptance(home: Path, item: str) -> dict[str, object]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        (extra,) = conn.execute(
            "SELECT extra FROM events WHERE kind = 'acceptance' AND item_id = ?", (item,)
        ).fetchone()
    loaded: dict[str, object] = json.loads(extra)
    return loaded


def test_the_customs_key_in_a_filled_postcode_opens_the_form_and_the_postcode_stays(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "200.00").returncode == 0
    with window_on(display, home, "F2") as window:
        window.scan("CP100000003US")  # a parcel
        window.answered()
        window.lines("Erika Mustermann", "Friedrichstr. 1")
        window.press("Tab", "Tab")  # past the mobile, into the country
        window.type("de")
        window.press("Tab")
        window.type("Berlin")
        window.press("Tab", "Tab", "Tab")  # no region, no district
        window.type("10115")  # the cursor stays in the filled postcode
        window.dialog("F7", "^Customs declaration")
        window.press("Tab", "Tab", "Tab")  # category (gift), currency (USD), invoice: the first description
        for cell in ("cotton T-shirt", "2", "25.00", "400", "610910", "US"):
            window.type(cell)
            window.press("Tab")
        window.press("ctrl+Return")
        window.logged_again(r"ui\.main_window: key F7: edit_customs$")
        window.answered()  # the form taken
        window.key("ctrl+shift+s", "focus_sender")  # the sender: an item abroad needs one (issue 34)
        window.press("Tab")
        window.lines("Ann Lee", "1 Main St", "New York NY 10001")
        window.key("F9", "accept_piece")
        answers = window.answered()
        assert answers[-1][0], answers
        window.key("ctrl+shift+e", "go_cases")  # the Cases screen, with the cursor in a field
        shown = [line for line in window.log_lines() if line.endswith("ui.main_window: screen shown: cases")]
    assert shown
    accepted = _acceptance(home, "CP100000003US")
    assert accepted["destination_country"] == "DE"
    addressee = accepted["addressee"]
    assert isinstance(addressee, dict)
    assert addressee["postcode"] == "10115" and addressee["city"] == "Berlin"
    customs = accepted["customs"]
    assert isinstance(customs, dict) and customs["items"][0]["description"] == "cotton T-shirt"


def test_after_esc_the_next_customers_name_goes_into_the_recipient_box(display: str, tmp_path: Path) -> None:
    # Issue 31, item 4: Esc emptied the form but left the cursor in Mobile, where the next name went.
    with at_the_counter(display, tmp_path) as window:  # EE123456785US scanned
        home = window.home
        window.lines("Wrong Person", "1 Main St")
        window.press("Tab")  # into the mobile box
        window.type("2125550123")
        window.key("Escape", "cancel_item")  # the customer changed their mind
        window.lines(*ADDRESS)  # the next customer's parcel has no label: the counter makes its S10
        window.key("F9", "accept_piece")
        answers = window.answered()
    assert answers[-1][0], answers
    [(item,)] = _rows(home, "SELECT item_id FROM events WHERE kind = 'acceptance'")
    assert _recipient(home, item) == list(ADDRESS)  # every line in the recipient box, none in Mobile


def test_a_piece_leaves_the_basket_by_keyboard_alone(display: str, tmp_path: Path) -> None:
    # Issue 31, item 6: the basket could not be reached with Tab and Del said "(click it)".
    with at_the_counter(display, tmp_path) as window:  # EE123456785US scanned
        home = window.home
        window.lines(*ADDRESS)
        window.key("F9", "accept_piece")
        window.answered()
        window.scan("CP100000003US")
        window.answered()
        window.lines("Ann Ode", "9 Pike St", "Seattle WA 98101")
        window.key("F9", "accept_piece")
        window.answered()
        window.press("shift+Tab")  # from the recipient box to the basket, the newest piece chosen
        window.press("Up")  # the first piece
        window.key("Delete", "remove_line")
        answers = window.answered()
    assert answers[-1][0] and "EE123456785US" in answers[-1][1], answers
    voided = _rows(home, "SELECT item_id FROM events WHERE kind = 'void'")
    assert voided == [("EE123456785US",)]


def test_a_new_case_is_the_selected_one_so_its_first_note_needs_no_click(
    display: str, tmp_path: Path
) -> None:
    # Issue 31, item 6: after F9 no case was selected, and Ctrl+N answered "select a case first".
    home = set_up_home(tmp_path)
    funded(home)
    accept(home, tmp_path, "Bo Lee|1 Main St", "94105", tracking="EE123456785US")
    with window_on(display, home, "ctrl+shift+e") as window:
        window.scan("EE123456785US")
        window.answered()
        window.type("says it never came")
        window.key("F9", "open_case")
        window.answered()
        window.type("called the depot")
        window.key("ctrl+n", "add_note")
        answers = window.answered()
    assert answers[-1][0], answers
    notes = _rows(home, "SELECT note FROM case_notes ORDER BY id")
    assert [n for (n,) in notes] == ["says it never came", "called the depot"]
