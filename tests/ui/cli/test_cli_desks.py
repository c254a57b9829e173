"""Every use case of the window is a `station` command: OK / REJECT lines, exit 0 / 1, and --json."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from tests.cli_runner import Ran, run_station

GS = "\x1d"
SEATTLE_IMPB = f"]C142098101{GS}9205590164917312345677"
SF_IMPB = f"]C142094105{GS}920559016491731234564"


def station(*args: str, home: Path | None = None, stdin: str = "") -> Ran:
    return run_station(*args, env={"STATION_HOME": str(home)} if home is not None else {}, stdin=stdin)


def test_sack_new_sort_with_the_destination_rule_close_dispatch_receive(tmp_path: Path) -> None:
    made = station("sack", "new", "--destination", "941", home=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("OK ") and "new sack for 941xx" in made.stdout
    sscc = made.stdout.split()[1]
    assert len(sscc) == 18 and sscc.isdigit()

    def sort_in(*scans: str) -> Ran:
        lines = "".join(f"{scan}\n" for scan in scans)
        return station(
            "scan",
            "--event",
            "sort-in",
            "--sack",
            sscc,
            "--facility",
            "SFO",
            "--operator",
            "dee",
            home=tmp_path,
            stdin=lines,
        )

    sorted_ = sort_in(SEATTLE_IMPB, SF_IMPB)
    lines = sorted_.stdout.splitlines()
    assert sorted_.returncode == 1
    assert lines[0] == "REJECT WRONG SACK: 9205590164917312345677 goes to 98101, this sack is for 941xx"
    assert lines[1] == "OK 920559016491731234564"
    removed = station("sack", "remove", sscc, "920559016491731234564", "--json", home=tmp_path)
    assert removed.returncode == 0 and json.loads(removed.stdout)["ok"] is True
    assert sort_in(SF_IMPB).returncode == 0
    closed = station("sack", "close", sscc, "--json", home=tmp_path)
    answer = json.loads(closed.stdout)
    assert closed.returncode == 0 and answer["items"] == 1 and answer["state"] == "closed"
    assert answer["event"]["kind"] == "sack-close" and answer["event"]["upu_code"] == "EDE"
    again = station("sack", "close", sscc, home=tmp_path)
    assert again.returncode == 1 and again.stdout.startswith(f"REJECT sack {sscc} is closed")
    assert station("sack", "dispatch", sscc, home=tmp_path).returncode == 0
    received = station("sack", "receive", sscc, "--facility", "SEA", home=tmp_path)
    assert received.returncode == 0 and received.stdout == f"OK {sscc} sack received with 1 item\n"
    bad = station("sack", "new", "--destination", "Seattle", home=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.startswith("REJECT destination 'Seattle' is not a sack destination")


def test_deliver_with_a_signature_file_and_a_second_delivery_refused(tmp_path: Path) -> None:
    strokes = [[[20 + t * 5, 60 - 25 * math.sin(t / 3)] for t in range(61)]]
    signature = tmp_path / "sig.json"
    signature.write_text(json.dumps({"width": 400, "height": 120, "strokes": strokes}))
    assert station("load", "RR473124829GB", home=tmp_path).stdout == "OK RR473124829GB on the round\n"
    done = station(
        "deliver",
        "RR473124829GB",
        "--signature",
        str(signature),
        "--name",
        "B. Müller",
        "--json",
        home=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    pod = Path(answer["proof_of_delivery"])
    assert pod.read_bytes().startswith(b"%PDF")
    proof = pod.read_bytes()
    again = station("deliver", "RR473124829GB", "--signature", str(signature), "--name", "Eve", home=tmp_path)
    assert again.returncode == 1
    assert again.stdout.startswith("REJECT RR473124829GB was already delivered")
    assert pod.read_bytes() == proof and len(list(pod.parent.iterdir())) == 1
    missing = station(
        "deliver", "EE123456785US", "--signature", str(tmp_path / "no.png"), "--name", "Bo", home=tmp_path
    )
    assert missing.returncode == 1 and missing.stdout.startswith("REJECT cannot read the signature file")


def test_attempt_lists_its_reasons_in_words_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    helped = station("attempt", "--help")
    assert "ADDRESSEE_ABSENT = addressee absent, notice left" in " ".join(helped.stdout.split())
    station("load", "EE123456785US", home=tmp_path)
    done = station("attempt", "EE123456785US", "--reason", "NO_ACCESS", home=tmp_path)
    assert done.stdout == "OK EE123456785US attempted: no access to the delivery point\n"
    unknown = station("attempt", "EE123456785US", "--reason", "LAZY", home=tmp_path)
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


def test_note_and_dispute_from_the_command_line(tmp_path: Path) -> None:
    assert station("note", "RR473124829GB", "called", home=tmp_path).returncode == 1  # never scanned
    station("load", "RR473124829GB", home=tmp_path)
    noted = station("note", "RR473124829GB", "customer called", home=tmp_path)
    assert noted.stdout == "OK RR473124829GB note saved\n"
    tracked = station("track", "RR473124829GB", home=tmp_path)
    assert "note: customer called" in tracked.stdout


def test_global_options_go_before_or_after_the_command(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert station("--home", str(a), "load", "RR473124829GB").returncode == 0
    assert station("load", "EE123456785US", "--home", str(b)).returncode == 0
    assert station("track", "RR473124829GB", "--home", str(a)).returncode == 0
    assert station("track", "RR473124829GB", "--home", str(b)).returncode == 1
    assert station("--home", str(b), "track", "EE123456785US").returncode == 0
    assert (a / "station.sqlite3").exists() and (b / "station.sqlite3").exists()
    db = tmp_path / "other.sqlite3"
    assert station("sack", "new", "--home", str(a), "--db", str(db)).returncode == 0
    assert db.exists()


def test_a_file_that_is_not_a_journal_is_one_line_and_named_in_the_log(tmp_path: Path) -> None:
    (tmp_path / "station.sqlite3").write_bytes(b"this is not a database" * 100)
    for command in (["track", "RR473124829GB"], ["load", "RR473124829GB"]):  # reading and writing
        result = station(*command, home=tmp_path)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "not a readable station database" in result.stderr
        assert "Traceback" not in result.stderr
    assert "station track: " in (tmp_path / "logs" / "station.log").read_text()


def test_an_unforeseen_exception_is_one_line_with_its_traceback_in_the_log(tmp_path: Path) -> None:
    # A fault the code did not foresee (here, made to happen: the printer profiles cannot be read): the
    # operator gets one line and where the details are; the maintainer gets the traceback.
    code = (
        "import sys, station.printing.profiles as p;"
        " p.asset = lambda *a: (_ for _ in ()).throw(KeyError('boom'));"
        " from ui.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("STATION_HOME", "STATION_DB")}
    result = subprocess.run(
        [sys.executable, "-c", code, "--home", str(tmp_path), "sack", "new"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert (
        result.stderr.startswith("error: KeyError: 'boom' (details in ") and "Traceback" not in result.stderr
    )
    log = (tmp_path / "logs" / "station.log").read_text()
    assert "Traceback (most recent call last)" in log and "station sack failed" in log


def test_stored_escape_sequences_are_not_sent_raw_to_the_terminal(tmp_path: Path) -> None:
    station("load", "RR473124829GB", "--facility", "SF\x1b[2J\x1b]0;pwned\x07", home=tmp_path)
    tracked = station("track", "RR473124829GB", home=tmp_path)
    assert "\x1b" not in tracked.stdout and "\\x1b[2J" in tracked.stdout
