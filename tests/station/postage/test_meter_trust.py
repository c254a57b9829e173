"""The meter charges only with its own enrolled key, trusts only keys the operator root enrolled, and locks
when its registers are edited in place. Run as the real program where a clerk would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.postage.indicia import IndiciaFields, sign
from tests.cli_runner import Ran, run_station
from tests.station.postage.test_counter import ACCEPT


def station(home: Path, *args: str, db: Path | None = None) -> Ran:
    extra = ["--db", str(db)] if db else []
    return run_station(*extra, *args, home=home)


def _registers(home: Path) -> tuple[int, int, int]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        row = conn.execute("SELECT descending, ascending, pieces FROM meter_registers").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def test_a_missing_key_refuses_to_charge_and_no_key_is_made_behind_the_clerks_back(tmp_path: Path) -> None:
    out = tmp_path / "label.zpl"
    refused = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", str(out))
    assert refused.returncode == 1 and "run `station meter init`" in refused.stderr
    assert not (tmp_path / "keys" / "meter-PS000001.key").exists() and not out.exists()
    assert station(tmp_path, "meter", "init").stdout.startswith(
        "OK PS000001 signing key created and enrolled"
    )
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    (tmp_path / "keys" / "meter-PS000001.key").unlink()  # deleted by mistake, or by someone
    again = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", str(out))
    assert again.returncode == 1 and "has no signing key" in again.stderr
    assert _registers(tmp_path) == (10_000, 0, 0)  # nothing charged


def test_a_journal_that_is_not_this_keys_refuses_to_charge(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    other = tmp_path / "other.sqlite3"  # --db names another journal than --home's key belongs to
    result = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", str(tmp_path / "l"), db=other)
    assert result.returncode == 1 and "is not the one this journal enrolled" in result.stderr


def test_a_forged_key_inserted_into_the_registry_does_not_make_forged_indicia_genuine(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with sqlite3.connect(
        tmp_path / "station.sqlite3"
    ) as conn:  # an edit of the database, as an attacker would
        conn.execute(
            "INSERT INTO meter_public_keys (meter_id, public_key, enrollment) VALUES ('PS666666', ?, ?)",
            (public, b"\x00" * 64),
        )
        conn.execute("UPDATE meter_public_keys SET public_key=? WHERE meter_id='PS000001'", (public,))
    from datetime import date

    for meter in ("PS666666", "PS000001"):
        fields = IndiciaFields(meter, 1, date.today(), 5000, "PRI", "10001", "94105", "EE123456785US")
        result = station(tmp_path, "indicia", "verify", sign(fields, forger))
        assert result.returncode == 1 and "no key enrolled by the operator root" in result.stdout, meter


def test_registers_edited_in_place_lock_the_meter(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "20.00").returncode == 0
    with sqlite3.connect(tmp_path / "station.sqlite3") as conn:  # +$1000 with a consistent control sum
        conn.execute(
            "UPDATE meter_registers SET descending = descending + 100000,"
            " total_credited = total_credited + 100000"
        )
    status = station(tmp_path, "meter", "status")
    assert status.returncode == 1 and "edited outside the station" in status.stdout
    charged = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", str(tmp_path / "l.zpl"))
    assert charged.returncode == 1 and "locked" in charged.stderr
    assert "LOCKED" in station(tmp_path, "meter", "status").stdout


def test_the_piece_counter_is_sealed_with_the_money(tmp_path: Path) -> None:
    # Issue 30: a piece made to disappear from the count (the control sum, which adds up money only,
    # cannot see it; the registers' MAC must).
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    assert (
        station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", str(tmp_path / "l.zpl")).returncode
        == 0
    )
    with sqlite3.connect(tmp_path / "station.sqlite3") as conn:
        conn.execute("UPDATE meter_registers SET pieces = pieces - 1")
    status = station(tmp_path, "meter", "status")
    assert status.returncode == 1 and "edited outside the station" in status.stdout


def test_an_output_that_cannot_be_written_charges_nothing(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    for out in (tmp_path / "no" / "such" / "folder" / "l.zpl", tmp_path):
        result = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", str(out))
        assert result.returncode == 1 and "nothing was charged" in result.stderr
    assert _registers(tmp_path) == (10_000, 0, 0)
    assert station(tmp_path, "track", "EE123456785US").returncode == 1  # not accepted either
