"""Issue 31, items 16 and 17: what the lock does on a real X server. A window already running notices the
first operator added from a shell and locks; the idle lock puts away an open dialog (the customs form
with the customer's goods) and the clerk's rejects, shows neither to the next person, and gives both
back to the clerk who had them. Before: the window went on unnamed, the customs form stayed on top and
editable over the sign-in, and the next clerk saw the previous one's rejects with customers' names."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.ui.test_x11_operators import _sign_in, _staffed_home
from tests.ui.x11 import funded, needs_x11, set_up_home, station, tray_red, window_on

pytestmark = needs_x11


def test_a_window_with_no_operators_locks_when_the_first_is_added_from_a_shell(
    display: str, tmp_path: Path
) -> None:
    home = set_up_home(tmp_path)
    funded(home)
    with window_on(display, home, "F2") as window:
        window.scan("EE123456785US")
        window.taken("the counter screen")  # nobody named yet: the counter takes it
        added = station(home, "operator", "add", "root", "--role", "admin", "--pin", "correct horse battery")
        assert added.returncode == 0, added.stderr
        window.logged_again(r"operators were added elsewhere: the window locks for a sign-in")
        window.scan("RR473124829GB")
        window.taken("the sign-in")  # from now on nobody works at it unnamed


def test_the_idle_lock_puts_away_the_customs_form_and_the_rejects_and_gives_them_back_to_their_clerk(
    display: str, tmp_path: Path
) -> None:
    home, badges = _staffed_home(tmp_path, '[station]\nlock_after_s = 6\n[devices]\ncamera = "off:"\n')
    with window_on(display, home, None) as window:
        _sign_in(window, badges["ann"], "4821")
        window.scan("EE123456784US")  # a wrong check digit: a reject in ann's tray
        window.answered()
        window.scan("CP123456785US")
        window.answered()
        window.address_abroad(("Erika Mustermann", "Unter den Linden 77"), "de", "Berlin", "", "10117")
        window.key("ctrl+shift+s", "focus_sender")  # the sender: an item abroad needs one (issue 34)
        window.press("Tab")
        window.lines("Ann Lee", "1 Main St", "New York NY 10001")
        rejects_while_working = tray_red(window.settled_shot("working"))
        window.dialog("F7", "^Customs declaration")
        window.customs_row("cotton T-shirt", "2", "25.00", "400", "610910", "US")
        window.logged_again(r"window locked; ann signed out", timeout=30)  # untouched for lock_after_s
        window.wait_no_dialog("^Customs declaration")
        locked = tray_red(window.settled_shot("locked"))
        _sign_in(window, badges["sue"], "7392")  # the next person at the window
        for_sue = tray_red(window.settled_shot("sue"))
        window.key("ctrl+l", "lock")
        _sign_in(window, badges["ann"], "4821")  # ann is back: her rejects and her customs form too
        for_ann = tray_red(window.settled_shot("ann again"))
        window.dialog("F7", "^Customs declaration")
        window.press("ctrl+Return")  # the form as she left it, taken
        window.answered()
        window.key("F9", "accept_piece")
        answers = window.answered()
    log = (home / "logs" / "station.log").read_text()
    assert "window locked: the 'Customs declaration (CN 22 / CN 23)' dialog put away" in log
    assert "window locked: 1 reject of ann put away until they sign in" in log
    assert rejects_while_working > 50 and locked == 0 and for_sue == 0 and for_ann > 50
    assert answers[-1][0] and "CP123456785US accepted" in answers[-1][1], answers
    with sqlite3.connect(home / "station.sqlite3") as conn:
        [(extra,)] = conn.execute("SELECT extra FROM events WHERE kind = 'acceptance'").fetchall()
    [goods] = json.loads(extra)["customs"]["items"]
    assert (goods["description"], goods["quantity"], goods["hs_code"]) == ("cotton T-shirt", 2, "610910")
