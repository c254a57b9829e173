"""Issue 31, item 18: texts go out while the window is open, through the gateway of the settings (a
Twilio-speaking server on 127.0.0.1), with no `station sms worker`; the status bar and the doctor say
what waits. Before: every text stayed queued until someone ran the worker, and the doctor said "ok SMS
gateway" while texts waited."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from station.desks.doctor import DoctorDesk
from station.model.clock import utc_now
from station.paths import StationPaths
from tests.pseudo_devices.sms_rest_server import SmsRestServer
from tests.ui.x11 import funded, needs_x11, set_up_home, station, until, window_on

pytestmark = needs_x11
PHONE = "+12015550120"


def _texts_waiting(home: Path, minutes_later: int) -> tuple[bool, str]:
    """The doctor's verdict on the outbox, as it would be `minutes_later` from now."""
    desk = DoctorDesk(StationPaths.resolve(home), clock=lambda: utc_now() + timedelta(minutes=minutes_later))
    [check] = [c for c in desk.examine().checks if c.name == "texts waiting"]
    return check.warning, check.detail


def test_the_window_sends_the_texts_and_the_doctor_says_when_nothing_does(
    display: str, tmp_path: Path
) -> None:
    gateway = SmsRestServer()
    try:
        home = set_up_home(
            tmp_path,
            f'[station]\nsms_gateway = "{gateway.url}"\n[devices]\ncamera = "off:"\nscale = "demo:"\n',
        )
        funded(home)
        assert station(home, "sms", "subscribe", "EE123456785US", "--phone", PHONE).returncode == 0
        closed = _texts_waiting(home, 10)  # nothing running: the opt-in question waits, and is said to
        with window_on(display, home, "F2"):
            until(lambda: len(gateway.messages) == 1, "the opt-in text sent by the window")
            assert station(home, "sms", "inbound", "--from", PHONE, "--body", "YES").returncode == 0
            until(lambda: len(gateway.messages) == 2, "the confirmation sent by the window")
        open_window = _texts_waiting(home, 10)
    finally:
        gateway.close()
    assert closed[0] and closed[1].startswith("1 text due and not sent, the oldest for 10 min"), closed
    assert open_window == (False, "none"), open_window
    assert [m["to"] for m in gateway.messages] == [PHONE, PHONE]
    assert "YES" in gateway.messages[0]["body"]  # the CTIA opt-in question first
    outbox = json.loads(station(home, "sms", "outbox", "--json").stdout)
    assert [row["state"] for row in outbox] == ["sent", "sent"]
    assert (
        "ui.app: SMS: sent from the window through rest+http" in (home / "logs" / "station.log").read_text()
    )
