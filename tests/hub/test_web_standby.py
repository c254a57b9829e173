"""The tracking site reads through a hot standby (issue 32): its DSN names the primary and the standby;
with the primary down, look-ups are answered from the standby, and what writes (the postcode gate, a
choice) says in one line that it is not available, never a traceback."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from hub.admin import enrol, enrol_web, init
from hub.client import PostgresHub
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from tests.hub.conftest import open_station
from tests.hub.web_site import run_site
from tests.pg import Cluster

ITEM = S10.build("CP", 777, "US").text


def _get(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if data else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers), timeout=30
        ) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_look_ups_come_from_the_standby_while_the_primary_is_down(tmp_path: Path) -> None:
    primary = Cluster.create()
    standby = site = None
    try:
        init(primary.dsn())
        station_role = enrol(primary.dsn(), "STNA")
        web = enrol_web(primary.dsn(), "public")
        standby = Cluster.standby_of(primary)
        both = f"{primary.socket_dir},{standby.socket_dir}"
        a = open_station(tmp_path, "STNA")
        extra = {"service": "priority", "destination_zip": "94105"}
        assert ScanDesk(a).record(ITEM, EventKind.ACCEPTANCE, facility="SFO", operator="ann", extra=extra).ok
        station_dsn = f"postgresql://{station_role.role}:{station_role.password}@/hub?host={both}"
        assert SyncDesk(a, PostgresHub(station_dsn)).push().pushed == 1
        with psycopg.connect(standby.dsn()) as conn:
            deadline = time.monotonic() + 20
            while conn.execute("SELECT count(*) FROM hub.events").fetchone() != (1,):
                assert time.monotonic() < deadline, "the standby did not catch up"
                time.sleep(0.1)
                conn.rollback()
        password_file = tmp_path / "web.pgpass"
        password_file.write_text(f"*:*:*:{web.role}:{web.password}\n")
        password_file.chmod(0o600)
        dsn = f"postgresql://{web.role}@/hub?host={both}&passfile={password_file}"
        site, url = run_site(dsn, "--learn-days", "0")
        assert _get(f"{url}/api/v1/track/{ITEM}")[0] == 200
        primary.stop("immediate")
        status, body = _get(f"{url}/api/v1/track/{ITEM}?again=1")
        assert status == 200 and json.loads(body)["events"][0]["kind"] == "acceptance"  # from the standby
        status, body = _get(f"{url}/api/v1/track/{ITEM}/details", json.dumps({"postcode": "94105"}).encode())
        assert status == 503 and json.loads(body)["error"] == "hub-unavailable"
        site.terminate()
        _out, err = site.communicate(timeout=15)
        assert b"Traceback" not in err
    finally:
        if site is not None and site.poll() is None:
            site.kill()
        if standby is not None:
            standby.remove()
        primary.remove()
