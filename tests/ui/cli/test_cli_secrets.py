"""No secret in a command's arguments (issue 28, finding 12): any user of the machine can read a running
command's arguments in /proc/PID/cmdline, so a DSN or a gateway URL carrying a password or a token is
refused before any work, and the same value without its secret goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run_station

REFUSED = (
    "error: {option} holds a password or a token, which any user of this machine can read in a running"
    " command's arguments: put a database password in a libpq password file (passfile=PATH, 0600) and a"
    " gateway's token in a file only you can read (?secret_file=PATH)"
)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("hub", "status", "--dsn", "postgresql://admin:s3cret@127.0.0.1:9/post"), "--dsn"),
        (("hub", "alerts", "--dsn", "host=127.0.0.1 port=9 dbname=post user=admin password=s3cret"), "--dsn"),
        (("sync", "--once", "--hub", "postgresql://station_sfo01:s3cret@127.0.0.1:9/post"), "--hub"),
        (
            (
                "sms",
                "worker",
                "--once",
                "--gateway",
                "rest+https://AC1:tok3n@api.example.com?from=+15005550006",
            ),
            "--gateway",
        ),
        (
            ("sms", "worker", "--once", "--gateway", "smpp://system:passw0rd@127.0.0.1:9?from=PARCEL"),
            "--gateway",
        ),
        (
            (
                "hub",
                "subscribe",
                "WEST",
                "--dsn",
                "postgresql://admin@/n?host=/tmp",
                "--from",
                "host=h password=x",
            ),
            "--from",
        ),
    ],
)
def test_a_secret_in_the_arguments_is_refused_before_any_work(
    tmp_path, args: tuple[str, ...], option: str
) -> None:
    done = run_station(*args, home=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == REFUSED.format(option=option)
    assert not (tmp_path / "station.sqlite3").exists()  # refused before the station was opened


def test_the_same_values_without_their_secret_go_on(tmp_path: Path) -> None:
    gone = run_station(
        "sync",
        "--once",
        "--hub",
        "postgresql://station_sfo01@127.0.0.1:9/post?connect_timeout=1",
        home=tmp_path,
    )
    assert gone.returncode == 3, gone  # on to the hub, which is not there: unreachable, not refused
    sent = run_station("sms", "worker", "--once", "--gateway", "log:", home=tmp_path)
    assert sent.returncode == 0, sent
