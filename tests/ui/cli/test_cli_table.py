"""The `station` entry point: its command table, its exit codes, and what a command loads at start.

`ui/cli/main.py` imports only the subjects that add the command asked for; these tests keep its table
true (every command of every subject is in it, under the subjects that add it) and check, by Python's own
import tracing in a real process, that a look-up or a scan does not load the charts, the hub's driver,
the camera's decoder or Qt.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from station.errors import ExitCode
from ui.cli.main import COMMANDS, SUBJECTS, build_parser, command_word, main

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("matplotlib", "pyarrow", "pandas", "vroom", "psycopg", "cv2", "PySide6", "zxingcpp", "reportlab")


def _registered_by(subject: str) -> set[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(f"ui.cli.{subject}").register(sub)
    return set(sub.choices)


def test_the_command_table_names_every_command_under_the_subjects_that_add_it() -> None:
    found: dict[str, list[str]] = {}
    for subject in SUBJECTS:
        for command in _registered_by(subject):
            found.setdefault(command, []).append(subject)
    assert {c: tuple(s) for c, s in found.items()} == COMMANDS
    modules = {p.stem for p in (ROOT / "ui" / "cli").glob("*.py")} - {"__init__", "main", "common"}
    assert modules == set(SUBJECTS), "a module of ui/cli/ that adds no command, or one left out of SUBJECTS"


def test_the_command_word_skips_the_global_options_and_their_values() -> None:
    assert command_word(["--home", "/tmp/x", "track", "EE123456785US"]) == "track"
    assert command_word(["--db=/tmp/j.sqlite3", "scan", "--event", "acceptance"]) == "scan"
    assert command_word(["--help"]) is None
    assert command_word([]) is None


def test_a_parser_for_one_command_has_only_its_subjects_and_the_whole_one_every_command() -> None:
    whole = build_parser()
    one = build_parser("track")
    actions = next(a for a in whole._actions if isinstance(a, argparse._SubParsersAction))
    assert set(actions.choices) == set(COMMANDS)
    actions = next(a for a in one._actions if isinstance(a, argparse._SubParsersAction))
    assert set(actions.choices) == {"track", "search", "note", "dispute"}


def test_help_lists_the_named_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for code in ExitCode:
        assert f"  {code.value:<4}" in text
    assert "could not be reached" in text


def test_an_unknown_command_is_a_usage_error_listing_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["trak", "EE123456785US"])
    assert stop.value.code == ExitCode.USAGE
    assert "invalid choice: 'trak'" in capsys.readouterr().err


def _loaded(tmp_path: Path, *args: str, stdin: str = "") -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ui.cli.main", "--home", str(tmp_path), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    assert "Traceback" not in done.stderr
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert "ui.cli.common" in names  # the trace is there: an empty one would prove nothing
    return names


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("track", "EE123456785US"), ""),
        (("scan", "--event", "acceptance", "--facility", "SFO", "--operator", "ann"), "EE123456785US\n"),
        (("ids", "check", "EE123456785US"), ""),
    ],
    ids=["track", "scan", "ids-check"],
)
def test_a_look_up_a_scan_and_an_id_check_load_no_heavy_library(
    tmp_path: Path, args: tuple[str, ...], stdin: str
) -> None:
    loaded = _loaded(tmp_path, *args, stdin=stdin)
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == []


def test_the_trace_sees_a_heavy_library_where_a_command_needs_it(tmp_path: Path) -> None:
    # The control: the same trace finds the charts' library in the command that draws charts.
    loaded = _loaded(tmp_path, "report", "kpis", "--pdf", str(tmp_path / "k.pdf"))
    assert "matplotlib" in loaded


def test_a_hub_that_does_not_answer_is_exit_3_and_the_scans_wait(tmp_path: Path) -> None:
    from tests.cli_runner import run_station

    dead = "host=127.0.0.1 port=9 dbname=hub user=x connect_timeout=2"
    home = tmp_path / "home"
    assert run_station("scan", "--event", "acceptance", "--facility", "F", "--operator", "o",
                       home=home, stdin="EE123456785US\n").returncode == ExitCode.DONE  # fmt: skip
    done = run_station("sync", "--once", "--hub", dead, home=home)
    assert done.returncode == ExitCode.UNREACHABLE, (done.stdout, done.stderr)
    assert "waiting 1" in done.stdout and "hub unreachable" in done.stdout and "Traceback" not in done.stderr
    usage = run_station(
        "sync", "--once", home=home
    )  # no hub named anywhere: the command line is short of one
    assert usage.returncode == ExitCode.USAGE
