"""An upgrade as an office's IT person does it: the previous release's wheel installed, a day of work done
with it (a demo day, the meter set up and funded, metered acceptances), then this version's wheel installed
over it with pip. The journal, settings and keys must come through untouched, the schema migrated (with a
copy of the old journal kept), the meter's registers unchanged and usable, and the chain whole."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from station.migrations import LATEST

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS = ROOT / "tests" / "packaging" / "releases" / "parcel_station-0.1.0-py3-none-any.whl"
PREVIOUS_SCHEMA = 10
RECIPIENT = "Bo Lee|2 Elm St|San Francisco CA 94105"


def _pip(venv: Path, *args: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            *args,
            "-q",
            "--disable-pip-version-check",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _current_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    wheels = tmp / "wheels"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "--disable-pip-version-check",
            "-w",
            str(wheels),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("parcel_station-*.whl")
    return wheel


def _digests(home: Path, names: list[str]) -> dict[str, str]:
    return {n: hashlib.sha256((home / n).read_bytes()).hexdigest() for n in names}


@pytest.mark.slow
def test_the_previous_release_upgraded_in_place_keeps_journal_settings_keys_and_meter(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(
        subprocess.check_output(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    # The same pinned dependencies as this run (the two releases pin the same ones), as a plain path.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _pip(venv, "install", "--no-deps", str(PREVIOUS))
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

    version = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('parcel-station'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    ).stdout.strip()
    assert version == "0.1.0"

    # A day of work on the previous release.
    home.mkdir()
    (home / "station.toml").write_text('[station]\nstation_id = "UPG01"\nfacility = "UPGRADE-COUNTER"\n')
    for args in (("demo",), ("meter", "init"), ("meter", "credit", "100.00")):
        done = station(*args)
        assert done.returncode == 0, done.stderr
    for serial in ("EE123456785US", "EE123456808US"):
        accepted = station(
            "accept",
            "--tracking",
            serial,
            "--weight",
            "500g",
            "--from-zip",
            "10001",
            "--to-zip",
            "94105",
            "--to",
            RECIPIENT,
            "--out",
            str(tmp_path / f"{serial}.zpl"),
        )
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
    _pip(venv, "install", "--no-deps", str(_current_wheel(tmp_path)))
    version = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('parcel-station'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
    ).stdout.strip()
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
    accepted = station(
        "accept",
        "--tracking",
        "EE123456811US",
        "--weight",
        "500g",
        "--from-zip",
        "10001",
        "--to-zip",
        "94105",
        "--to",
        RECIPIENT,
        "--out",
        str(tmp_path / "after.zpl"),
    )
    assert accepted.returncode == 0, accepted.stderr
    assert station("meter", "status").stdout != before_meter  # the new piece was charged
    doctor = json.loads(station("doctor", "--json").stdout)
    journal = next(c for c in doctor["checks"] if c["name"] == "journal")
    assert journal["ok"] and f"schema {LATEST}" in journal["detail"] and version in journal["detail"]
    meter = next(c for c in doctor["checks"] if c["name"] == "meter key")
    assert meter["ok"], meter
