"""The supervisor's Fraud and Insights screens on a real X server: a month of generated history plus a
planted stop-the-clock burst, a supervisor signed in by badge and PIN, the rules run with F9, the burst's
alert acknowledged and resolved with a note typed with real Shift presses, then the charts drawn and the
PDF written with Ctrl+P. What happened is read from outside: the journal, the reviews, the PDF, pixels."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ui.x11 import count_colour, needs_x11, set_up_home, station, window_on

pytestmark = needs_x11
BLUE = (31, 95, 168)  # the report's bars
ADMIN = ("--by", "root", "--by-pin", "correct horse battery")
NOTE = "Carrier MAX interviewed: Scanned At The Unit"


def _planted_burst(home: Path) -> None:
    """Ten delivered scans by carrier.max at one office within two minutes, imported as history."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    rows = ["item_id,event,time,facility,station_id,origin_zip,dest_zip,service,operator"]
    for n in range(10):
        from station.ids import S10

        item = S10.build("CP", 70_000_000 + n, "US").text
        rows.append(f"{item},EMA,{start.isoformat()},NEW YORK NY 10001,CTR-OLD,10001,60601,ground,ana")
        at = start + timedelta(days=1, seconds=12 * n)
        rows.append(f"{item},EMI,{at.isoformat()},CHICAGO IL 60601,DLV-OLD,10001,60601,ground,carrier.max")
    (home / "burst.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # Importing is a supervisor's act on a station with operators: root runs it, sue authorises it.
    assert station(home, "signin", "root", "--pin", "correct horse battery").returncode == 0
    done = station(home, "import", "events", str(home / "burst.csv"), "--supervisor", "sue", "--pin", "7392")
    assert done.returncode == 0, done.stderr


def test_a_supervisor_resolves_a_burst_alert_and_writes_the_charts(display: str, tmp_path: Path) -> None:
    home = set_up_home(tmp_path)
    assert (
        station(
            home, "operator", "add", "root", "--role", "admin", "--pin", "correct horse battery"
        ).returncode
        == 0
    )
    assert (
        station(home, "operator", "add", "sue", "--role", "supervisor", "--pin", "7392", *ADMIN).returncode
        == 0
    )
    badge = next(
        r["badge"]
        for r in json.loads(station(home, "operator", "list", "--json").stdout)
        if r["name"] == "sue"
    )
    made = subprocess.run(
        [*station_cmd(home), "demo", "--days", "21", "--per-day", "60", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    _planted_burst(home)
    with sqlite3.connect(home / "station.sqlite3") as conn:
        waiting = conn.execute(
            "SELECT item_id FROM item_status WHERE last_kind='arrival' ORDER BY changed_at DESC LIMIT 1"
        ).fetchone()[0]
    with window_on(display, home, None) as window:
        window.scan(badge)
        window.taken("the sign-in")
        window.type("7392")
        window.press("Return")
        window.answered()
        window.key("ctrl+g", "go_fraud")
        window.key("F9", "run_rules")  # run the rules
        window.answered(timeout=30)
        window.key(
            "F7", "acknowledge"
        )  # acknowledge the first (the worst, newest) alert: the cursor goes to the note
        window.answered()
        window.type(
            NOTE, delay_ms=110
        )  # a quick typist, Shift for every capital (40 ms a key read as a scan burst under load)
        window.key("ctrl+Return", "resolve")
        window.answered()
        window.key("ctrl+i", "go_insights")
        window.answered(timeout=60)
        # the first chart (items per day) drawn: its bars are the report's blue
        shot = window.shot_until(
            "insights", lambda shot: count_colour(shot, BLUE, (0, 150, 1280, 800)) > 2000
        )
        window.key("ctrl+p", "write_pdf")
        window.answered(timeout=30)
        window.key("F5", "go_track")  # customer service: an item in flight, scanned, says when it is expected
        window.scan(waiting)
        window.answered()
        answers = window.answers()
    print(f"fraud review and insights: {window.keys} keystrokes")
    said = [text for _ok, text in answers]
    assert answers[0] == (True, "signed in: sue (supervisor)")
    assert said[1].endswith(" new)") and " alerts (" in said[1], said
    assert said[2].startswith("CP700000000US alert ") and said[2].endswith("delivery-burst acknowledged"), (
        said
    )
    assert "delivery-burst resolved" in said[3], said
    with sqlite3.connect(home / "station.sqlite3") as conn:
        review = conn.execute("SELECT state, by_operator, note FROM fraud_reviews").fetchall()
        notes = [r[0] for r in conn.execute("SELECT note FROM events WHERE kind='note'")]
    assert review == [("resolved", "sue", NOTE)]  # capitals typed with Shift arrive as typed
    assert f"fraud alert delivery-burst resolved: {NOTE}" in notes
    assert said[4].startswith("insights: "), said
    # the first chart (items per day) is on screen: its bars are the report's blue
    assert count_colour(shot, BLUE, (0, 150, 1280, 800)) > 2000
    assert said[5].startswith("report written to ") and said[5].endswith("(5 pages)"), said
    assert said[6].startswith(f"{waiting}: In transit   expected "), said  # learned by `demo --days`
    pdf = Path(said[5].removeprefix("report written to ").rsplit(" (", 1)[0])
    assert pdf.exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "accepted:" in text and "scans per operator hour" in text


def station_cmd(home: Path) -> list[str]:
    import sys

    return [sys.executable, "-m", "ui.cli.main", "--home", str(home)]
