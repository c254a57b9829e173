"""The inbound webhook answers only its provider: signed requests (Twilio's X-Twilio-Signature), bounded
bodies, idle connections dropped, a cap on threads, a rate limit per source. Driven over real sockets."""

from __future__ import annotations

import contextlib
import itertools
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.sms.webhook import WebhookServer, make_server, twilio_signature
from station.app import Station
from station.notify.consent import subscribe
from tests.station.notify.conftest import PHONE, outbox

TOKEN = "12345678901234567890123456789012"
_SIDS = itertools.count(1)
ITEM = "EE123456785US"


@pytest.fixture
def webhook(station: Station) -> Iterator[WebhookServer]:
    server = make_server(station, "127.0.0.1", 0, auth_token=TOKEN, max_workers=4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def post(
    server: WebhookServer, params: dict[str, str], signature: str | None = "sign", **headers: str
) -> int:
    url = f"http://127.0.0.1:{server.server_port}/sms/inbound"
    params = {"MessageSid": f"SM{next(_SIDS):032x}", **params}  # a provider names every text it sends
    body = urllib.parse.urlencode(params).encode()
    if signature == "sign":
        signature = twilio_signature(TOKEN, url, params)
    lines = [
        "POST /sms/inbound HTTP/1.1",
        f"Host: 127.0.0.1:{server.server_port}",
        "Content-Type: application/x-www-form-urlencoded",
    ]
    if "Content_Length" not in headers:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    if signature is not None:
        lines.append(f"X-Twilio-Signature: {signature}")
    with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        answer = sock.recv(4096)
    return int(answer.split()[1])


def test_the_signature_matches_twilios_own_test_vectors() -> None:
    # The vectors of twilio-python's request-validator tests (token "12345"), repeated parameters included.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
        "Caller": "+14158675309",
    }
    assert twilio_signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert twilio_signature("12345", url, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_unsigned_or_wrongly_signed_requests_change_nothing(webhook: WebhookServer, station: Station) -> None:
    subscribe(station, ITEM, PHONE)
    yes = {"From": PHONE, "Body": "YES", "To": "+15550001111"}
    assert post(webhook, yes, signature=None) == 403
    assert post(webhook, yes, signature="GvWf1cFY/Q7PnoempGyD5oXAezc=") == 403
    assert (
        post(webhook, {**yes, "From": "+12015550999"}, signature=twilio_signature(TOKEN, "http://x/", yes))
        == 403
    )
    assert [t for t, _s, _i in outbox(station)] == ["optin_request"]  # still waiting for a real YES
    assert post(webhook, yes) == 200
    assert [t for t, _s, _i in outbox(station)] == ["optin_request", "optin_confirmed"]


def test_bodies_must_declare_a_sane_length(webhook: WebhookServer) -> None:
    params = {"From": PHONE, "Body": "HELP"}
    assert post(webhook, params, Content_Length="-1") == 400
    assert post(webhook, params, Content_Length="300000000") == 413  # refused before reading a byte
    with socket.create_connection(("127.0.0.1", webhook.server_port), timeout=10) as sock:
        sock.sendall(b"POST /sms/inbound HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).split()[1] == b"411"


def test_idle_connections_hold_no_more_than_the_worker_cap(webhook: WebhookServer) -> None:
    before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", webhook.server_port), timeout=10) for _ in range(60)]
    try:
        # The marker that the server has taken every one of them: the 56 over the cap answered at once.
        busy = [sock.recv(4096) for sock in idle[4:]]
        assert all(b" 503 " in answer for answer in busy)
        assert threading.active_count() - before <= 4  # 60 idle sockets, at most max_workers threads
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10  # served again once they are gone (each worker sees its close)
    while (code := post(webhook, {"From": PHONE, "Body": "HELP"})) == 503 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert code == 200


def test_one_source_is_rate_limited(webhook: WebhookServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hardware.sms.webhook.PER_SOURCE_PER_MINUTE", 5)
    codes = [post(webhook, {"From": PHONE, "Body": "HELP"}) for _ in range(8)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {429}


def test_a_number_is_asked_to_opt_in_once_however_often_it_texts_tracking_numbers(
    webhook: WebhookServer, station: Station
) -> None:
    for serial in range(10):
        from station.ids import S10

        item = S10.build("CP", 25_000_000 + serial, "US").text
        assert post(webhook, {"From": PHONE, "Body": item}) == 200
    assert [t for t, _s, _i in outbox(station)] == ["optin_request"]


def test_idle_connections_are_dropped_so_the_provider_gets_through(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hardware.sms.webhook.IDLE_SECONDS", 0.5)
    server = make_server(station, "127.0.0.1", 0, auth_token=TOKEN, max_workers=4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    idle = [socket.create_connection(("127.0.0.1", server.server_port), timeout=10) for _ in range(4)]
    try:
        assert post(server, {"From": PHONE, "Body": "HELP"}) == 503  # every worker held by an idle socket
        assert all(sock.recv(16) == b"" for sock in idle)  # closed by the server, not by the client
        assert post(server, {"From": PHONE, "Body": "HELP"}) == 200  # the idle ones were dropped
    finally:
        for sock in idle:
            sock.close()
        server.shutdown()
        server.server_close()


def test_the_webhook_does_not_start_without_a_token_to_check_signatures(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "--home", str(tmp_path), "sms", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and result.stderr.startswith(
        "error: the webhook checks the provider's signatures"
    )


def _subscriber_state(station: Station) -> object:
    from station.notify import subscribers

    with station.db.reading() as conn:
        found = subscribers.subscriber(conn, PHONE)
    return None if found is None else found.state


def test_issue_28_finding_9_a_replayed_start_does_not_undo_a_stop(
    webhook: WebhookServer, station: Station
) -> None:
    from station.model.states import SubscriberState

    subscribe(station, ITEM, PHONE)
    assert post(webhook, {"From": PHONE, "Body": "YES", "MessageSid": "SM-yes"}) == 200
    assert post(webhook, {"From": PHONE, "Body": "START", "MessageSid": "SM-start"}) == 200
    assert post(webhook, {"From": PHONE, "Body": "STOP", "MessageSid": "SM-stop"}) == 200
    assert _subscriber_state(station) is SubscriberState.STOPPED
    replies = [t for t, _s, _i in outbox(station)]
    # The captured START, sent again with its valid signature: answered, applied no more.
    assert post(webhook, {"From": PHONE, "Body": "START", "MessageSid": "SM-start"}) == 200
    assert _subscriber_state(station) is SubscriberState.STOPPED
    assert [t for t, _s, _i in outbox(station)] == replies  # no second start_confirmed
    # The provider's own retry of a text: applied once.
    assert post(webhook, {"From": PHONE, "Body": "HELP", "MessageSid": "SM-help"}) == 200
    assert post(webhook, {"From": PHONE, "Body": "HELP", "MessageSid": "SM-help"}) == 200
    assert [t for t, _s, _i in outbox(station)].count("help") == 1


def test_issue_28_finding_9_a_signed_text_without_its_id_is_refused(webhook: WebhookServer) -> None:
    assert post(webhook, {"From": PHONE, "Body": "STOP", "MessageSid": ""}) == 400


def test_issue_28_finding_10_trickling_connections_free_their_workers_in_time(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    from station.model.states import SubscriberState

    monkeypatch.setattr("hardware.sms.webhook.REQUEST_SECONDS", 1.0)
    server = make_server(station, "127.0.0.1", 0, auth_token=TOKEN, max_workers=4)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    subscribe(station, ITEM, PHONE)
    trickles = [socket.create_connection(("127.0.0.1", server.server_port), timeout=10) for _ in range(4)]
    try:
        for sock in trickles:
            sock.sendall(b"P")
        for _ in range(8):  # a byte each 0.3 s: every read is lively, the request never ends
            time.sleep(0.3)
            for sock in trickles:
                with contextlib.suppress(OSError):
                    sock.sendall(b"O")
        assert post(server, {"From": PHONE, "Body": "STOP"}) == 200  # the real STOP gets through
        assert _subscriber_state(station) is SubscriberState.STOPPED
    finally:
        for sock in trickles:
            sock.close()
        server.shutdown()
        server.server_close()


def test_issue_28_finding_10_unsigned_junk_does_not_spend_the_providers_rate(
    webhook: WebhookServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hardware.sms.webhook.PER_SOURCE_PER_MINUTE", 5)
    assert [post(webhook, {"From": PHONE, "Body": "STOP"}, signature="forged") for _ in range(10)] == [
        403
    ] * 10
    assert post(webhook, {"From": PHONE, "Body": "STOP"}) == 200  # behind a proxy: one source for all
