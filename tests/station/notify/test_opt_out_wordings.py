"""Customers opt out in their own words: every common wording stops the texts; when in doubt, opt out."""

from __future__ import annotations

import pytest

from station.app import Station
from station.desks.scan import ScanDesk
from station.model.events import EventKind
from station.notify.consent import handle_inbound, subscribe, words_of
from tests.station.notify.conftest import PHONE, outbox

ITEM, OTHER = "EE123456785US", "RR473124829GB"


def _active(station: Station, *items: str) -> None:
    for item in items:
        subscribe(station, item, PHONE)
    handle_inbound(station, PHONE, "YES")


@pytest.mark.parametrize(
    "text",
    [
        "Stop.",
        "STOP!",
        "stop please",
        "Please stop",
        "ＳＴＯＰ",
        "opt out",
        "Opt-Out",
        "REVOKE",
        "optout",
        "stop texting me",
        "STOP 🛑",
        "🛑stop🛑",
        "Unsubscribe me please",
        "cancel",
        "End.",
        "QUIT!!!",
        "i said STOP",
        "  sToP  ",
    ],
)
def test_every_common_opt_out_wording_stops_the_texts(station: Station, text: str) -> None:
    _active(station, ITEM)
    result = handle_inbound(station, PHONE, text)
    assert (result.action, result.reply) == ("stopped", "stop_confirmed")
    ScanDesk(station).record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    assert outbox(station)[-1][0] == "stop_confirmed"  # nothing queued after the STOP


@pytest.mark.parametrize("text", ["yes", "Thanks!", "when will it arrive?", "HELP", "start"])
def test_other_texts_do_not_opt_out(station: Station, text: str) -> None:
    _active(station, ITEM)
    assert handle_inbound(station, PHONE, text).action != "stopped"


def test_stop_with_a_tracking_number_stops_only_that_item(station: Station) -> None:
    _active(station, ITEM, OTHER)
    result = handle_inbound(station, PHONE, f"stop {OTHER.lower()}")
    assert (result.action, result.reply) == ("item stopped", "item_stopped")
    desk = ScanDesk(station)
    desk.record(OTHER, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    desk.record(ITEM, EventKind.OUT_FOR_DELIVERY, facility="F", operator="o")
    last = outbox(station)[-2:]
    assert last == [("item_stopped", "queued", OTHER), ("out_for_delivery", "queued", ITEM)]


def test_words_are_read_as_meant() -> None:
    assert words_of("ＳＴＯＰ, please!!! 🙏") == ["stop", "please"]
    assert words_of("Stop\u200b") == ["stop"]
