"""The worker and the gateways against real local servers: REST (down, slow, errors, idempotency), SMPP PDUs,
a kill -9 between send and acknowledgement, and the inbound webhook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hardware.registry import open_gateway
from station.app import Station
from station.desks.scan import ScanDesk
from station.model.events import EventKind
from station.model.states import SubscriberState
from station.notify import subscribers
from station.notify.consent import handle_inbound, subscribe
from station.notify.worker import SmsWorker
from tests.pseudo_devices.smpp_server import SmppServer
from tests.pseudo_devices.sms_rest_server import SmsRestServer
from tests.station.notify.conftest import PHONE, SetClock, outbox

ITEM = "EE123456785US"


def _states(station: Station) -> list[str]:
    return [s for _t, s, _i in outbox(station)]


def test_rest_gateway_sends_and_retries_with_backoff_when_down_or_failing(
    station: Station, clock: SetClock, tmp_path: Path
) -> None:
    server = SmsRestServer()
    try:
        subscribe(station, ITEM, PHONE)
        worker = SmsWorker(station.db, open_gateway(server.url, sms_log=tmp_path / "sms-sent.jsonl"), clock)
        server.mode = "error500"
        assert worker.run_once().retried == 1
        assert _states(station) == ["queued"] and server.messages == []
        assert worker.run_once().sent == 0  # backing off: not due yet
        clock.now = clock.now.replace(minute=clock.now.minute + 1)
        server.mode = "slow"
        assert worker.run_once().retried == 1  # a 2 s answer against a 1 s timeout
        clock.now = clock.now.replace(minute=clock.now.minute + 1)
        server.mode = "ok"
        report = worker.run_once()
        assert report.sent == 1
        assert server.messages[0]["to"] == PHONE and "reply YES" in server.messages[0]["body"]
        assert server.messages[0]["from"] == "+15550001111"
    finally:
        server.close()


def test_rest_gateway_client_errors_fail_the_message_and_a_dead_endpoint_is_temporary(
    station: Station, clock: SetClock, tmp_path: Path
) -> None:
    server = SmsRestServer()
    url = server.url
    subscribe(station, ITEM, PHONE)
    server.mode = "error400"
    worker = SmsWorker(station.db, open_gateway(url, sms_log=tmp_path / "sms-sent.jsonl"), clock)
    assert worker.run_once().failed == 1
    with station.db.reading() as conn:
        assert "invalid 'To' number" in conn.execute("SELECT last_error FROM sms_outbox").fetchone()[0]
    server.close()
    handle_inbound(station, PHONE, "HELP")
    assert worker.run_once().retried == 1  # connection refused: retried later, not failed


def test_smpp_gateway_submits_real_pdus(station: Station, clock: SetClock, tmp_path: Path) -> None:
    smsc = SmppServer({"station": "pw"})
    try:
        subscribe(station, ITEM, PHONE)
        gateway = open_gateway(
            f"smpp://station:pw@127.0.0.1:{smsc.port}?from=PARCELS", sms_log=tmp_path / "sms-sent.jsonl"
        )
        assert SmsWorker(station.db, gateway, clock).run_once().sent == 1
        message = smsc.submitted[0]
        assert (message.source, message.destination, message.data_coding) == ("PARCELS", PHONE[1:], 0)
        assert message.registered_delivery == 1 and "reply YES" in message.text
        with station.db.reading() as conn:
            receipt = conn.execute("SELECT gateway_id, receipt FROM sms_outbox").fetchone()
        assert tuple(receipt) == ("msg000001", "DELIVRD")  # the delivery receipt came back on the session
        worker = SmsWorker(
            station.db, gateway, clock, lambda phone, text: handle_inbound(station, phone, text)
        )
        smsc.send_mo(PHONE, "yes")  # the customer's reply arrives on the SMPP session
        worker.run_once()
        assert [t for t, _s, _i in outbox(station)][-1] == "optin_confirmed"
        wrong = open_gateway(
            f"smpp://station:nope@127.0.0.1:{smsc.port}", sms_log=tmp_path / "sms-sent.jsonl"
        )
        handle_inbound(station, PHONE, "HELP")
        assert SmsWorker(station.db, wrong, clock).run_once().retried == 2  # bind refused: both replies wait
    finally:
        smsc.close()


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from station.app import Station
    from station.config import StationConfig
    from hardware.registry import open_gateway
    from station.notify.worker import SmsWorker
    station = Station.open(sys.argv[1], StationConfig())
    real = open_gateway(sys.argv[2], sms_log=Path(sys.argv[3]) / "sms-sent.jsonl")

    class DiesAfterSending:
        dedupes_client_ref = real.dedupes_client_ref
        def send(self, *args):
            real.send(*args)
            os.kill(os.getpid(), signal.SIGKILL)  # after the gateway took it, before "sent" is written

    SmsWorker(station.db, DiesAfterSending()).run_once()
    """
)


