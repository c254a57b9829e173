"""The `station` command run in this process: its exit code, its output and errors, a clean environment.

A CLI test asks what an operator's shell would see; starting a Python process for each of them cost 3-4 s
before the commands imported only what they use, and is still the slowest part of a CLI test. This runner
calls the real entry point (`ui.cli.main.main`, argument parsing, the error hierarchy, the exit codes) with
its own standard streams and an environment without the caller's `STATION_*` variables, and puts back
what a command changes in the process (logging handlers, the thread excepthook, the environment).

Tests about the process itself (signals, SIGKILL mid-write, services, two processes on one journal,
packaging, the window) still start `station` as a process.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ui.cli.main import main

STATION_VARIABLES = ("STATION_HOME", "STATION_DB", "STATION_HUB")
PIN_OPTIONS = ("--pin", "--by-pin", "--old-pin", "--new-pin")


def pins_on_stdin(words: list[str], stdin: bytes = b"") -> tuple[list[str], bytes]:
    """A test's `--pin 4821` sent as an operator must send it: `--pin -`, and the PIN on standard input
    (a line each, in the order given, before whatever else the test sends). The station refuses a PIN
    in its arguments (any user can read them); `tests/ui/cli/test_cli_operators.py` shows it."""
    out: list[str] = []
    sent: list[str] = []
    rest = iter(words)
    for word in rest:
        out.append(word)
        if word in PIN_OPTIONS:
            value = next(rest, None)
            if value is None:
                break
            if value == "-":
                out.append(value)
            else:
                out.append("-")
                sent.append(value)
    return out, "".join(f"{pin}\n" for pin in sent).encode() + stdin


@dataclass(frozen=True)
class Ran:
    """What a shell would see of one `station` command (named as `subprocess.CompletedProcess` names it)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    stdout_bytes: bytes = field(repr=False, default=b"")


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in STATION_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _process_state() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, threading.excepthook
    try:
        yield
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
        threading.excepthook = hook


def run_station(
    *args: str | Path,
    home: Path | None = None,
    stdin: str | bytes = b"",
    env: Mapping[str, str] | None = None,
) -> Ran:
    """Run `station ARGS...` (with `--home HOME` first when given) and return what it printed and its code."""
    words = [str(a) for a in args]
    if home is not None:
        words = ["--home", str(home), *words]
    raw_in = stdin.encode() if isinstance(stdin, str) else stdin
    words, raw_in = pins_on_stdin(words, raw_in)
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(raw_in), encoding="utf-8", errors="surrogateescape"),
        io.TextIOWrapper(out, encoding="utf-8", errors="backslashreplace", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True),
    )
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = streams
    try:
        with _environment(env or {}), _process_state():
            try:
                code = int(main(words))
            except SystemExit as stop:  # argparse: --help (0) and usage errors (2)
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    finally:
        for stream in streams[1:]:
            stream.flush()
        sys.stdin, sys.stdout, sys.stderr = saved
    return Ran(
        ["station", *words],
        code,
        out.getvalue().decode("utf-8", "replace"),
        err.getvalue().decode("utf-8", "replace"),
        out.getvalue(),
    )
