"""A drop-off at the counter on a real X server (issue 34, item 1): three prepaid parcels (another
postage provider's labels) scanned, each taken in by F9 with nothing charged, and F8 prints one drop-off
receipt listing the three, read back from the PDF the receipt printer was sent."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.ui.x11 import funded, needs_x11, set_up_home, station, window_on

pytestmark = needs_x11
PREPAID = ("9205590164917312345677", "9205590164917312345684", "9205590164917312345691")


def test_three_prepaid_parcels_three_scans_three_f9_one_receipt(display: str, tmp_path: Path) -> None:
    home = set_up_home(
        tmp_path,
        '[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\nreceipt_printer_profile = "pdf-receipt"\n',
    )
    funded(home)
    before = station(home, "meter", "status").stdout
    with window_on(display, home, "F2") as window:
        start = window.keys
        for item in PREPAID:
            window.scan(item)
            said = window.answered()[-1]
            assert said == (True, f"{item}: prepaid: F9 takes it in"), said
            window.key("F9", "accept_piece")
            taken = window.answered()[-1]
            assert taken[0] and "taken in, nothing charged" in taken[1], taken
        window.key("F8", "dropoff_receipt")
        printed = window.answered()[-1]
        keys = window.keys - start
    print(f"drop-off of three prepaid parcels: three scans and {keys} keys (F9 each, F8 once)")
    assert printed[0] and "drop-off receipt for 3 piece(s)" in printed[1], printed
    assert station(home, "meter", "status").stdout == before  # nothing charged: the registers as they were
    with sqlite3.connect(home / "station.sqlite3") as conn:
        accepted = [
            r[0] for r in conn.execute("SELECT item_id FROM events WHERE kind = 'acceptance' ORDER BY seq")
        ]
        (payload,) = conn.execute(
            "SELECT payload FROM print_jobs WHERE description LIKE 'drop-off receipt%'"
        ).fetchone()
    assert accepted == list(PREPAID)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=bytes(payload), capture_output=True, check=True
    ).stdout
    assert b"DROP-OFF RECEIPT" in text and b"3 pieces taken in" in text
    assert all(item.encode() in text for item in PREPAID)