def _kill_worker_after_send(db: Path, gateway_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "STATION_HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(db), gateway_url, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_kill_9_between_send_and_acknowledgement_sends_nothing_twice(
    station: Station, clock: SetClock, tmp_path: Path
) -> None:
    server = SmsRestServer()
    smsc = SmppServer({"u": "p"})
    try:
        subscribe(station, ITEM, PHONE)
        _kill_worker_after_send(station.db.path, server.url, tmp_path)
        assert len(server.messages) == 1 and _states(station) == ["sending"]
        report = SmsWorker(
            station.db, open_gateway(server.url, sms_log=tmp_path / "sms-sent.jsonl"), clock
        ).run_once()
        assert (report.recovered, report.sent) == (1, 1)  # resent under the same idempotency token ...
        assert len(server.messages) == 1  # ... which the gateway did not deliver twice
        assert _states(station) == ["sent"]

        handle_inbound(station, PHONE, "HELP")
        smpp_url = f"smpp://u:p@127.0.0.1:{smsc.port}"
        _kill_worker_after_send(station.db.path, smpp_url, tmp_path)
        assert len(smsc.submitted) == 1
        report = SmsWorker(
            station.db, open_gateway(smpp_url, sms_log=tmp_path / "sms-sent.jsonl"), clock
        ).run_once()
        assert report.recovered == 1 and report.sent == 0  # SMPP cannot deduplicate: never resent
        assert len(smsc.submitted) == 1 and _states(station) == ["sent", "uncertain"]
    finally:
        server.close()
        smsc.close()


def test_the_log_gateway_writes_each_message_once(station: Station, clock: SetClock, tmp_path: Path) -> None:
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    ScanDesk(station).record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    gateway = open_gateway("log:", sms_log=tmp_path / "sms-sent.jsonl")
    assert SmsWorker(station.db, gateway, clock).run_once().sent == 3
    gateway.send(PHONE, "again", "GSM-7", _first_ref(station))  # the same reference again
    lines = (tmp_path / "sms-sent.jsonl").read_text().splitlines()
    assert len(lines) == 3


def _first_ref(station: Station) -> str:
    with station.db.reading() as conn:
        return str(conn.execute("SELECT client_ref FROM sms_outbox ORDER BY id").fetchone()[0])


def test_issue_28_finding_11_a_stop_in_message_payload_is_honoured_and_bad_ucs2_kills_nothing(
    station: Station, clock: SetClock, tmp_path: Path
) -> None:
    smsc = SmppServer({"station": "pw"})
    try:
        subscribe(station, ITEM, PHONE)
        handle_inbound(station, PHONE, "YES")
        gateway = open_gateway(f"smpp://station:pw@127.0.0.1:{smsc.port}", sms_log=tmp_path / "sms.jsonl")
        heard: list[tuple[str, str]] = []

        def inbound(phone: str, text: str) -> None:
            heard.append((phone, text))
            handle_inbound(station, phone, text)

        worker = SmsWorker(station.db, gateway, clock, inbound)
        worker.run_once()  # bound; the opt-in texts sent
        # UCS-2 with an odd byte count, then a lone surrogate: each answered, neither kills the worker.
        odd = smsc.send_mo(PHONE, data="Hi".encode("utf-16-be") + b"\x00", data_coding=8)
        lone = smsc.send_mo(PHONE, data=b"\xd8\x00\x00A", data_coding=8)
        # STOP the other legal way: sm_length 0, the text in the message_payload TLV.
        stop = smsc.send_mo(PHONE, data="STOP".encode("utf-16-be"), data_coding=8, payload=True)
        worker.run_once()
        assert ("+" + PHONE.lstrip("+"), "STOP") in heard
        answered = {sequence for command, sequence in smsc.answered if command == 0x80000005}
        assert {odd, lone, stop} <= answered  # every deliver_sm answered: the SMSC redelivers none
        assert any(text.startswith("Hi") and "\ufffd" in text for _phone, text in heard)
        with station.db.reading() as conn:
            found = subscribers.subscriber(conn, PHONE)
        assert found is not None and found.state is SubscriberState.STOPPED  # texted no more
    finally:
        smsc.close()


def test_issue_28_finding_12_the_gateways_secret_in_a_file_only_its_owner_reads(
    station: Station, clock: SetClock, tmp_path: Path
) -> None:
    from hardware.urls import DeviceUrlError

    server = SmsRestServer()
    try:
        subscribe(station, ITEM, PHONE)
        secret = tmp_path / "sms.secret"
        secret.write_text("secret\n")
        secret.chmod(0o600)
        url = server.url.replace("AC123:secret@", "AC123@") + f"&secret_file={secret}"
        assert "secret@" not in url  # no token in the settings, nor in a process's arguments
        worker = SmsWorker(station.db, open_gateway(url, sms_log=tmp_path / "sms.jsonl"), clock)
        assert worker.run_once().sent == 1  # the server checks the account and token it was given
        secret.chmod(0o644)
        with pytest.raises(DeviceUrlError, match=r"may be read by others \(mode 644\): chmod 600"):
            open_gateway(url, sms_log=tmp_path / "sms.jsonl")
        with pytest.raises(DeviceUrlError, match="No such file"):
            open_gateway(url.replace("sms.secret", "gone.secret"), sms_log=tmp_path / "sms.jsonl")
        with pytest.raises(DeviceUrlError, match="not both"):
            open_gateway(server.url + f"&secret_file={secret}", sms_log=tmp_path / "sms.jsonl")
    finally:
        server.close()
