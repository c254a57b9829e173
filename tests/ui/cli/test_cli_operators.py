"""Operators, voids and reprints from the command line: exit codes, one line each, PINs from stdin,
and the badge read back from the printed label."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_runner import Ran
from tests.renderers import decode, pdf_pages
from tests.ui.cli.test_cli_desks import station

ADMIN = ("--by", "root", "--by-pin", "correct horse battery")
ITEM = "EE123456785US"


def _accept(home: Path, tracking: str, *extra: str, weight: str = "500g") -> Ran:
    """`station accept` of a piece to San Francisco, as the clerk ann."""
    return station(
        "accept",
        "--tracking",
        tracking,
        "--weight",
        weight,
        "--from-zip",
        "10001",
        "--to-zip",
        "94105",
        "--to",
        "Bo Lee|2 Elm St|San Francisco CA 94105",
        "--out",
        str(home / f"{tracking}.zpl"),
        "--operator",
        "ann",
        *extra,
        home=home,
    )


def _station_with_staff(home: Path) -> None:
    assert (
        station(
            "operator",
            "add",
            "root",
            "--role",
            "admin",
            "--pin",
            "-",
            home=home,
            stdin="correct horse battery\n",
        ).returncode
        == 0
    )
    assert (
        station("operator", "add", "ann", "--role", "clerk", "--pin", "4821", *ADMIN, home=home).returncode
        == 0
    )
    assert (
        station(
            "operator", "add", "sue", "--role", "supervisor", "--pin", "7392", *ADMIN, home=home
        ).returncode
        == 0
    )
    assert station("meter", "init", home=home).returncode == 0
    # Once a station has operators, a command acts as whoever signed in: the clerk ann, from here on.
    signed = station("signin", "ann", "--pin", "4821", home=home)
    assert signed.returncode == 0 and "ann signed in (clerk)" in signed.stdout, signed
    unsupervised = station("meter", "credit", "100.00", home=home)
    assert unsupervised.returncode == 1 and "meter credit needs a supervisor" in unsupervised.stdout
    credited = station(
        "meter", "credit", "100.00", "--supervisor", "sue", "--pin", "7392", "--operator", "ann", home=home
    )
    assert credited.returncode == 0, credited.stdout
    accepted = _accept(home, ITEM)
    assert accepted.returncode == 0, accepted.stderr


PINS = {"ann": "4821", "sue": "7392", "dee": "3690", "joe": "5928"}


def _signed_in_as(home: Path, name: str, role: str = "") -> None:
    """`station signin NAME` (the operator added first, by root, when a role is given)."""
    if role:
        added = station("operator", "add", name, "--role", role, "--pin", PINS[name], *ADMIN, home=home)
        assert added.returncode == 0, added
    signed = station("signin", name, "--pin", PINS[name], home=home)
    assert signed.returncode == 0, signed


def test_operators_are_listed_without_secrets_and_managed_by_an_admin_only(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)
    listed = station("operator", "list", "--json", home=tmp_path)
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["role"], r["enabled"]) for r in rows] == [
        ("ann", "clerk", True),
        ("root", "admin", True),
        ("sue", "supervisor", True),
    ]
    assert "4821" not in listed.stdout and "argon2" not in listed.stdout
    by_clerk = station("operator", "disable", "sue", "--by", "ann", "--by-pin", "4821", home=tmp_path)
    assert by_clerk.returncode == 1 and "only an admin manages operators" in by_clerk.stdout
    assert station("operator", "disable", "sue", *ADMIN, home=tmp_path).returncode == 0
    weak = station("operator", "add", "bob", "--role", "clerk", "--pin", "0000", *ADMIN, home=tmp_path)
    assert weak.returncode == 1 and weak.stdout.startswith("REJECT a PIN of one digit repeated")
    odd = station("operator", "add", "bob", "--role", "boss", "--pin", "5839", *ADMIN, home=tmp_path)
    assert odd.returncode == 2 and "Traceback" not in odd.stderr  # argparse names the choices


def test_a_badge_is_a_code_128_label_that_decodes_to_the_operators_token(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)
    made = station("operator", "badge", "ann", "--out", str(tmp_path / "ann.pdf"), home=tmp_path)
    assert made.returncode == 0, made.stderr
    token = next(
        r["badge"]
        for r in json.loads(station("operator", "list", "--json", home=tmp_path).stdout)
        if r["name"] == "ann"
    )
    pages = pdf_pages((tmp_path / "ann.pdf").read_bytes())  # poppler renders it, zxing-cpp reads it
    assert [(fmt, raw) for fmt, _aim, raw in decode(pages[0])] == [("Code 128", token.encode())]
    zpl = station("operator", "badge", "ann", "--out", str(tmp_path / "ann.zpl"), home=tmp_path)
    assert zpl.returncode == 0 and (tmp_path / "ann.zpl").read_bytes().startswith(b"^XA")
    nobody = station("operator", "badge", "zed", "--out", str(tmp_path / "zed.pdf"), home=tmp_path)
    assert nobody.returncode == 1 and nobody.stdout.startswith("REJECT no operator zed")


def test_void_and_reprint_from_the_command_line(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)
    wrong = station(
        "void", ITEM, "--supervisor", "sue", "--pin", "-", "--reason", "left", home=tmp_path, stdin="1111\n"
    )
    assert wrong.returncode == 1 and wrong.stdout.startswith("REJECT override refused: wrong PIN for sue")
    assert station("reprint", ITEM, "--operator", "ann", home=tmp_path).stdout.startswith("OK")
    _signed_in_as(tmp_path, "dee", "depot")  # the depot's scan: dee signs in at the depot
    scans = tmp_path / "scans.txt"
    scans.write_text(ITEM + "\n")
    assert (
        station(
            "scan",
            "--event",
            "arrival",
            "--facility",
            "DEPOT",
            "--operator",
            "dee",
            "--input",
            str(scans),
            home=tmp_path,
        ).returncode
        == 0
    )
    _signed_in_as(tmp_path, "ann")  # back at the counter
    refused = station("reprint", ITEM, "--operator", "ann", home=tmp_path)
    assert refused.returncode == 1 and "needs a supervisor" in refused.stdout
    again = station(
        "reprint",
        ITEM,
        "--operator",
        "ann",
        "--supervisor",
        "sue",
        "--pin",
        "7392",
        "--reason",
        "torn",
        "--json",
        home=tmp_path,
    )
    assert again.returncode == 0 and json.loads(again.stdout)["reprint"] == 2
    voided = station(
        "void",
        ITEM,
        "--supervisor",
        "sue",
        "--pin",
        "7392",
        "--reason",
        "wrong address",
        "--operator",
        "ann",
        home=tmp_path,
    )
    assert voided.returncode == 0 and voided.stdout.startswith(f"OK {ITEM} voided: $")
    _signed_in_as(tmp_path, "dee")
    dead = station(
        "scan",
        "--event",
        "out-for-delivery",
        "--facility",
        "DEPOT",
        "--operator",
        "dee",
        "--input",
        str(scans),
        home=tmp_path,
    )
    assert dead.returncode == 1 and "was voided" in dead.stdout and "Traceback" not in dead.stderr


def test_a_basket_paid_in_cash_and_the_till_closed_from_the_command_line(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)  # one piece accepted outside any basket, in the morning
    opened = station("basket", "open", "--operator", "ann", "--json", home=tmp_path)
    basket = str(json.loads(opened.stdout)["basket"])
    for tracking in ("RR473124829GB", "CP000000014US"):
        added = _accept(tmp_path, tracking, "--basket", basket, weight="1kg")
        assert added.returncode == 0, added.stderr
    shown = json.loads(station("basket", "show", basket, "--json", home=tmp_path).stdout)
    total = shown["total_cents"]
    paid = station("basket", "pay", basket, "--cash", f"{(total + 1000) / 100:.2f}", "--json", home=tmp_path)
    assert paid.returncode == 0 and json.loads(paid.stdout)["change_cents"] == 1000
    closed = station(
        "till",
        "close",
        "--counted-cash",
        f"{total / 100:.2f}",
        "--json",
        "--pdf",
        str(tmp_path / "till.pdf"),
        "--operator",
        "ann",  # the clerk who worked the till (the station's default operator is none of its operators)
        home=tmp_path,
    )
    report = json.loads(closed.stdout)
    assert report["closed"] is True and report["cash_difference_cents"] == 0
    # The morning's piece was charged outside any basket and never paid: the day does not reconcile.
    assert closed.returncode == 1 and report["reconciled"] is False and report["unpaid_pieces"] == [ITEM]
    assert sum(row["pieces"] for row in report["pieces_by_service"].values()) == 3
    assert (tmp_path / "till.pdf").read_bytes().startswith(b"%PDF")
    late = station("basket", "open", home=tmp_path)
    assert late.returncode == 0  # a basket may open; nothing dated the closed day is taken
    refused = _accept(tmp_path, "CP000000028US")
    assert refused.returncode == 1 and "is closed" in refused.stderr


def test_a_case_from_the_command_line(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)
    opened = station(
        "case",
        "open",
        ITEM,
        "--kind",
        "damaged",
        "--note",
        "box crushed",
        "--operator",
        "ann",
        "--json",
        home=tmp_path,
    )
    assert opened.returncode == 0, opened.stdout + opened.stderr
    number = str(json.loads(opened.stdout)["case"])
    shown = json.loads(station("case", "show", number, "--json", home=tmp_path).stdout)
    assert shown["kind"] == "damaged" and [h["kind"] for h in shown["history"]] == ["acceptance", "dispute"]
    listed = station("case", "list", "--open", home=tmp_path)
    assert listed.returncode == 0 and f"{ITEM}" in listed.stdout and "damaged" in listed.stdout
    assert station("case", "resolve", number, "--note", "refund sent", home=tmp_path).returncode == 0
    assert station("case", "list", "--open", home=tmp_path).stdout.strip() == "no cases"
    missing = station("case", "resolve", "99", "--note", "x", home=tmp_path)
    assert missing.returncode == 1 and missing.stdout.startswith("REJECT no case 99")


def test_fraud_rules_and_a_scan_from_the_command_line(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)
    rules = json.loads(station("fraud", "rules", "--json", home=tmp_path).stdout)
    ids = {r["id"]: r for r in rules}
    assert (
        ids["delivery-burst"]["settings"] == {"count": 10, "window_s": 300} and ids["duplicate-id"]["at_scan"]
    )
    clean = station("fraud", "scan", home=tmp_path)
    assert (clean.returncode, clean.stdout.strip()) == (0, "0 alerts (0 new)")
    scans = tmp_path / "scans.txt"
    scans.write_text(ITEM + "\n")
    _signed_in_as(tmp_path, "joe", "carrier")
    assert (
        station(
            "scan",
            "--event",
            "delivered",
            "--facility",
            "SFO",
            "--operator",
            "joe",
            "--input",
            str(scans),
            home=tmp_path,
        ).returncode
        == 0
    )  # delivered, never loaded for delivery
    found = station("fraud", "scan", "--json", home=tmp_path)
    report = json.loads(found.stdout)
    assert found.returncode == 1 and report["new"] == 2
    # never loaded for delivery, and delivered in San Francisco seconds after its acceptance here
    assert sorted(a["rule"] for a in report["alerts"]) == [
        "delivered-without-out-for-delivery",
        "impossible-travel",
    ]
    assert station("fraud", "scan", home=tmp_path).stdout.strip().endswith("2 alerts (0 new)")


def test_issue_28_finding_12_a_pin_comes_from_standard_input_and_one_on_the_command_line_is_refused(
    tmp_path: Path,
) -> None:
    _station_with_staff(tmp_path)
    typed = station(
        "meter", "credit", "5.00", "--supervisor", "sue", "--pin", "-", "--operator", "ann",
        home=tmp_path, stdin="7392\n",
    )  # fmt: skip
    assert typed.returncode == 0 and typed.stderr == "", typed
    # A real process, as a shell runs it (this file's runner sends a literal PIN on standard input).
    written = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(tmp_path), "meter", "credit", "5.00",
         "--supervisor", "sue", "--pin", "7392", "--operator", "ann"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert written.returncode == 2, written
    assert written.stderr.strip() == (
        "error: a PIN on the command line can be read by any user of this machine: give '-' and type it"
        " at the prompt, or send it on standard input (nothing was done)"
    )
    assert "$105.00" in station("meter", "status", home=tmp_path).stdout  # credited once, by the typed PIN


def test_issue_31_item_17_an_operator_changes_their_pin_and_an_admin_resets_one(tmp_path: Path) -> None:
    _station_with_staff(tmp_path)  # ann 4821, a clerk
    wrong = station("operator", "pin", "ann", "--old-pin", "1357", "--new-pin", "2468", home=tmp_path)
    assert wrong.returncode == 1 and wrong.stdout.startswith("REJECT PIN not changed: wrong PIN")
    same = station("operator", "pin", "ann", "--old-pin", "4821", "--new-pin", "4821", home=tmp_path)
    assert same.returncode == 1 and "the new PIN is the one you have" in same.stdout
    changed = station("operator", "pin", "ann", "--old-pin", "4821", "--new-pin", "2468", home=tmp_path)
    assert changed.returncode == 0, changed.stdout
    assert station("signin", "ann", "--pin", "4821", home=tmp_path).returncode == 1  # the old one is dead
    assert station("signin", "ann", "--pin", "2468", home=tmp_path).returncode == 0
    by_clerk = station(
        "operator", "reset-pin", "sue", "--pin", "9753", "--by", "ann", "--by-pin", "2468", home=tmp_path
    )
    assert by_clerk.returncode == 1 and "only an admin manages operators" in by_clerk.stdout
    reset = station("operator", "reset-pin", "ann", "--pin", "3579", *ADMIN, home=tmp_path)
    assert reset.returncode == 0 and "ann new PIN set by root (journalled)" in reset.stdout
    assert station("signin", "ann", "--pin", "3579", home=tmp_path).returncode == 0
    journal = station("track", "OPERATOR-ann", home=tmp_path).stdout
    assert "PIN reset: ann given a new PIN by the admin root" in journal


def test_issue_31_item_10_station_search_shows_local_times_with_their_zone(tmp_path: Path) -> None:
    (tmp_path / "station.toml").write_text('[station]\ntime_zone = "Asia/Tokyo"\n')
    assert station("meter", "init", home=tmp_path).returncode == 0
    assert station("meter", "credit", "100.00", home=tmp_path).returncode == 0
    assert _accept(tmp_path, ITEM).returncode == 0
    found = station("search", "Bo Lee", home=tmp_path)
    assert found.returncode == 0, found.stderr
    [hit] = [line for line in found.stdout.splitlines() if ITEM in line]
    assert " JST " in hit, hit  # Tokyo's time, said as Tokyo's (UTC without a zone before)
