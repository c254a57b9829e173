"""Every command fed odd arguments, as a hostile or unlucky user would: never a traceback, an exit code
that says what happened (0 done, 1 refused, 2 usage, 3 waiting), and a refusal changes nothing in the
journal (fraud alerts excepted: recording them is the point)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_runner import run_station
from ui.cli.main import main

ODD = st.one_of(
    st.sampled_from(
        [
            "NaN",
            "nan",
            "Infinity",
            "-inf",
            "1e400",
            "-1",
            "0",
            "-0",
            "99999999999999999999999",
            "9" * 400,
            "",
            " ",
            "\x00",
            "\x1b[2J",
            "\udcff\udcfe",
            "ＳＴＯＰ",
            "1.2kg",
            "NaNkg",
            "infkg",
            "1e400kg",
            "-5lb",
            "RR473124829GB",
            "RR473124828GB",
            "00106141411234567897",
            "]C1\x1d",
            "PSI1AAAA",
            "+12015550123",
            "tcp://127.0.0.1:0",
            "tcp://h:99999",
            "serial:///dev/null",
            "demo:",
            "/",
            "/nonexistent/file",
            "30x20x10cm",
            "NaNxNaNxNaNcm",
            "1e400x1x1cm",
            "$100.00",
            "100.001",
            "-100",
            "1" * 30,
            "..",
            "ZZ",
            "%s%n",
            "{}",
            "'; DROP TABLE events; --",
        ]
    ),
    st.text(max_size=40),
)

COMMANDS = [
    lambda a, b, c: ["postage", "quote", "--weight", a, "--from", b, "--to", c],
    lambda a, b, c: [
        "postage",
        "quote",
        "--weight",
        "1kg",
        "--from",
        "10001",
        "--to",
        "94105",
        "--dims",
        a,
        "--declared-value",
        b,
    ],
    lambda a, b, c: [
        "accept",
        "--tracking",
        a,
        "--weight",
        b,
        "--from-zip",
        "10001",
        "--to-zip",
        c,
        "--out",
        "{tmp}/label.zpl",
    ],
    lambda a, b, c: ["meter", "credit", a],
    lambda a, b, c: ["track", a],
    lambda a, b, c: ["note", a, b],
    lambda a, b, c: ["sack", "new", "--destination", a],
    lambda a, b, c: ["sack", "close", a],
    lambda a, b, c: ["sack", "remove", a, b],
    lambda a, b, c: ["deliver", a, "--signature", b, "--name", c],
    lambda a, b, c: ["attempt", a, "--reason", b],
    lambda a, b, c: ["load", a, b],
    lambda a, b, c: ["ids", "check", a, b],
    lambda a, b, c: ["label", "render", "--tracking", a, "--weight", b, "--to", c, "--out", "{tmp}/x.zpl"],
    lambda a, b, c: ["print", "--printer", a, "--wait", "0"],
    lambda a, b, c: ["sms", "inbound", "--from", a, "--body", b],
    lambda a, b, c: ["sms", "subscribe", a, "--phone", b],
    lambda a, b, c: ["indicia", "verify", a, "--weight", b],
    lambda a, b, c: ["decode", a],
    lambda a, b, c: ["sack", "open", a, "--destination", b],
    lambda a, b, c: ["sack", "dispatch", a, "--facility", b],
    lambda a, b, c: ["sack", "receive", a, "--operator", b],
    lambda a, b, c: ["delay", a, "--reason", b],
    lambda a, b, c: ["return", a, "--facility", b],
    lambda a, b, c: ["dispute", a, b],
    lambda a, b, c: ["ids", "new", "s10", "--service", a, "--country", b, "--count", c],
    lambda a, b, c: [
        "label",
        "render",
        "--kind",
        "sack",
        "--tracking",
        a,
        "--items",
        b,
        "--out",
        "{tmp}/s.zpl",
    ],
    lambda a, b, c: ["meter", "status"],
    lambda a, b, c: ["journal", "verify"],
    lambda a, b, c: ["printers", "status"],
    lambda a, b, c: ["sms", "outbox", "--json"],
    lambda a, b, c: ["sms", "worker", "--once", "--gateway", a, "--interval", b],
    lambda a, b, c: ["demo", "--items", a, "--seed", b],
    lambda a, b, c: ["operator", "add", a, "--role", "admin", "--pin", b],
    lambda a, b, c: ["operator", "add", a, "--role", b, "--pin", c, "--by", a, "--by-pin", b],
    lambda a, b, c: ["operator", "disable", a, "--by", b, "--by-pin", c],
    lambda a, b, c: ["operator", "badge", a, "--out", "{tmp}/" + b + ".pdf"],
    lambda a, b, c: ["void", a, "--supervisor", b, "--pin", c, "--reason", a],
    lambda a, b, c: ["reprint", a, "--supervisor", b, "--pin", c],
    lambda a, b, c: ["case", "open", a, "--kind", "inquiry", "--note", b],
    lambda a, b, c: ["case", "resolve", a, "--note", b],
    lambda a, b, c: ["basket", "pay", a, "--cash", b],
    lambda a, b, c: ["basket", "pay", a, "--card", b],
    lambda a, b, c: ["till", "report", "--date", a, "--counted-cash", b],
    lambda a, b, c: ["deliver", a, "--code", b],
    lambda a, b, c: ["fraud", "scan", "--facility", a, "--operator", b],
    lambda a, b, c: [
        "scan",
        "--event",
        "acceptance",
        "--facility",
        a,
        "--operator",
        b,
        "--weight-g",
        c,
        "--input",
        "{tmp}/scans.txt",
    ],
]


def _events(home: Path) -> int:
    path = home / "station.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM events WHERE kind != 'fraud-alert'").fetchone()[0])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("hostile")
    (home / "scans.txt").write_bytes(b"RR473124829GB\r\n\x00\xff\xfe garbage\n" + b"x" * 10_000 + b"\n")
    assert main(["--home", str(home), "meter", "init"]) == 0
    return home


# The same 400 examples every run, so CI answers for the code and not for the draw; other draws are
# explored with --hypothesis-seed (26 seeds of 300 were run clean when this was written).
@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(range(len(COMMANDS))), ODD, ODD, ODD)
def test_odd_arguments_never_end_in_a_traceback(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    which: int,
    a: str,
    b: str,
    c: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    argv = [part.replace("{tmp}", str(home)) for part in COMMANDS[which](a, b, c)]
    before = _events(home)
    log = home / "logs" / "station.log"
    logged = log.stat().st_size if log.exists() else 0
    try:
        code = main(["--home", str(home), *argv])
    except SystemExit as exit:  # argparse's usage errors
        code = exit.code if isinstance(exit.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, (argv, err)
    # Not even in the log: every refusal is one the code meant, not an exception it did not foresee.
    assert not log.exists() or "Traceback" not in log.read_text()[logged:], (argv, err)
    assert code in (0, 1, 2, 3), (argv, code, err)
    if code != 0 and argv[0] not in ("load", "scan"):  # those answer line by line, each on its own
        assert _events(home) == before, (argv, out, err)  # a refusal records nothing
        if code == 1:
            assert (out + err).strip(), argv  # and says why


def test_a_huge_image_is_named_and_the_other_files_are_still_decoded(tmp_path: Path) -> None:
    import struct
    import subprocess
    import sys
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    huge = tmp_path / "huge.png"  # a valid PNG header claiming 40000 x 40000 pixels (a few bytes on disk)
    huge.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    label = tmp_path / "label.png"
    made = main(
        [
            "--home",
            str(tmp_path / "h"),
            "label",
            "render",
            "--tracking",
            "RR473124829GB",
            "--from",
            "Ann|1 Main St",
            "--to",
            "Bob|2 Elm St",
            "--format",
            "png",
            "--out",
            str(label),
        ]
    )
    assert made == 0
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(tmp_path / "h"), "decode", str(huge), str(label)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "huge.png: image too large to decode" in result.stderr
    assert "RR473124829GB" in result.stdout  # the next file was read all the same
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_an_endless_scanner_line_is_capped_while_it_is_read(tmp_path: Path) -> None:
    import shlex
    import subprocess
    import sys

    # 1 GB of address space (ulimit -v, in kB): round 1 needed 876 MB for 10 MB of NUL, 24 GB for 1 GB.
    command = shlex.join(
        [
            sys.executable,
            "-m",
            "ui.cli.main",
            "--home",
            str(tmp_path),
            "scan",
            "--event",
            "acceptance",
            "--facility",
            "F",
            "--operator",
            "o",
        ]
    )
    scan = subprocess.Popen(
        ["sh", "-c", f"ulimit -v 1048576; exec {command}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert scan.stdin is not None
    block = b"\x00" * (1 << 20)
    for _ in range(200):  # 200 MB without a line end
        scan.stdin.write(block)
    out, err = scan.communicate(b"\nRR473124829GB\n", timeout=120)
    lines = out.decode().splitlines()
    assert scan.returncode == 1 and b"Traceback" not in err, err[-500:]
    assert lines[0].startswith("REJECT scanner line of 209,715,201 bytes without a line end")
    assert "\\x00\\x00" in lines[0] and len(lines[0]) < 400  # shown from its first bytes only
    assert lines[1] == "OK RR473124829GB"


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (
            ["scan", "--event", "delivered", "--facility", "F", "--operator", "o", "--input", "/nonexistent"],
            "No such file",
        ),
        (["scan", "--event", "delivered", "--facility", "F", "--operator", "o", "--input", "/"], "directory"),
    ],
)
def test_a_missing_or_folder_input_is_one_line(tmp_path: Path, argv: list[str], names: str) -> None:
    result = run_station(*argv, home=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and names in result.stderr
    assert "Traceback" not in (tmp_path / "logs" / "station.log").read_text()


def test_a_malformed_settings_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "station.toml").write_bytes(b"[station\n\xff\xfe")
    result = run_station("track", "RR473124829GB", home=tmp_path)
    assert (
        result.returncode == 1 and result.stderr.startswith("error: ") and "not valid TOML" in result.stderr
    )
