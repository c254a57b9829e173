"""A small network behind a running tracking site: two stations (the origin counter and the delivery
office) on a hub, items accepted at the counter with names, streets, phones, e-mails and customs lines
that are unique marker strings, pushed, and `station hub web` started as its own process (uvicorn)
against the hub through the web login `station hub enrol-web` made."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from hub.admin import enrol_web, set_place
from hub.client import PostgresHub
from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.counter import Acceptance, CounterDesk, Piece
from station.desks.depot import DepotDesk
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.model.events import EventKind
from tests.hub.conftest import Hub, open_station
from tests.station.desks.test_abroad import MOSCOW, gift, parcel
from tests.station.desks.test_carrier import scribble

ROOT = Path(__file__).resolve().parents[2]
# Personal data, each a string found nowhere else: a public answer holding any of them leaks.
MARKERS = {
    "sender name": "Quillonmarker Sender",
    "sender street": "77 Vexmarker Lane",
    "addressee name": "Zorbinmarker Addressee",
    "addressee street": "12 Plinthmarker Street",
    "abroad name": "Иван Ксилофонмаркер",
    "customs line": "marker-customs-harpsichord",
    "phone": "2015550177",
    "e-mail": "someone@markermail.example",
    "neighbour": "Neighbourmarker Jones",
    "safe place": "behind the markerbin",
}
POSTCODE = "94105"


@dataclass
class Network:
    """The stations, their items and the site's address."""

    hub: Hub
    origin: Station
    office: Station
    url: str = ""
    items: dict[str, str] = field(default_factory=dict)  # what each is: "plain", "abroad", "locked", ...
    process: subprocess.Popen[bytes] | None = None
    web_dsn: str = ""
    dsns: dict[str, str] = field(default_factory=dict)  # each station's login

    def push(self) -> None:
        for station in (self.origin, self.office):
            SyncDesk(station, PostgresHub(self.dsns[station.station_id])).push()

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url + path, headers=headers)
        return _answer(request)

    def post(self, path: str, data: dict[str, Any], **headers: str) -> tuple[int, dict[str, str], bytes]:
        """A JSON POST."""
        body = json.dumps(data).encode()
        return self._post(path, body, {"Content-Type": "application/json", **headers})

    def post_form(self, path: str, data: dict[str, str], **headers: str) -> tuple[int, dict[str, str], bytes]:
        """A form POST, as the pages send."""
        body = urlencode(data).encode()
        return self._post(path, body, {"Content-Type": "application/x-www-form-urlencoded", **headers})

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        return _answer(request)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _answer(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fund(station: Station) -> CounterDesk:
    desk = CounterDesk(station)
    assert desk.init_meter().ok and desk.credit(200_000).ok
    return desk


def build_network(hub: Hub, folder: Path) -> Network:
    """Accept, sort, dispatch at the origin; receive at the delivery office; push; name the places."""
    origin = open_station(folder, "ORIG1")
    office = open_station(folder, "SFO1", datetime(2026, 12, 1, 16, 0, tzinfo=UTC))  # the next day
    dsns = {s: hub.station_dsn(s) for s in ("ORIG1", "SFO1")}
    net = Network(hub, origin, office, dsns=dsns)
    desk = _fund(origin)
    sender = (MARKERS["sender name"], MARKERS["sender street"], "New York NY 10001")
    addressee = (MARKERS["addressee name"], MARKERS["addressee street"], f"San Francisco CA {POSTCODE}")
    base = Piece(1200, "10001", POSTCODE, "priority", sender, addressee)
    where: dict[str, Any] = {"facility": "ORIG1-DEPOT", "operator": "ann"}
    for name, piece in (
        ("plain", base),
        ("chosen", base),
        ("locked", replace(base, no_choices=True)),
        ("loaded", base),
        ("delivered", base),
        ("attempted", base),
        ("abroad", replace(parcel(replace(MOSCOW, name=MARKERS["abroad name"]),
                                  gift((MARKERS["customs line"], "40.00", 500, "9201.10"))), sender=sender)),
    ):  # fmt: skip
        done = desk.accept(piece, phone="(201) 555-0177" if name == "plain" else None, **where)
        assert isinstance(done, Acceptance), done.reason
        net.items[name] = done.tracking
    depot = DepotDesk(origin)
    sack = depot.new_sack(destination="941", **where)
    assert sack.ok and sack.id, sack
    for name in ("plain", "chosen", "locked", "loaded", "delivered", "attempted"):
        assert ScanDesk(origin).record(net.items[name], EventKind.SORT_IN, container_id=sack.id, **where).ok
    assert ScanDesk(origin).record(sack.id, EventKind.SACK_CLOSE, **where).ok
    assert ScanDesk(origin).record(sack.id, EventKind.DISPATCH, **where).ok
    at_office: dict[str, Any] = {"facility": "SFO1-DEPOT", "operator": "joe"}
    assert ScanDesk(office).record(sack.id, EventKind.ARRIVAL, **at_office).ok
    for name in ("plain", "chosen", "locked", "loaded", "delivered", "attempted"):
        assert ScanDesk(office).record(net.items[name], EventKind.DELIVERY_OFFICE, **at_office).ok
    carrier = CarrierDesk(office)
    for name in ("loaded", "delivered", "attempted"):
        assert carrier.load(net.items[name], **at_office).ok
    assert carrier.deliver(net.items["delivered"], scribble(), MARKERS["addressee name"], **at_office).ok
    assert carrier.attempt(net.items["attempted"], "ADDRESSEE_ABSENT", **at_office).ok
    for station in (origin, office):
        station.journal.checkpoint()  # as at a clean stop: a signed checkpoint covering every event
    net.push()
    set_place(hub.admin_dsn, "ORIG1-DEPOT", "New York", "America/New_York")
    set_place(hub.admin_dsn, "SFO1-DEPOT", "San Francisco delivery office", "America/Los_Angeles")
    set_place(hub.admin_dsn, "OAK1-DEPOT", "Oakland delivery office", "America/Los_Angeles", "94607")
    return net


def start_site(net: Network, *extra: str, port: int | None = None) -> Network:
    """`station hub web` on a free port (or `port`), as the web login; waits until it answers."""
    login = enrol_web(net.hub.admin_dsn, "public")
    net.web_dsn = net.hub.cluster.passfile_dsn(net.hub.database, login.role, login.password)
    net.process, net.url = run_site(net.web_dsn, *extra, port=port)
    return net


def run_site(dsn: str, *extra: str, port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`station hub web --dsn DSN` as its own process on a free port (or `port`), once it answers."""
    port = port or free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ui", "hub", "web", "--dsn", dsn, "--port", str(port), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"the site stopped: {said}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the site did not answer within 30 s")
