"""The network's customers are texted once, by the hub's notifier, woken by each push (LISTEN/NOTIFY).

Two stations push to a hub on a real PostgreSQL cluster; the notifier (a station of its own, with an
empty journal) sends through a Twilio-compatible endpoint on 127.0.0.1. What the endpoint received is
what the customer got.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from hardware.registry import open_gateway
from hub.admin import HubError
from hub.notifier import AnotherNotifier, HubNotifier
from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from station.notify.consent import handle_inbound, subscribe
from station.notify.network import NetworkTexts
from station.notify.subscribers import AT_HUB
from station.notify.templates import render
from station.notify.worker import SmsWorker
from tests.hub.conftest import Hub, hub_client, open_station
from tests.pseudo_devices.sms_rest_server import SmsRestServer
from tests.station.notify.conftest import PHONE, SetClock

SACK = "00106141411234567897"
SACK_ID = "106141411234567897"
ITEM = S10.build("CP", 31, "US").text


def _networked(folder: Path, station_id: str, hub: Hub) -> tuple[Station, SyncDesk]:
    station = open_station(folder, station_id)
    link = hub_client(hub, station_id)
    station.config = replace(station.config, hub=link.dsn)
    return station, SyncDesk(station, link)


def _notifier(folder: Path, hub: Hub, gateway_url: str, idle: float = 60.0) -> tuple[Station, HubNotifier]:
    (folder / "notifier").mkdir(parents=True)
    clock = SetClock(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # 10:00 in New York: no quiet hours
    notifier = Station.open(folder / "notifier" / "n.sqlite3", StationConfig(station_id="HUBSMS"), clock)
    gateway = open_gateway(gateway_url, sms_log=folder / "notifier" / "sent.jsonl")
    worker = SmsWorker(notifier.db, gateway, notifier.clock)
    running = HubNotifier(hub.admin_dsn, lambda feed: NetworkTexts(notifier, feed), worker, idle=idle)
    return notifier, running


def _texts(server: SmsRestServer) -> list[str]:
    return [m["body"] for m in server.messages]


def _wait_for(server: SmsRestServer, count: int, seconds: float = 5.0) -> float:
    start = time.monotonic()
    while len(server.messages) < count:
        if time.monotonic() - start > seconds:
            raise AssertionError(f"{len(server.messages)} texts after {seconds} s, {count} expected")
        time.sleep(0.01)
    return time.monotonic() - start


def _settled(notifier: Station, hub: Hub, seconds: float = 10.0) -> dict[str, int]:
    """Until the notifier has taken in everything the hub holds (every station's events to its head, every
    follow) and handed every text it queued to the gateway: the marker that comes after any text those
    events could cause. Its cursor, then."""
    heads = {f"events:{s}": int(n) for s, n in hub.rows("SELECT station_id, last_seq FROM hub.heads")}
    heads |= {
        f"follows:{s}": int(n)
        for s, n in hub.rows("SELECT station_id, max(local_id) FROM hub.follows GROUP BY 1")
    }
    deadline = time.monotonic() + seconds
    while True:
        with notifier.db.reading() as conn:
            taken = {str(r[0]): int(r[1]) for r in conn.execute("SELECT feed, position FROM network_cursor")}
            waiting = int(
                conn.execute(
                    "SELECT count(*) FROM sms_outbox WHERE state IN ('queued', 'held', 'sending')"
                ).fetchone()[0]
            )
        if taken == heads and waiting == 0:
            return taken
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the notifier took {taken} with {waiting} texts unsent; the hub holds {heads}"
            )
        time.sleep(0.01)


def _outbox_size(station: Station) -> int:
    with station.db.reading() as conn:
        return int(conn.execute("SELECT count(*) FROM sms_outbox").fetchone()[0])


def test_an_item_crossing_two_stations_is_texted_once_each_step_by_the_hub(hub: Hub, tmp_path: Path) -> None:
    a, push_a = _networked(tmp_path, "STNA", hub)
    b, push_b = _networked(tmp_path, "STNB", hub)
    server = SmsRestServer()
    # An hour's idle wait: only the push's NOTIFY can wake it within the 30 s the first text is given.
    notifier, running = _notifier(tmp_path, hub, server.url, idle=3600.0)
    thread = threading.Thread(target=running.run)
    thread.start()
    try:
        desk_a = ScanDesk(a)
        assert desk_a.record(ITEM, EventKind.ACCEPTANCE, facility="SFO", operator="dee").ok
        assert subscribe(a, ITEM, PHONE) == AT_HUB  # the counter does not text: the hub will
        assert push_a.push().pushed == 1
        _wait_for(server, 1, seconds=30.0)
        assert _texts(server) == [render("optin_request", item_id=ITEM).text]
        handle_inbound(notifier, PHONE, "YES")  # the customer answers the hub's number
        assert desk_a.record(ITEM, EventKind.SORT_IN, facility="SFO", operator="dee", container_id=SACK).ok
        assert desk_a.record(SACK, EventKind.DISPATCH, facility="SFO", operator="dee").ok
        push_a.push()
        _wait_for(server, 3)
        desk_b = ScanDesk(b)
        assert desk_b.record(SACK, EventKind.ARRIVAL, facility="OAK", operator="bo").ok  # in transit: today
        assert desk_b.record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="OAK", operator="bo").ok
        push_b.push()
        _wait_for(server, 4)
        # Anything more would be a text too many: every event and follow taken, nothing left to send.
        _settled(notifier, hub)
    finally:
        running.stop.set()
        thread.join(10)
        server.close()
    assert _texts(server) == [
        render("optin_request", item_id=ITEM).text,
        render("optin_confirmed", item_id=ITEM).text,
        render("in_transit", item_id=ITEM, date="Nov 30").text,  # the sack's dispatch at A carried the item
        render("out_for_delivery", item_id=ITEM).text,  # B's arrival was the same day's transit
    ]
    assert {m["to"] for m in server.messages} == {PHONE}
    assert _outbox_size(a) == _outbox_size(b) == 0  # no station texted anyone itself
    assert hub.rows("SELECT station_id, phone, item_id FROM hub.follows") == [("STNA", PHONE, ITEM)]
    with notifier.db.reading() as conn:
        sacks = [tuple(r) for r in conn.execute("SELECT container_id, state, facility FROM sacks")]
    assert sacks == [(SACK_ID, "arrived", "SFO")]  # the network's sack, as the notifier keeps it


def test_a_restarted_notifier_takes_in_nothing_twice_and_stop_holds_across_stations(
    hub: Hub, tmp_path: Path
) -> None:
    a, push_a = _networked(tmp_path, "STNA", hub)
    b, push_b = _networked(tmp_path, "STNB", hub)
    items = [S10.build("CP", 40 + i, "US").text for i in range(3)]
    for item in items:
        assert ScanDesk(a).record(item, EventKind.ACCEPTANCE, facility="SFO", operator="dee").ok
        subscribe(a, item, PHONE)
    push_a.push()
    push_a.push()  # the same follows twice: held once
    server = SmsRestServer()
    try:
        notifier, running = _notifier(tmp_path, hub, server.url)
        running.run(once=True)
        assert _texts(server) == [render("optin_request", item_id=items[0]).text]  # asked once
        handle_inbound(notifier, PHONE, "YES")
        running.run(once=True)  # a second run, as after a restart: nothing taken in twice
        assert len(server.messages) == 2
        ScanDesk(b).record(items[0], EventKind.OUT_FOR_DELIVERY, facility="OAK", operator="bo")
        push_b.push()
        running.run(once=True)
        assert _texts(server)[-1] == render("out_for_delivery", item_id=items[0]).text
        handle_inbound(notifier, PHONE, "STOP")
        for item in items:
            ScanDesk(b).record(item, EventKind.DELIVERED, facility="OAK", operator="bo", signature_ref="x")
        push_b.push()
        running.run(once=True)
    finally:
        server.close()
    assert _texts(server)[3:] == [render("stop_confirmed", item_id=items[2]).text]  # and nothing after
    assert hub.rows("SELECT count(*) FROM hub.follows") == [(3,)]
    with notifier.db.reading() as conn:
        taken = {str(r[0]): int(r[1]) for r in conn.execute("SELECT feed, position FROM network_cursor")}
    assert taken == {"events:STNA": 3, "events:STNB": 4, "follows:STNA": 3}


def test_a_second_notifier_refuses_to_text_and_a_dead_hub_is_one_line(hub: Hub, tmp_path: Path) -> None:
    server = SmsRestServer()
    try:
        _notifier_one, first = _notifier(tmp_path / "one", hub, server.url)
        _notifier_two, second = _notifier(tmp_path / "two", hub, server.url)
        thread = threading.Thread(target=first.run)
        thread.start()
        try:
            deadline = time.monotonic() + 5
            while first._listen is None and time.monotonic() < deadline:
                time.sleep(0.01)
            with pytest.raises(AnotherNotifier, match="another notifier is texting for this hub"):
                second.run(once=True)
        finally:
            first.stop.set()
            thread.join(10)
        second.run(once=True)  # the first one's lock went with its session
        _notifier_three, dead = _notifier(tmp_path / "three", hub, server.url)
        dead.dsn = hub.admin_dsn.replace(hub.database, "no_such_hub")
        with pytest.raises(HubError, match="hub unreachable"):
            dead.run(once=True)
    finally:
        server.close()


def test_a_station_hands_in_follows_as_itself_and_reads_nobodys_phone_number(
    hub: Hub, tmp_path: Path
) -> None:
    a, push_a = _networked(tmp_path, "STNA", hub)
    subscribe(a, ITEM, PHONE)
    push_a.push()
    with psycopg.connect(hub_client(hub, "STNB").dsn) as other:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            other.execute("SELECT phone FROM hub.follows")
        other.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            other.execute("INSERT INTO hub.follows VALUES ('STNA', 99, '+12015550199', 'X', now())")
        other.rollback()
        other.execute(
            "SELECT hub.push_follows(ARRAY[1]::bigint[], ARRAY['+12015550199'], ARRAY['X'], ARRAY[now()])"
        )
        other.commit()
    assert hub.rows("SELECT station_id, local_id, phone FROM hub.follows ORDER BY 1") == [
        ("STNA", 1, PHONE),
        ("STNB", 1, "+12015550199"),  # filed under the calling role's own station
    ]
