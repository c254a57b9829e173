"""Texts from the tracking page (issue 32): behind the postcode a customer asks for texts about an item
(the number is asked to reply YES first, by the hub's notifier, through a Twilio-compatible endpoint on
127.0.0.1) and stops them; the number is never shown back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.desks.scan import ScanDesk
from station.model.events import EventKind
from station.notify.consent import handle_inbound
from tests.hub.conftest import new_hub
from tests.hub.test_hub_texts import _notifier
from tests.hub.web_site import POSTCODE, Network, build_network, start_site
from tests.pg import Cluster
from tests.pseudo_devices.sms_rest_server import SmsRestServer

PHONE = "(201) 555-0188"
E164 = "+12015550188"


@pytest.fixture
def site(cluster: Cluster, tmp_path: Path) -> Iterator[Network]:
    net = start_site(build_network(new_hub(cluster), tmp_path / "net"))
    yield net
    net.stop()


def _to(server: SmsRestServer, phone: str) -> list[str]:
    return [m["body"] for m in server.messages if m.get("to") == phone]


def test_a_customer_signs_up_for_texts_replies_yes_and_stops_them_from_the_page(
    site: Network, tmp_path: Path
) -> None:
    item = site.items["plain"]
    server = SmsRestServer()
    try:
        notifier, running = _notifier(tmp_path, site.hub, server.url)
        form = site.post_form(
            f"/track/{item}/texts", {"postcode": POSTCODE, "phone": PHONE, "action": "follow"}
        )
        assert form[0] == 200 and b"reply YES" in form[2]
        assert b"555-0188" not in form[2] and b"5550188" not in form[2]  # never shown back
        running.run(once=True)
        asked = _to(server, E164)
        assert len(asked) == 1 and "reply YES" in asked[0] and item[-4:] in asked[0]
        handle_inbound(notifier, E164, "YES")
        running.run(once=True)
        at_office: dict[str, Any] = {"facility": "SFO1-DEPOT", "operator": "joe"}
        assert ScanDesk(site.office).record(item, EventKind.DELAYED, reason="WEATHER", **at_office).ok
        site.push()
        running.run(once=True)
        assert any("is delayed" in text for text in _to(server, E164))
        stop = site.post(
            f"/api/v1/track/{item}/texts", {"postcode": POSTCODE, "phone": PHONE, "action": "stop"}
        )
        assert stop[0] == 200
        running.run(once=True)
        assert "no more texts about item" in _to(server, E164)[-1]
        before = len(_to(server, E164))
        assert ScanDesk(site.office).record(item, EventKind.DELIVERY_OFFICE, **at_office).ok
        site.push()
        running.run(once=True)
        assert len(_to(server, E164)) == before  # stopped at once: nothing more about the item
    finally:
        server.close()


def test_a_wrong_postcode_or_number_is_refused_and_nothing_is_sent(site: Network, tmp_path: Path) -> None:
    item = site.items["plain"]
    wrong = site.post(
        f"/api/v1/track/{item}/texts", {"postcode": "10001", "phone": PHONE, "action": "follow"}
    )
    assert wrong[0] == 403
    landline = site.post(
        f"/api/v1/track/{item}/texts", {"postcode": POSTCODE, "phone": "12", "action": "follow"}
    )
    assert landline[0] == 400 and b"not a mobile number" in landline[2]
    assert site.hub.rows("SELECT count(*) FROM hub.web_texts") == [(0,)]
