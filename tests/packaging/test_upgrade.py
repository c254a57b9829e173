"""An upgrade as an office's IT person does it: the previous release's wheel installed, a day of work done
with it (a demo day, the meter set up and funded, metered acceptances), then this version's wheel installed
over it with pip. The journal, settings and keys must come through untouched, the schema migrated (with a
copy of the old journal kept), the meter's registers unchanged and usable, and the chain whole."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from station.migrations import LATEST
from tests.packaging.wheels import current_wheel, install, installed_version, venv_with_test_dependencies

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = ROOT / "tests" / "packaging" / "releases" / "parcel_station-0.1.0-py3-none-any.whl"
PREVIOUS_SCHEMA = 10
RECIPIENT = "Bo Lee|2 Elm St|San Francisco CA 94105"


def _digests(home: Path, names: list[str]) -> dict[str, str]:
    return {n: hashlib.sha256((home / n).read_bytes()).hexdigest() for n in names}


@pytest.mark.slow
def test_the_previous_release_upgraded_in_place_keeps_journal_settings_keys_and_meter(tmp_path: Path) -> None:
    venv = venv_with_test_dependencies(tmp_path / "venv")  # the two releases pin the same dependencies
    install(venv, PREVIOUS)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STATION_HOME", "STATION_DB")}
    home = tmp_path / "var-lib-parcel-station"

    def station(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / "station"), "--home", str(home), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def accept(tracking: str) -> subprocess.CompletedProcess[str]:
        return station(
            "accept",
            "--tracking",
            tracking,
            "--weight",
            "500g",
            "--from-zip",
            "10001",
            "--to-zip",
            "94105",
            "--to",
            RECIPIENT,
            "--out",
            str(tmp_path / f"{tracking}.zpl"),
        )

    version = installed_version(venv, env, tmp_path)
    assert version == "0.1.0"

    # A day of work on the previous release.
    home.mkdir()
    (home / "station.toml").write_text('[station]\nstation_id = "UPG01"\nfacility = "UPGRADE-COUNTER"\n')
    for args in (("demo",), ("meter", "init"), ("meter", "credit", "100.00")):
        done = station(*args)
        assert done.returncode == 0, done.stderr
    for serial in ("EE123456785US", "EE123456808US"):
        accepted = accept(serial)
        assert accepted.returncode == 0, accepted.stderr
    before_meter = station("meter", "status").stdout
    assert before_meter.strip()
    with sqlite3.connect(home / "station.sqlite3") as conn:
        events_before = conn.execute(
            "SELECT count(*), max(seq) FROM events WHERE station_id='UPG01'"
        ).fetchone()
        schema_before = conn.execute("SELECT version FROM schema_version").fetchone()[0]
    assert schema_before == PREVIOUS_SCHEMA
    kept = ["station.toml", *[str(p.relative_to(home)) for p in sorted((home / "keys").iterdir())]]
    digests = _digests(home, kept)

    # The upgrade: this version's wheel over it, as `pip install --upgrade` does.
    install(venv, current_wheel(tmp_path))
    version = installed_version(venv, env, tmp_path)
    assert version != "0.1.0"

    # The first command that writes migrates; reads before it are told so, not broken.
    unmigrated = station("journal", "verify")
    assert unmigrated.returncode != 0 and "upgrades it" in unmigrated.stderr + unmigrated.stdout
    after_meter = station("meter", "status")  # a write: opens, migrates, records the version
    assert after_meter.returncode == 0, after_meter.stderr
    assert after_meter.stdout == before_meter  # registers, piece count, control sum: exactly as they were
    assert (home / f"station.sqlite3.schema-{PREVIOUS_SCHEMA}.bak").exists()  # the way back
    verified = station("journal", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("journal OK"), verified.stdout
    with sqlite3.connect(home / "station.sqlite3") as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == LATEST
        events_after = conn.execute(
            "SELECT count(*), max(seq) FROM events WHERE station_id='UPG01'"
        ).fetchone()
        opened_by = [r[0] for r in conn.execute("SELECT version FROM program_versions")]
    assert events_after == events_before
    assert opened_by == [version]
    assert _digests(home, kept) == digests  # settings and keys untouched

    # Work goes on: a metered acceptance on the upgraded station chains onto the old journal.
    accepted = accept("EE123456811US")
    assert accepted.returncode == 0, accepted.stderr
    assert station("meter", "status").stdout != before_meter  # the new piece was charged
    doctor = json.loads(station("doctor", "--json").stdout)
    journal = next(c for c in doctor["checks"] if c["name"] == "journal")
    assert journal["ok"] and f"schema {LATEST}" in journal["detail"] and version in journal["detail"]
    meter = next(c for c in doctor["checks"] if c["name"] == "meter key")
    assert meter["ok"], meter
