"""Opt-in, YES, messages, STOP, START end to end; quiet hours; one in-transit a day; no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from station.app import Station
from station.desks.scan import ScanDesk
from station.model.events import EventKind
from station.notify.consent import handle_inbound, subscribe
from station.notify.phone import InvalidPhone
from station.notify.templates import encode, names, render

from .conftest import PHONE, SetClock, outbox

ITEM = "EE123456785US"
SACK = "00106141411234567897"


def scan(station: Station, kind: EventKind, item: str = ITEM, **kw: object) -> None:
    outcome = ScanDesk(station).record(item, kind, facility="F", operator="o", **kw)  # type: ignore[arg-type]
    assert outcome.ok, outcome.reason


def test_the_full_cycle_opt_in_yes_messages_stop_start(station: Station) -> None:
    assert subscribe(station, ITEM, "(201) 555-0123") == "pending"
    scan(station, EventKind.ACCEPTANCE)  # nothing but the opt-in request before YES
    assert outbox(station) == [("optin_request", "queued", ITEM)]
    assert handle_inbound(station, PHONE, "  yes ").action == "active"
    scan(station, EventKind.OUT_FOR_DELIVERY)
    assert [t for t, _s, _i in outbox(station)] == ["optin_request", "optin_confirmed", "out_for_delivery"]
    assert handle_inbound(station, PHONE, "Stop").reply == "stop_confirmed"
    scan(station, EventKind.DELIVERED)
    assert [t for t, _s, _i in outbox(station)][
        -1
    ] == "stop_confirmed"  # nothing after STOP but its confirmation
    for keyword in ("STOPALL", "unsubscribe", "CANCEL", " end ", "quit"):
        assert handle_inbound(station, PHONE, keyword).action == "stopped"
    assert handle_inbound(station, PHONE, "START").action == "active"
    assert handle_inbound(station, PHONE, "help").reply == "help"
    with station.db.reading() as conn:
        log = [
            r[0]
            for r in conn.execute("SELECT change FROM sms_consent_log WHERE phone=? ORDER BY id", (PHONE,))
        ]
    assert log[:3] == ["pending", "active", "stopped"] and log[-1] == "active"


def test_stop_cancels_messages_already_waiting(station: Station, clock: SetClock) -> None:
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    clock.now = clock.now.replace(hour=4)  # 23:00 in New York: non-urgent messages are held
    scan(station, EventKind.ACCEPTANCE)
    assert outbox(station)[-1] == ("accepted", "held", ITEM)
    handle_inbound(station, PHONE, "STOP")
    assert ("accepted", "cancelled", ITEM) in outbox(station)


def test_quiet_hours_hold_non_urgent_messages_until_morning_local_time(
    station: Station, clock: SetClock
) -> None:
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    clock.now = clock.now.replace(hour=3)  # 22:00 in New York
    scan(station, EventKind.ACCEPTANCE)
    scan(station, EventKind.OUT_FOR_DELIVERY)  # urgent: not held
    with station.db.reading() as conn:
        rows = conn.execute(
            "SELECT template, state, not_before FROM sms_outbox WHERE template IN"
            " ('accepted', 'out_for_delivery') ORDER BY id"
        ).fetchall()
    assert (rows[0][0], rows[0][1]) == ("accepted", "held")
    assert rows[0][2].startswith("2026-11-20T13:00:00")  # 08:00 EST next morning
    assert (rows[1][0], rows[1][1]) == ("out_for_delivery", "queued")


def test_a_sack_dispatch_texts_its_items_followers_once_a_day(station: Station, clock: SetClock) -> None:
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    scan(station, EventKind.SORT_IN, container_id=SACK)
    scan(station, EventKind.SACK_CLOSE, SACK)
    scan(station, EventKind.DISPATCH, SACK)
    clock.now += timedelta(hours=3)
    scan(station, EventKind.ARRIVAL, SACK)
    assert [t for t, _s, _i in outbox(station)].count("in_transit") == 1
    clock.now += timedelta(days=1)
    scan(station, EventKind.DELIVERY_OFFICE, SACK)
    assert [t for t, _s, _i in outbox(station)].count("in_transit") == 2


def test_a_tracking_number_texted_in_subscribes_to_that_item(station: Station) -> None:
    result = handle_inbound(station, PHONE, "rr 473 124 829 gb")
    assert (result.action, result.reply) == ("pending", "optin_request")
    assert outbox(station) == [("optin_request", "queued", "RR473124829GB")]


def test_invalid_numbers_are_refused_with_a_reason(station: Station) -> None:
    for number, reason in (
        ("12", "not a valid number"),
        ("+44 20 7946 0958", "not a mobile number"),
        ("", "no phone"),
    ):
        with pytest.raises(InvalidPhone, match=reason):
            subscribe(station, ITEM, number)


def test_every_template_fits_one_segment_with_the_longest_values() -> None:
    longest_item = "9" * 34  # the longest IMpb
    for name in names():
        message = render(name, item_id=longest_item, date="Sep 30")
        assert message.encoding == "GSM-7", name
        assert message.segments == 1, (name, message.units)
        assert longest_item not in message.text  # shortened
    assert encode("Łódź").encoding == "UCS-2" and encode("x" * 71 + "Ł").segments == 2
    assert encode("{" * 80).units == 160 and encode("{" * 81).segments == 2  # extension chars count twice


def test_no_personal_data_reaches_a_message(station: Station) -> None:
    subscribe(station, ITEM, PHONE)
    handle_inbound(station, PHONE, "YES")
    scan(station, EventKind.DELIVERED, signature_ref="sig-abc", note="received by Bob Müller, 2 Market St")
    with station.db.reading() as conn:
        bodies = " ".join(r[0] for r in conn.execute("SELECT body FROM sms_outbox"))
    for secret in ("Bob", "Müller", "Market", "sig-abc", ITEM):
        assert secret not in bodies
