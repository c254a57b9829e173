"""A tracking number issued once network-wide: serial blocks leased from the hub (issue 28, finding 3).

Before the leases every station issued S10 serials from 10000000 up, so two stations of one network
issued EE100000017US for different parcels. These tests run the stations' own commands against a
real cluster and read what the hub recorded.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest

from hub.client import PostgresHub
from station.desks.sync import SyncDesk
from station.ids import S10
from station.network.port import Lease, LeaseRefused
from tests.cli_runner import Ran, run_station
from tests.hub.conftest import Hub, open_station


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, home=home)


def _home(tmp: Path, hub: Hub, station_id: str, extra: str = "") -> Path:
    """A station of the network: its hub setting and password file as `hub enrol` printed them."""
    home = tmp / station_id
    home.mkdir()
    enrolled = station(
        home, "hub", "enrol", station_id, "--dsn", hub.admin_dsn, "--pgpass", str(home / "hub.pgpass")
    )
    assert enrolled.returncode == 0, enrolled.stderr
    setting = next(line for line in enrolled.stdout.splitlines() if line.startswith("hub = "))
    (home / "station.toml").write_text(
        f'[station]\nstation_id = "{station_id}"\nfacility = "{station_id}-OFFICE"\n{extra}'
        + setting.split("   #")[0]
        + "\n"
    )
    return home


def _serial(item: str) -> int:
    return int(S10.parse(item).serial)


def test_finding_3_two_stations_issue_500_labels_each_and_share_no_tracking_number(
    hub: Hub, tmp_path: Path
) -> None:
    mailer = 'mailer_id = "123456789"\n'  # one Mailer ID for the whole network's IMpb labels
    homes = {sid: _home(tmp_path, hub, sid, mailer) for sid in ("EAST1", "WEST1")}
    issued: dict[str, list[str]] = {}
    impb: dict[str, list[str]] = {}
    for sid, home in homes.items():
        leased = station(home, "hub", "lease")
        assert leased.returncode == 0, leased.stderr
        for space in ("s10:EE:US", "impb:123456789", "sscc:0614141"):
            assert f"OK leased {space}" in leased.stdout, leased.stdout
        made = station(home, "ids", "new", "s10", "--service", "EE", "--country", "US", "--count", "500")
        assert made.returncode == 0, made.stderr
        issued[sid] = made.stdout.split()
        packages = station(home, "ids", "new", "impb", "--service-type", "001", "--count", "500")
        assert packages.returncode == 0, packages.stderr
        impb[sid] = packages.stdout.split()
        assert station(home, "ids", "check", *impb[sid][:3]).returncode == 0  # valid IMpb, check digits right
    assert [len(set(ids)) for ids in issued.values()] == [500, 500]
    assert not set(issued["EAST1"]) & set(issued["WEST1"])
    assert [len(set(ids)) for ids in impb.values()] == [500, 500]
    assert not set(impb["EAST1"]) & set(impb["WEST1"])
    assert all(t.startswith("92001123456789") and len(t) == 22 for t in impb["EAST1"] + impb["WEST1"])
    status = station(tmp_path, "hub", "status", "--dsn", hub.admin_dsn, "--json")
    assert status.returncode == 0, status.stderr
    stations = json.loads(status.stdout)["stations"]
    for sid, ids in issued.items():
        blocks = [b for b in stations[sid]["leases"] if b["space"] == "s10:EE:US"]
        assert len(blocks) == 1 and blocks[0]["finished_at"] is None
        assert all(blocks[0]["first"] <= _serial(i) <= blocks[0]["last"] for i in ids)
        spaces = {b["space"] for b in stations[sid]["leases"]}
        assert {
            "s10:CP:US",
            "s10:EE:US",
            "s10:LX:US",
            "s10:RR:US",
            "impb:123456789",
            "sscc:0614141",
        } <= spaces
        package_block = next(b for b in stations[sid]["leases"] if b["space"] == "impb:123456789")
        serials = [int(t[14:21]) for t in impb[sid]]  # the 7 digits after 92, the type code and the MID
        assert all(package_block["first"] <= n <= package_block["last"] for n in serials)
    east, west = (next(b for b in stations[s]["leases"] if b["space"] == "s10:EE:US") for s in homes)
    assert east["last"] < west["first"] or west["last"] < east["first"]  # the blocks themselves apart


def test_finding_3_a_networked_station_without_a_lease_refuses_in_words(hub: Hub, tmp_path: Path) -> None:
    home = _home(tmp_path, hub, "NOLS1")
    made = station(home, "ids", "new", "s10", "--service", "EE", "--country", "US")
    assert made.returncode == 1 and made.stdout == ""
    assert made.stderr.strip() == (
        "error: no block of s10:EE:US leased from the hub yet: station hub lease --space s10:EE:US"
    )
    sack = station(home, "sack", "new", "--destination", "941")
    assert sack.returncode != 0 and "station hub lease --space sscc:0614141" in sack.stdout + sack.stderr
    assert "Traceback" not in sack.stderr


def test_finding_3_blocks_are_topped_up_at_sync_and_used_up_ones_reported(hub: Hub, tmp_path: Path) -> None:
    home = _home(tmp_path, hub, "TOPS1")
    assert station(home, "hub", "lease").returncode == 0
    db = home / "data" / "station.sqlite3"
    if not db.exists():
        db = next(home.rglob("station.sqlite3"))
    with sqlite3.connect(db) as conn:
        (first_lease, last) = conn.execute(
            "SELECT lease_id, last_serial FROM serial_blocks WHERE space = 's10:CP:US'"
        ).fetchone()
        conn.execute("UPDATE serial_blocks SET next_serial = ? WHERE lease_id = ?", (last - 9, first_lease))
    synced = station(home, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    with sqlite3.connect(db) as conn:
        cp = conn.execute(
            "SELECT lease_id, first_serial FROM serial_blocks WHERE space = 's10:CP:US' ORDER BY lease_id"
        ).fetchall()
    assert len(cp) == 2  # ten left of the first block: the next one was leased at the sync
    made = station(home, "ids", "new", "s10", "--service", "CP", "--country", "US", "--count", "20")
    serials = [_serial(i) for i in made.stdout.split()]
    assert serials[:10] == list(range(last - 9, last + 1))  # the old block used up first
    assert serials[10:] == list(range(cp[1][1], cp[1][1] + 10))
    finished = hub.rows("SELECT finished_at IS NOT NULL FROM hub.serial_leases WHERE id = %s", first_lease)
    assert finished == [(False,)]
    assert station(home, "sync", "--once").returncode == 0
    finished = hub.rows("SELECT finished_at IS NOT NULL FROM hub.serial_leases WHERE id = %s", first_lease)
    assert finished == [(True,)]  # its 12 months before reuse have started


def test_finding_3_a_lease_whose_answer_was_lost_is_picked_up(hub: Hub, tmp_path: Path) -> None:
    st = open_station(tmp_path, "LOST1")
    client = PostgresHub(hub.station_dsn("LOST1"))
    lost = client.lease("s10:RR:US", 100_000)  # made at the hub, never recorded at the station
    report = SyncDesk(st, client).lease(["s10:RR:US"])
    assert report.adopted == 1 and report.leased == []  # a whole block in hand: no new one needed
    assert [(b.lease_id, b.first, b.last) for b in report.held] == [(lost.lease_id, lost.first, lost.last)]
    assert int(st.allocator.allocate("RR", "US")[0].serial) == lost.first


def test_finding_3_two_stations_leasing_at_once_never_overlap(hub: Hub) -> None:
    clients = [PostgresHub(hub.station_dsn(sid)) for sid in ("RACE1", "RACE2")]
    got: list[Lease] = []
    lock = threading.Lock()

    def lease_and_finish(client: PostgresHub) -> None:
        for _ in range(15):
            lease = client.lease("s10:UA:US", 1000)
            with lock:
                got.append(lease)
            client.finish_lease(lease.lease_id)  # used up: still not leased again within 12 months

    threads = [threading.Thread(target=lease_and_finish, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(got) == 30
    spans = sorted((lease.first, lease.last) for lease in got)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), spans
    assert spans[0][0] == 1 and spans[-1][1] == 30_000  # packed from the bottom, no gap


def test_finding_3_a_station_cannot_take_finish_or_hoard_another_stations_serials(hub: Hub) -> None:
    sfo, lax = PostgresHub(hub.station_dsn("SFO01")), PostgresHub(hub.station_dsn("LAX01"))
    theirs = lax.lease("s10:EE:US", 1000)
    with psycopg.connect(sfo.dsn) as conn:
        assert conn.execute("SELECT hub.finish_lease(%s)", (theirs.lease_id,)).fetchone() == (False,)
        rows = conn.execute("SELECT id FROM hub.my_serial_leases").fetchall()
        assert rows == []  # another station's blocks are not even listed
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE hub.serial_leases SET station_id = 'SFO01'")
    assert hub.rows("SELECT finished_at FROM hub.serial_leases WHERE id = %s", theirs.lease_id) == [(None,)]
    for space, size, said in (
        ("s10:EE:US", 5_000_000, "holds 1 to 1000000 serials"),  # a twentieth of the space at most
        ("s10:EE", 1000, "no serial space is named"),
        ("sscc:0614141", 0, "holds 1 to"),
    ):
        with pytest.raises(LeaseRefused, match=said):
            sfo.lease(space, size)
    sfo.lease("s10:EE:US", 1000)
    sfo.lease("s10:EE:US", 1000)
    with pytest.raises(LeaseRefused, match="two unfinished blocks"):
        sfo.lease("s10:EE:US", 1000)
    spans = hub.rows("SELECT first_serial, last_serial FROM hub.serial_leases ORDER BY first_serial")
    assert spans == [(1, 1000), (1001, 2000), (2001, 3000)]


def test_finding_3_a_block_is_leased_again_only_12_months_after_it_was_used_up(hub: Hub) -> None:
    old = PostgresHub(hub.station_dsn("OLD01"))
    first = old.lease("s10:CP:US", 1000)
    old.finish_lease(first.lease_id)
    with psycopg.connect(hub.admin_dsn) as conn:
        conn.execute(
            "UPDATE hub.serial_leases SET finished_at = now() - interval '11 months' WHERE id = %s",
            (first.lease_id,),
        )
    new = PostgresHub(hub.station_dsn("NEW01"))
    assert new.lease("s10:CP:US", 1000).first == 1001  # used up 11 months ago: not yet
    with psycopg.connect(hub.admin_dsn) as conn:
        conn.execute(
            "UPDATE hub.serial_leases SET finished_at = now() - interval '13 months' WHERE id = %s",
            (first.lease_id,),
        )
    assert new.lease("s10:CP:US", 1000).first == 1  # 13 months: the UPU allows the numbers again


def test_finding_3_a_revoked_station_leases_nothing_and_its_blocks_stay_taken(
    hub: Hub, tmp_path: Path
) -> None:
    gone = PostgresHub(hub.station_dsn("GONE1"))
    held = gone.lease("s10:CP:US", 1000)
    gone.close()
    assert (
        station(tmp_path, "hub", "revoke", "GONE1", "--dsn", hub.admin_dsn, "--because", "stolen").returncode
        == 0
    )
    other = PostgresHub(hub.station_dsn("KEPT1"))
    assert other.lease("s10:CP:US", 1000).first == held.last + 1


def test_a_block_is_one_serial_to_a_twentieth_of_its_space_and_a_full_space_says_so(hub: Hub) -> None:
    # `./dev mutants`: each bound of the block size and the space's top, tried exactly at the edge.
    # An SSCC space of a 12-digit company prefix holds 9,999 serials: a block is 1 to 499 of them.
    space = "sscc:061414112345"
    client = PostgresHub(hub.station_dsn("FULL1"))
    with pytest.raises(LeaseRefused, match=f"a block of {space} holds 1 to 499 serials, not 500"):
        client.lease(space, 500)
    taken = [client.lease(space, 1)]
    client.finish_lease(taken[0].lease_id)
    for _ in range(20):
        taken.append(client.lease(space, 499))
        client.finish_lease(taken[-1].lease_id)
    assert (taken[1].first, taken[-1].last) == (2, 9981)
    last = client.lease(space, 18)  # what is left fits exactly, to the space's top
    assert (last.first, last.last) == (9982, 9999)
    client.finish_lease(last.lease_id)
    with pytest.raises(LeaseRefused, match=f"the serial space {space} has no free block of 1 left"):
        client.lease(space, 1)


def test_a_login_that_is_no_station_leases_and_finishes_nothing(hub: Hub) -> None:
    station_lease = PostgresHub(hub.station_dsn("OWN01")).lease("s10:CP:US", 1000)
    for call, args in (
        ("SELECT * FROM hub.lease_serials(%s, %s)", ("s10:CP:US", 1000)),
        ("SELECT hub.finish_lease(%s)", (station_lease.lease_id,)),
    ):
        with (
            psycopg.connect(hub.admin_dsn) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="only an enrolled station"),
        ):
            conn.execute(call, args)
    assert hub.rows("SELECT count(*), count(finished_at) FROM hub.serial_leases") == [(1, 0)]
