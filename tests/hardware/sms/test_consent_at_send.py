"""Consent is checked again in the transaction that hands a message to the gateway: no text after STOP,
however slow the gateway, and any number of workers send each message once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from hardware.registry import open_gateway
from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.ids import S10
from station.model.events import EventKind
from station.notify.consent import handle_inbound, subscribe
from station.notify.worker import SmsWorker
from tests.pseudo_devices.smpp_server import SmppServer
from tests.pseudo_devices.sms_rest_server import SmsRestServer
from tests.station.notify.conftest import PHONE, SetClock, outbox


def test_no_text_reaches_the_gateway_after_stop_is_committed(
    station: Station, clock: SetClock, tmp_path: Path
) -> None:
    items = [S10.build("CP", 20_000_000 + i, "US").text for i in range(6)]
    for item in items:
        subscribe(station, item, PHONE)
    handle_inbound(station, PHONE, "YES")
    desk = ScanDesk(station)
    for item in items:
        assert desk.record(item, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o").ok
    server = SmsRestServer()
    server.mode, server.delay = "slow", 0.4
    try:
        url = server.url.replace("timeout=1", "timeout=5")
        worker = SmsWorker(station.db, open_gateway(url, sms_log=tmp_path / "log.jsonl"), clock)
        sending = threading.Thread(target=worker.run_once)
        sending.start()
        while len(server.arrivals) < 2:  # the worker is handing over its second message
            time.sleep(0.01)
        assert handle_inbound(station, PHONE, "STOP").action == "stopped"
        stopped_at = time.monotonic()
        sending.join(30)
    finally:
        server.close()
    assert all(arrived < stopped_at for arrived in server.arrivals), "a text reached the gateway after STOP"
    rows = outbox(station)
    assert [state for _t, state, _i in rows].count("sent") == len(server.arrivals) == 2
    assert rows[-1][:2] == ("stop_confirmed", "queued")
    assert {state for _t, state, _i in rows[:-1]} == {"sent", "cancelled"}


def _work_at_once(stations: list[Station], gateway: str, folder: Path) -> None:
    """One worker per station (each its own connection, as separate processes have), all passes at once."""
    workers = [
        SmsWorker(s.db, open_gateway(gateway, sms_log=folder / "log.jsonl"), s.clock) for s in stations
    ]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


def test_two_workers_at_once_send_each_message_once(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    first = Station.open(path, StationConfig())
    phones = [f"+1201555{n:04d}" for n in range(100, 140)]
    for n, phone in enumerate(phones):
        subscribe(first, S10.build("CP", 21_000_000 + n, "US").text, phone)  # one opt-in request each
    second = Station.open(path, StationConfig())  # another process would have its own connection
    server = SmsRestServer()
    server.mode, server.delay = "slow", 0.01
    try:
        _work_at_once([first, second], server.url, tmp_path)
    finally:
        server.close()
        second.close()
    assert server.requests == len(phones)  # not one request more: the REST server's dedupe is not needed
    assert sorted(m["to"] for m in server.messages) == sorted(phones)
    assert {state for _t, state, _i in outbox(first)} == {"sent"}
    first.close()


def test_a_stop_confirmation_is_never_held_by_the_rate_limit_or_quiet_hours(
    station: Station, clock: SetClock
) -> None:
    items = [S10.build("CP", 22_000_000 + i, "US").text for i in range(12)]
    for item in items:
        subscribe(station, item, PHONE)
    handle_inbound(station, PHONE, "YES")
    desk = ScanDesk(station)
    for item in items:  # more than the number's hourly limit
        desk.record(item, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    assert "held" in {state for _t, state, _i in outbox(station)}  # the limit does hold ordinary texts
    clock.now = clock.now.replace(hour=3)  # 22:00 in New York: quiet hours

    def reply(template: str) -> tuple[str, str]:
        with station.db.reading() as conn:
            row = conn.execute(
                "SELECT state, not_before FROM sms_outbox WHERE template=? ORDER BY id DESC", (template,)
            ).fetchone()
        return row[0], row[1]

    assert handle_inbound(station, PHONE, "HELP").reply == "help"
    assert reply("help") == ("queued", clock.now.isoformat())
    assert handle_inbound(station, PHONE, "STOP").reply == "stop_confirmed"
    assert reply("stop_confirmed") == ("queued", clock.now.isoformat())
    assert handle_inbound(station, PHONE, "stop").reply is None  # confirmed once
    with station.db.reading() as conn:
        assert (
            conn.execute("SELECT count(*) FROM sms_outbox WHERE template='stop_confirmed'").fetchone()[0] == 1
        )


def _customers(station: Station, count: int, first_serial: int) -> list[str]:
    phones = [f"+1201555{n:04d}" for n in range(200, 200 + count)]
    for n, phone in enumerate(phones):
        item = S10.build("CP", first_serial + n, "US").text
        subscribe(station, item, phone)
        handle_inbound(station, phone, "YES")
    return phones


def test_smpp_sends_each_text_once_though_receipts_arrive_between_answers(tmp_path: Path) -> None:
    # The SMSC answers each submit_sm and at once sends that message's delivery receipt: the next
    # message's read finds a receipt first, which must never be taken for its submit_sm_resp.
    with Station.open(tmp_path / "s.sqlite3", StationConfig()) as station:
        phones = _customers(station, 40, 23_000_000)  # 80 messages: opt-in request and confirmation each
        smsc = SmppServer({"station": "pw"})
        try:
            gateway = open_gateway(f"smpp://station:pw@127.0.0.1:{smsc.port}", sms_log=tmp_path / "l")
            report = SmsWorker(station.db, gateway, station.clock).run_once()
            gateway.close()
        finally:
            smsc.close()
        assert report.sent == 80 and len(smsc.submitted) == 80
        texts = [(m.destination, m.text) for m in smsc.submitted]
        assert len(set(texts)) == 80 and {d for d, _t in texts} == {p.lstrip("+") for p in phones}
        assert {state for _t, state, _i in outbox(station)} == {"sent"}


def test_two_smpp_workers_at_once_send_each_text_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    first = Station.open(path, StationConfig())
    _customers(first, 30, 24_000_000)
    second = Station.open(path, StationConfig())
    smsc = SmppServer({"station": "pw"})
    try:
        _work_at_once([first, second], f"smpp://station:pw@127.0.0.1:{smsc.port}", tmp_path)
    finally:
        smsc.close()
    assert len(smsc.submitted) == 60
    assert len({(m.destination, m.text) for m in smsc.submitted}) == 60
    second.close()
    first.close()
