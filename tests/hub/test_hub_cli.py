"""The hub from the command line: init twice, enrol with a password file, sync, network track, and an
item accepted at one office refused at another (or, when both were offline, flagged at the hub)."""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import Ran, run_station
from tests.hub.conftest import Hub


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, home=home)


def _station_home(tmp: Path, hub: Hub, station_id: str) -> Path:
    home = tmp / station_id
    home.mkdir()
    enrolled = station(
        home, "hub", "enrol", station_id, "--dsn", hub.admin_dsn, "--pgpass", str(home / "hub.pgpass")
    )
    assert enrolled.returncode == 0, enrolled.stderr
    assert oct((home / "hub.pgpass").stat().st_mode & 0o777) == "0o600"
    setting = next(line for line in enrolled.stdout.splitlines() if line.startswith("hub = "))
    (home / "station.toml").write_text(
        f'[station]\nstation_id = "{station_id}"\nfacility = "{station_id}-OFFICE"\n'
        + setting.split("   #")[0]
        + "\n"
    )
    assert station(home, "meter", "init").returncode == 0
    assert station(home, "meter", "credit", "100.00").returncode == 0
    return home


def _accept(home: Path, item: str, *extra: str) -> Ran:
    recipient = "Bo Lee|2 Elm St|San Francisco CA 94105"
    args = [
        "--tracking",
        item,
        "--weight",
        "500g",
        "--from-zip",
        "10001",
        "--to-zip",
        "94105",
        "--to",
        recipient,
    ]
    return station(home, "accept", *args, "--out", str(home / f"{item}.zpl"), *extra)


def test_init_is_idempotent_and_two_offices_share_one_network(hub: Hub, tmp_path: Path) -> None:
    again = station(tmp_path, "hub", "init", "--dsn", hub.admin_dsn)
    assert again.returncode == 0 and "(up to date)" in again.stdout
    quiet = station(tmp_path, "hub", "alerts", "--dsn", hub.admin_dsn)
    assert (quiet.returncode, quiet.stdout.strip()) == (0, "no alerts")
    a, b = _station_home(tmp_path, hub, "OFFA"), _station_home(tmp_path, hub, "OFFB")
    assert _accept(a, "EE123456785US").returncode == 0
    synced = station(a, "sync", "--once")
    assert (synced.returncode, synced.stdout.strip()) == (0, "pushed 1, waiting 0")
    twice = _accept(b, "EE123456785US")  # the same parcel presented again at the other office
    assert twice.returncode == 1 and "already accepted at station OFFA" in twice.stdout + twice.stderr
    scans = tmp_path / "scans.txt"
    scans.write_text("EE123456785US\n")
    arrived = station(
        b, "scan", "--event", "arrival", "--facility", "B-DEPOT", "--operator", "bo", "--input", str(scans)
    )
    assert arrived.returncode == 0, arrived.stderr
    assert station(b, "sync", "--once").returncode == 0
    looked = station(a, "track", "EE123456785US")  # office A sees the arrival scanned at B's depot
    assert looked.returncode == 0
    assert "(OFFA/" in looked.stdout and "B-DEPOT (OFFB/bo)" in looked.stdout


def test_two_offline_acceptances_of_one_item_are_flagged_at_the_hub(hub: Hub, tmp_path: Path) -> None:
    a, b = _station_home(tmp_path, hub, "OFFA"), _station_home(tmp_path, hub, "OFFB")
    offline = ("--hub", "postgresql://nobody@/nowhere?host=/nonexistent&connect_timeout=1")
    assert _accept(a, "RR473124829GB", *offline).returncode == 0  # both counters cut off from the hub
    assert _accept(b, "RR473124829GB", *offline).returncode == 0
    assert station(a, "sync", "--once").returncode == 0
    assert station(b, "sync", "--once").returncode == 0
    alerts = hub.rows("SELECT kind, item_id, detail FROM hub.alerts")
    assert alerts == [("duplicate-acceptance", "RR473124829GB", "RR473124829GB accepted at OFFA and at OFFB")]
    listed = station(tmp_path, "hub", "alerts", "--dsn", hub.admin_dsn)
    assert listed.returncode == 1  # something to look at
    assert "duplicate-acceptance" in listed.stdout and "OFFB seq" in listed.stdout


def test_an_unreachable_hub_is_one_line_and_exit_3_and_nothing_waits_lost(hub: Hub, tmp_path: Path) -> None:
    a = _station_home(tmp_path, hub, "OFFA")
    assert _accept(a, "EE123456785US").returncode == 0
    down = station(a, "sync", "--once", "--hub", "postgresql://nobody@/nowhere?host=/nonexistent")
    assert down.returncode == 3  # UNREACHABLE: a service did not answer, nothing lost
    assert down.stdout.startswith("pushed 0, waiting 1; hub unreachable: ")
    assert "Traceback" not in down.stderr
    up = station(a, "sync", "--once")
    assert (up.returncode, up.stdout.strip()) == (0, "pushed 1, waiting 0")


def test_the_hub_notifier_texts_what_a_counter_took_and_a_station_texts_nobody(
    hub: Hub, tmp_path: Path
) -> None:
    a = _station_home(tmp_path, hub, "OFFA")
    accepted = _accept(a, "EE123456785US", "--phone", "+12015550123")
    assert accepted.returncode == 0, accepted.stderr
    assert "SMS updates to +12015550123: sent to the hub" in accepted.stdout
    assert station(a, "sync", "--once").returncode == 0
    home = tmp_path / "notifier"
    home.mkdir()
    sent = tmp_path / "sent.jsonl"
    notify = ("hub", "notify", "--dsn", hub.admin_dsn, "--once", "--gateway", f"log://{sent}")
    first = station(home, *notify)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == ("took in 1 events and 1 follows, queued 1; sent 1, retrying 0, failed 0")
    assert "reply YES to get" in sent.read_text()
    assert station(home, "sms", "inbound", "--from", "+12015550123", "--body", "yes").returncode == 0
    second = station(home, *notify)
    assert second.stdout.strip() == "took in 0 events and 0 follows, queued 0; sent 1, retrying 0, failed 0"
    assert len(sent.read_text().splitlines()) == 2
    outbox = station(a, "sms", "outbox", "--json")
    assert (outbox.returncode, outbox.stdout.strip()) == (0, "[]")  # the office texted nobody
    wrong = station(a, "hub", "notify", "--dsn", hub.admin_dsn, "--once")  # a station's home, not the hub's
    assert wrong.returncode == 1 and wrong.stderr.startswith("REJECT the notifier's home names a hub")
    gone = station(home, "hub", "notify", "--dsn", "postgresql://nobody@/nowhere?host=/nonexistent", "--once")
    assert (
        gone.returncode == 3  # UNREACHABLE
        and gone.stderr.startswith("REJECT hub unreachable")
        and "Traceback" not in gone.stderr
    )
