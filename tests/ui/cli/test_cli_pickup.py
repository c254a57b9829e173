"""A card through the door, the item on the pickup shelf, collected with ID and its code, or sent back to
its sender: as a shell sees it, the card printed on a receipt printer over TCP and read back."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.cli_runner import Ran, run_station
from tests.pseudo_devices.virtual_printer import VirtualPrinter
from tests.renderers import ZplRenderer, decode, escpos_raster

ITEM = "EE123456785US"
SF = ("Ann Lee", "1 Market St", "San Francisco CA 94105")
SENDER = "Bo Diaz, 9 Elm St, Seattle WA 98101"


@pytest.fixture
def printer() -> Iterator[VirtualPrinter]:
    p = VirtualPrinter()
    yield p
    p.close()


def station(*args: str, home: Path, stdin: str = "") -> Ran:
    return run_station(*args, env={"STATION_HOME": str(home)}, stdin=stdin)


def _home(tmp_path: Path, printer: VirtualPrinter, profile: str = "escpos-80mm") -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "station.toml").write_text(
        '[station]\nfacility = "SFO-MAIN"\noffice_address = "1300 Evans Ave, San Francisco CA"\n'
        'tracking_url = "https://track.example-post.org"\ntime_zone = "America/Los_Angeles"\n'
        f'[devices]\nreceipt_printer = "{printer.url}"\nreceipt_printer_profile = "{profile}"\n'
        f'printer = "{printer.url}"\n'
    )
    return home


def _print(home: Path, printer: VirtualPrinter) -> bytes:
    sent = station("print", "--printer", printer.url, "--wait", "10", home=home)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert printer.jobs
    return printer.jobs[-1]


def _card_code(text: str) -> str:
    found = re.search(r"PICKUP CODE (\d{6})", text)
    assert found, text
    return found.group(1)


def _accepted(home: Path) -> str:
    assert station("meter", "init", home=home).returncode == 0
    assert station("meter", "credit", "50.00", home=home).returncode == 0
    done = station(
        "accept",
        "--new-s10",
        "--weight",
        "800g",
        "--from-zip",
        "98101",
        "--to-zip",
        "94105",
        "--service",
        "ground",
        "--from",
        SENDER.replace(", ", "|"),
        "--to",
        "|".join(SF),
        "--out",
        str(home / "label.zpl"),
        "--json",
        home=home,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return str(json.loads(done.stdout)["id"])


def test_a_notice_card_on_the_receipt_printer_reads_back_and_its_code_releases_the_item(
    tmp_path: Path, printer: VirtualPrinter
) -> None:
    home = _home(tmp_path, printer)
    station("load", ITEM, home=home)
    done = station("attempt", ITEM, "--reason", "ADDRESSEE_ABSENT", "--notice", home=home)
    assert done.returncode == 0, done.stdout
    assert "notice card printed" in done.stdout and "collect from" in done.stdout
    card = escpos_raster(_print(home, printer))
    codes = {fmt: raw.decode() for fmt, _aim, raw in decode(card)}
    assert codes["QR Code"] == f"https://track.example-post.org/track/{ITEM}"
    item, code = codes["Code 128"].split("/")  # the counter scans the card: the item and its code
    assert item == ITEM and len(code) == 6 and code.isdigit()
    with sqlite3.connect(home / "station.sqlite3") as conn:
        stored = "\n".join(
            str(row)
            for table in ("pickup_codes", "events", "print_jobs")
            for row in conn.execute(f"SELECT * FROM {table} WHERE item_id = ?", (ITEM,))
            if table != "print_jobs"
        )
    assert code not in stored  # kept as an HMAC only
    station("return", ITEM, home=home)
    station("hold", ITEM, "--shelf", "A1", home=home)
    noid = station("pickup", codes["Code 128"], "--id", "passport", home=home)
    assert noid.returncode == 1 and "last 4" in noid.stdout
    done = station("pickup", codes["Code 128"], "--id", "passport:X1234", home=home)  # the card scanned
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith(f"OK {ITEM} handed over (pickup code, passport ...1234)")


def test_hold_report_and_pickup_with_id_and_wrong_codes_limited(
    tmp_path: Path, printer: VirtualPrinter
) -> None:
    home = _home(tmp_path, printer)
    station("load", ITEM, home=home)
    station("attempt", ITEM, "--reason", "ADDRESSEE_ABSENT", home=home)
    station("return", ITEM, home=home)
    bad = station("hold", ITEM, "--shelf", "A 3!", home=home)
    assert bad.returncode == 1 and "shelf" in bad.stdout
    held = station("hold", ITEM, "--shelf", "a3", "--json", home=home)
    assert held.returncode == 0, held.stdout
    until = json.loads(held.stdout)["until"]
    listed = station("report", "held", home=home)
    assert (
        f"A3     {ITEM}" in listed.stdout and "(0 d)" in listed.stdout and "RETURN DUE" not in listed.stdout
    )
    tracked = station("track", ITEM, home=home)
    assert "Waiting for pickup" in tracked.stdout and "EDH  held" in tracked.stdout

    nocode = station("pickup", ITEM, "--id", "passport:1234", home=home)
    assert nocode.returncode == 1 and "code" in nocode.stdout
    for left in (2, 1):
        wrong = station("pickup", ITEM, "--id", "passport:1234", "--code", "000000", home=home)
        assert wrong.returncode == 1 and f"wrong code: {left} more" in wrong.stdout
    locked = station("pickup", ITEM, "--id", "passport:1234", "--code", "000000", home=home)
    assert "3 in all" in locked.stdout
    # Locked: ID and a signature instead; only the last 4 characters of the document are kept.
    sig = tmp_path / "sig.json"
    sig.write_text(
        json.dumps(
            {"width": 400, "height": 120, "strokes": [[[20 + 5 * t, 40 + (t % 9) * 6] for t in range(60)]]}
        )
    )
    done = station(
        "pickup",
        ITEM,
        "--id",
        "driving-licence:D9Q4-7WK2-8XYZ",
        "--signature",
        str(sig),
        "--name",
        "Ann Lee",
        home=home,
    )
    assert done.returncode == 0, done.stdout
    assert "8XYZ" in done.stdout
    with sqlite3.connect(home / "station.sqlite3") as conn:
        (extra,) = conn.execute("SELECT extra FROM events WHERE kind = 'picked-up'").fetchone()
        everything = "\n".join(str(row) for row in conn.execute("SELECT * FROM events"))
    assert json.loads(extra)["identity"] == {"kind": "driving-licence", "last4": "8XYZ", "name": "Ann Lee"}
    assert "7WK2" not in everything and "D9Q4" not in everything  # never the whole number
    assert "nothing waits for pickup" in station("report", "held", home=home).stdout
    assert station("track", ITEM, home=home).stdout.splitlines()[0].endswith("Delivered")
    assert date.fromisoformat(until) >= date.today() + timedelta(days=14)


def test_the_code_from_the_card_releases_the_item_once(tmp_path: Path, printer: VirtualPrinter) -> None:
    home = _home(tmp_path, printer, profile="zebra-zd421-203")  # the van's printer takes ZPL
    station("load", ITEM, home=home)
    station("attempt", ITEM, "--reason", "ADDRESSEE_ABSENT", "--notice", home=home)
    zpl = _print(home, printer)
    assert zpl.startswith(b"^XA")
    renderer = ZplRenderer()
    try:
        pages = renderer.render(zpl, 4, 6, 203)
    finally:
        renderer.close()
    found = {fmt: raw.decode() for fmt, _aim, raw in decode(pages[0])}
    assert found["Code 128"].startswith(f"{ITEM}/") and found["QR Code"].endswith(f"/track/{ITEM}")
    station("return", ITEM, home=home)
    station("hold", ITEM, "--shelf", "B1", home=home)
    code = found["Code 128"].split("/")[1]
    done = station("pickup", ITEM, "--id", "passport:X1234", "--code", code, home=home)
    assert done.returncode == 0, done.stdout
    again = station("pickup", ITEM, "--id", "passport:X1234", "--code", code, home=home)
    assert again.returncode == 1 and "not waiting for pickup" in again.stdout


def test_not_collected_in_time_is_listed_and_goes_back_to_its_sender_with_a_label(
    tmp_path: Path, printer: VirtualPrinter
) -> None:
    home = _home(tmp_path, printer, profile="zebra-zd421-203")
    item = _accepted(home)
    station("load", item, home=home)
    station("attempt", item, "--reason", "ADDRESSEE_ABSENT", home=home)
    station("return", item, home=home)
    station("hold", item, "--shelf", "C2", home=home)
    found = station("report", "held", "--find", "LEE", home=home)  # by the addressee's name, any case
    assert f"C2     {item}" in found.stdout
    assert "nothing waits" in station("report", "held", "--find", "Diaz", home=home).stdout
    later = (date.today() + timedelta(days=16)).isoformat()
    assert "RETURN DUE" not in station("report", "held", home=home).stdout
    listed = station("report", "held", "--on", later, home=home)
    assert "RETURN DUE" in listed.stdout and "1 to return to their senders" in listed.stdout
    back = station("return-to-sender", item, home=home)
    assert back.returncode == 0, back.stdout
    label = _print(home, printer)
    assert b"RETURN TO SENDER" in label and b"Bo Diaz" in label and b"Seattle" in label
    tracked = station("track", item, home=home)
    assert (
        "Returned" in tracked.stdout and "not collected within the holding period" in tracked.stdout.lower()
    )
    unknown = station("return-to-sender", ITEM, home=home)
    assert unknown.returncode == 1
