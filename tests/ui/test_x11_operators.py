"""Operators at the window, on a real X server: a badge scanned by the wedge scanner then a PIN typed,
a two-piece basket paid in cash, a supervisor's override given by their badge and PIN at the clerk's
window, the idle lock. What happened is read from outside: journal, baskets, print queue, station log.
Each story prints the person's keystrokes (the scanner's are not counted)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from tests.ui.x11 import Window, needs_x11, set_up_home, station, window_on

pytestmark = needs_x11
ADDRESS = ("Bob Lee", "2 Elm St", "San Francisco CA 94105")
ADMIN = ("--by", "root", "--by-pin", "correct horse battery")


def _rows(home: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]


def _staffed_home(tmp: Path, settings: str = "") -> tuple[Path, dict[str, str]]:
    """A station with an admin, a clerk (ann, 4821) and a supervisor (sue, 7392), funded; their badges."""
    home = set_up_home(tmp, settings or '[station]\n[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\n')
    assert (
        station(
            home, "operator", "add", "root", "--role", "admin", "--pin", "correct horse battery"
        ).returncode
        == 0
    )
    for name, role, pin in (("ann", "clerk", "4821"), ("sue", "supervisor", "7392")):
        assert station(home, "operator", "add", name, "--role", role, "--pin", pin, *ADMIN).returncode == 0
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "signin", "ann", "--pin", "4821").returncode == 0  # the command line acts as ann
    credit = ("meter", "credit", "200.00", "--supervisor", "sue", "--pin", "7392", "--operator", "ann")
    assert station(home, *credit).returncode == 0
    badges = {r["name"]: r["badge"] for r in json.loads(station(home, "operator", "list", "--json").stdout)}
    return home, badges


def _sign_in(window: Window, badge: str, pin: str) -> None:
    """The badge scanned, the PIN typed, Enter; until the window answers."""
    window.scan(badge)
    window.taken("the sign-in")  # the cursor is in the PIN box
    window.type(pin)
    window.press("Return")
    window.answered()


def _two_pieces(window: Window) -> None:
    """Two parcels scanned, addressed and accepted into the basket, each answered."""
    for item in ("EE123456785US", "RR473124829GB"):
        window.scan(item)
        window.answered()
        window.lines(*ADDRESS)
        window.key("F9", "accept_piece")
        window.answered()


def test_a_clerk_signs_in_with_the_badge_sees_only_their_screens_and_the_window_locks_when_idle(
    display: str, tmp_path: Path
) -> None:
    home, badges = _staffed_home(tmp_path, '[station]\nlock_after_s = 6\n[devices]\ncamera = "off:"\n')
    with window_on(display, home, None) as window:
        window.scan("EE123456785US")  # locked: a parcel scan is not taken by any screen
        window.taken("the sign-in")
        window.scan(badges["ann"])
        window.taken("the sign-in")
        window.type("4821", delay_ms=120)
        window.press("Return")
        answers = window.answered()
        keys = window.keys
        window.key("F3", "go_depot")  # the depot is not a clerk's screen
        window.key("F2", "go_counter")
        window.logged_again("window locked; ann signed out", timeout=30)  # untouched for lock_after_s
        log = (home / "logs" / "station.log").read_text()
        window.scan("RR473124829GB")  # after the lock: the sign-in takes it, the counter does not
        window.taken("the sign-in")
    print(f"sign-in with a scanned badge: {keys} keystrokes")
    assert answers[0] == (True, "signed in: ann (clerk)")
    assert any(
        "ann is a clerk: the Depot screen is not theirs" in text for ok, text in window.answers() if not ok
    )
    assert "window locked; ann signed out" in log
    assert "4821" not in log  # the PIN typed is never logged
    assert keys == 5  # the PIN and Enter; the badge is scanned
    scanned = _rows(home, "SELECT count(*) FROM events WHERE kind != 'override'")  # (the set-up's credit)
    assert scanned == [(0,)]  # neither parcel scan reached a screen


def test_a_two_piece_basket_paid_in_cash_prints_one_receipt_with_the_change(
    display: str, tmp_path: Path
) -> None:
    home, badges = _staffed_home(tmp_path)
    with window_on(display, home, None) as window:
        _sign_in(window, badges["ann"], "4821")
        start = window.keys
        _two_pieces(window)
        window.dialog("F10", "^Cash$")
        window.type("100.00", delay_ms=60)
        window.press("Return")
        answers = window.answered()
        keys = window.keys - start
    print(f"two-piece basket paid in cash: {keys} keystrokes (addresses included)")
    basket = _rows(home, "SELECT state, method, total_cents, tendered, change_cents FROM baskets")
    assert len(basket) == 1 and basket[0][:2] == ("paid", "cash")
    total, tendered, change = basket[0][2:]
    assert tendered == 10_000 and change == tendered - total
    lines = _rows(home, "SELECT item_id FROM basket_lines ORDER BY rowid")
    assert lines == [("EE123456785US",), ("RR473124829GB",)]
    receipts = _rows(home, "SELECT description FROM print_jobs WHERE description LIKE 'receipt %'")
    assert receipts == [("receipt basket 1",)]
    assert any(ok and "2 pieces" in text and "by cash" in text and "change $" in text for ok, text in answers)
    assert _rows(home, "SELECT DISTINCT operator FROM events WHERE kind = 'acceptance'") == [("ann",)]


def test_a_supervisor_overrides_a_reprint_with_badge_and_pin_at_the_clerks_window(
    display: str, tmp_path: Path
) -> None:
    home, badges = _staffed_home(tmp_path)
    with window_on(display, home, None) as window:
        _sign_in(window, badges["ann"], "4821")
        window.scan("EE123456785US")
        window.answered()
        window.lines(*ADDRESS)
        window.key("F9", "accept_piece")
        window.answered()
        scans = home / "scans.txt"
        scans.write_text("EE123456785US\n")
        arrived = station(
            home,
            "scan",
            "--event",
            "arrival",
            "--facility",
            "DEPOT",
            "--input",
            str(scans),
        )  # as whoever signed in at the command line (ann): a scan names a proven operator
        assert arrived.returncode == 0
        start = window.keys
        window.dialog("ctrl+r", "^Reprint a label$")  # any item's label; Enter takes the last one
        window.press("Return")
        window.wait_dialog("^Supervisor: ")  # the label again: refused now, and the supervisor asked
        window.scan(badges["sue"])  # the supervisor's badge, into the question
        window.taken("a dialog")
        window.type("7392")
        window.press("Return")
        window.answered(2)  # refused, then reprinted once the question was answered
        keys = window.keys - start
    print(f"supervisor override (reprint after a scan): {keys} keystrokes")
    kinds = _rows(
        home, "SELECT kind, operator, extra FROM events WHERE item_id = 'EE123456785US' ORDER BY seq"
    )
    assert [k for k, _o, _e in kinds] == ["acceptance", "arrival", "override", "reprint"]
    override = json.loads(kinds[2][2])
    assert override == {"action": "reprint", "supervisor": "sue", "operator": "ann"}
    assert _rows(home, "SELECT description FROM print_jobs WHERE reprint_of IS NOT NULL") == [
        ("REPRINT 1 label EE123456785US",)
    ]
    assert keys == 7  # Ctrl+R, Enter (the last item), the PIN, Enter


def test_pin_on_delivery_at_the_door_a_wrong_code_then_the_right_one(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00").returncode == 0
    accepted = station(
        home,
        "accept",
        "--tracking",
        "EE123456785US",
        "--weight",
        "500g",
        "--from-zip",
        "10001",
        "--to-zip",
        "94105",
        "--to",
        "|".join(ADDRESS),
        "--phone",
        "+12015550123",
        "--pin-delivery",
        "--out",
        str(tmp_path / "label.zpl"),
    )
    assert accepted.returncode == 0, accepted.stderr
    assert station(home, "sms", "inbound", "--from", "+12015550123", "--body", "YES").returncode == 0
    phone = tmp_path / "phone.jsonl"  # the recipient's phone: what the gateway was handed
    with window_on(display, home, "F4") as window:
        window.key("F7", "loading_stage")
        window.scan("EE123456785US")  # loaded: the code is made and texted
        window.answered()
        assert station(home, "sms", "worker", "--once", "--gateway", f"log://{phone}").returncode == 0
        code = next(
            w.rstrip(".")
            for line in phone.read_text().splitlines()
            for w in json.loads(line)["body"].split()
            if w.rstrip(".").isdigit() and len(w.rstrip(".")) == 4
        )
        wrong = "0000" if code != "0000" else "1111"
        window.key("F8", "door_stage")
        window.scan("EE123456785US")
        window.answered()
        start = window.keys
        window.type(wrong, delay_ms=80)
        window.key("F9", "deliver")
        window.answered()
        window.type(code, delay_ms=80)
        window.key("F9", "deliver")
        answers = window.answered()
        keys = window.keys - start
    print(f"PIN on delivery: {keys} keystrokes for a wrong code and the right one")
    assert any(not ok and "wrong code: 2 more tries" in text for ok, text in answers)
    assert answers[-1] == (True, "EE123456785US delivered: the recipient gave the code")
    delivered = _rows(home, "SELECT extra FROM events WHERE kind = 'delivered'")
    assert [json.loads(e) for (e,) in delivered] == [{"proof": "delivery code"}]
    log = (home / "logs" / "station.log").read_text()
    assert code not in log and wrong not in log  # what was typed is never logged


def test_issue_29_a_paid_piece_voided_at_the_window_is_refunded_in_cash_and_the_drawer_matches(
    display: str, tmp_path: Path
) -> None:
    settings = (
        '[station]\n[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\n'
        'receipt_printer_profile = "pdf-receipt"\n'
    )
    home, badges = _staffed_home(tmp_path, settings)
    with window_on(display, home, None) as window:
        _sign_in(window, badges["ann"], "4821")
        _two_pieces(window)
        window.dialog("F10", "^Cash$")
        window.type("100.00", delay_ms=60)
        window.press("Return")
        window.answered()
        window.dialog("ctrl+shift+v", "^Void a paid piece$")  # the customer wants the second piece back
        window.scan("RR473124829GB")  # its label scanned: the question about an id takes the scan
        window.taken("a dialog")
        window.wait_dialog("^Supervisor: void RR473124829GB$")
        window.type("sue", delay_ms=60)  # the supervisor, at the clerk's window
        window.press("Tab")
        window.type("customer changed their mind", delay_ms=30)
        window.press("Tab")
        window.type("7392", delay_ms=80)
        window.press("Return")
        window.wait_dialog("^Refund to the customer$")
        window.type("cash", delay_ms=60)  # paid in cash: refunded in cash
        window.press("Return")
        window.answered()
        total, refunded = _rows(
            home,
            "SELECT (SELECT total_cents FROM baskets), (SELECT coalesce(sum(cents), 0) FROM refunds)",
        )[0]
        window.dialog("ctrl+shift+t", "^Close the till$")  # the day closed with what the drawer holds
        window.type(f"{(total - refunded) / 100:.2f}", delay_ms=60)
        window.press("Return")
        answers = window.answered()
    refunds = _rows(home, "SELECT item_id, method, cents, operator, supervisor FROM refunds")
    assert refunds == [("RR473124829GB", "cash", refunded, "ann", "sue")] and refunded > 0
    receipt = _rows(home, "SELECT payload FROM print_jobs WHERE description = 'refund receipt RR473124829GB'")
    pdf = tmp_path / "refund.pdf"
    pdf.write_bytes(bytes(receipt[0][0]))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "REFUND" in text and "RR473124829GB" in text and f"AMOUNT ${refunded / 100:.2f}" in text
    assert "CASH" in text and "authorised by sue" in text
    kept = json.loads(_rows(home, "SELECT report FROM till_days")[0][0])
    assert kept["cash_expected_cents"] == total - refunded and kept["cash_difference_cents"] == 0
    assert kept["reconciled"] is True and kept["refunds"] == {"cash": {"refunds": 1, "cents": refunded}}
    assert any(ok and "refunded in cash" in text for ok, text in answers), answers
    assert any(ok and "closed: reconciled; cash difference $0.00" in text for ok, text in answers), answers


def test_issue_31_item_17_an_admin_manages_operators_in_the_window_and_a_clerk_changes_their_pin(
    display: str, tmp_path: Path
) -> None:
    # Before: operators were managed from the command line only, and there was no PIN change at all.
    home, badges = _staffed_home(tmp_path)
    with window_on(display, home, None) as window:
        _sign_in(window, badges["root"], "correct horse battery")
        window.key("ctrl+shift+o", "go_operators")
        window.type("bob.ray")  # the name box has the keys; the role stays clerk
        window.dialog("F9", "^add bob.ray: your PIN$")
        window.type("correct horse battery")
        window.press("Return")
        window.wait_dialog("^New PIN$")
        window.type("5926")
        window.press("Return")
        window.wait_dialog("^New PIN again$")
        window.type("5926")
        window.press("Return")
        added = window.answered()[-1]
        window.key("ctrl+p", "print_badge")  # bob.ray is selected: his badge to the label printer
        badge = window.answered()[-1]
        window.press("Tab", "Tab", "Up")  # the name, the role, the list: from bob.ray up to ann
        window.dialog("F7", "^disable ann: your PIN$")
        window.type("correct horse battery")
        window.press("Return")
        disabled = window.answered()[-1]
        window.key("ctrl+l", "lock")
        window.type("bob.ray")  # signs in by name
        window.press("Tab")
        window.type("5926")
        window.press("Return")
        signed_in = window.answered()[-1]
        window.dialog("ctrl+shift+p", "^Your PIN$")
        window.type("5926")
        window.press("Return")
        window.wait_dialog("^Your new PIN$")
        window.type("7148")
        window.press("Return")
        window.wait_dialog("^Your new PIN again$")
        window.type("7148")
        window.press("Return")
        changed = window.answered()[-1]
    assert added[0] and added[1].startswith("bob.ray clerk, badge OP-"), added
    assert badge[0] and badge[1].startswith("bob.ray badge queued as job "), badge
    assert disabled == (True, "ann disabled"), disabled
    assert signed_in == (True, "signed in: bob.ray (clerk)")
    assert changed == (True, "bob.ray PIN changed"), changed
    people = {r["name"]: r for r in json.loads(station(home, "operator", "list", "--json").stdout)}
    assert people["bob.ray"]["role"] == "clerk" and not people["ann"]["enabled"]
    assert station(home, "signin", "bob.ray", "--pin", "7148").returncode == 0
    assert station(home, "signin", "bob.ray", "--pin", "5926").returncode == 1
    assert _rows(home, "SELECT count(*) FROM print_jobs WHERE description = 'badge bob.ray'") == [(1,)]
    log = (home / "logs" / "station.log").read_text()
    assert not any(pin in log for pin in ("5926", "7148", "correct horse battery"))
