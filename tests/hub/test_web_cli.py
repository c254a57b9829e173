"""`station hub enrol-web` and `station hub place` as an administrator's shell sees them (issue 32)."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.cli_runner import run_station
from tests.hub.conftest import Hub


def test_the_web_login_is_made_with_its_password_in_a_new_private_file(hub: Hub, tmp_path: Path) -> None:
    pgpass = tmp_path / "web.pgpass"
    made = run_station("hub", "enrol-web", "public", "--dsn", hub.admin_dsn, "--pgpass", pgpass)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("OK web login public made as role web_public: it reads public columns only")
    assert (
        "station hub web --dsn 'postgresql://web_public@" in made.stdout
        and f"passfile={pgpass}" in made.stdout
    )
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600 and ":web_public:" in pgpass.read_text()
    again = run_station("hub", "enrol-web", "public", "--dsn", hub.admin_dsn, "--pgpass", pgpass)
    assert again.returncode == 1 and "exists: not overwritten" in again.stderr
    bad = run_station("hub", "enrol-web", "Public Site", "--dsn", hub.admin_dsn)
    assert bad.returncode == 1 and bad.stderr.startswith("REJECT web login 'Public Site'")


def test_a_place_is_named_for_the_public_and_a_bad_zone_or_zip_is_refused(hub: Hub) -> None:
    named = run_station(
        "hub", "place", "OAK1-DEPOT", "Oakland  delivery office", "--zone", "America/Los_Angeles",
        "--zip", "94607", "--dsn", hub.admin_dsn,
    )  # fmt: skip
    assert named.returncode == 0 and named.stdout.strip() == (
        "OK OAK1-DEPOT is shown as Oakland delivery office (America/Los_Angeles)"
    )
    assert hub.rows("SELECT town, time_zone, zip FROM hub.places") == [
        ("Oakland delivery office", "America/Los_Angeles", "94607")
    ]
    zone = run_station("hub", "place", "X", "Town", "--zone", "Mars/Olympus", "--dsn", hub.admin_dsn)
    assert zone.returncode == 1 and "not an IANA zone" in zone.stderr
    zip_code = run_station(
        "hub", "place", "X", "Town", "--zone", "UTC", "--zip", "9460", "--dsn", hub.admin_dsn
    )
    assert zip_code.returncode == 1 and "five digits" in zip_code.stderr
