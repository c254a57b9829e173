"""Which scan each text answers, and who is never texted: `./dev mutants` found the outbox's link to its
event, the once-only feedback question, a lone item's dispatch and the delivery code's STOP and hub rules
reached by no test that would fail on them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.model.events import Event, EventKind
from station.notify.consent import handle_inbound
from station.notify.outbox import HIDDEN_CODE, listing
from tests.station.notify.conftest import PHONE, SetClock

ITEM = "EE123456785US"
WHERE: dict[str, Any] = {"facility": "SFO", "operator": "joe"}


def _following(station: Station, item: str = ITEM) -> None:
    handle_inbound(station, PHONE, item)
    handle_inbound(station, PHONE, "YES")


def _texts(station: Station) -> list[tuple[str, str | None]]:
    with station.db.reading() as conn:
        rows = conn.execute(
            "SELECT template, event_id FROM sms_outbox WHERE template NOT IN ('confirm', 'confirmed')"
            " ORDER BY id"
        ).fetchall()
    return [(str(t), e) for t, e in rows]


def _event_id(station: Station, kind: EventKind, item: str = ITEM) -> str:
    return next(s.event.event_id for s in station.journal.events_for(item) if s.event.kind is kind)


def test_each_text_names_the_scan_it_answers_and_feedback_is_asked_once(station: Station) -> None:
    _following(station)
    desk = ScanDesk(station)
    for kind in (EventKind.ACCEPTANCE, EventKind.DISPATCH, EventKind.DELIVERED):
        assert desk.record(ITEM, kind, **WHERE).ok
    delivered = _event_id(station, EventKind.DELIVERED)
    assert _texts(station)[-4:] == [
        ("accepted", _event_id(station, EventKind.ACCEPTANCE)),
        ("in_transit", _event_id(station, EventKind.DISPATCH)),  # a lone item dispatched: its own text
        ("delivered", delivered),
        ("feedback", delivered),
    ]
    again = Event.new(  # delivered a second time (a supervisor's redelivery), as the journal takes it
        ITEM,
        EventKind.DELIVERED,
        facility="SFO",
        station_id=station.station_id,
        operator="sue",
        at=station.clock(),
    )
    station.journal.append(again)
    templates = [t for t, _ in _texts(station)]
    assert templates.count("delivered") == 2 and templates.count("feedback") == 1  # asked once only


def _pin_item(station: Station, tmp_path: Path) -> None:
    """An item accepted with "PIN on delivery", followed by PHONE."""
    from station.desks.counter import Acceptance, CounterDesk
    from tests.station.desks.test_counter import PIECE
    from tests.station.desks.test_supervision import fund

    fund(station)
    done = CounterDesk(station).accept(
        replace(PIECE, tracking=ITEM, pin_delivery=True), phone=PHONE, facility="NYC", operator="ann"
    )
    assert isinstance(done, Acceptance), done


def test_the_delivery_code_is_texted_for_its_scan_and_never_shown_before_it_is_sent(
    station: Station, tmp_path: Path
) -> None:
    _pin_item(station, tmp_path)
    handle_inbound(station, PHONE, "YES")
    assert ScanDesk(station).record(ITEM, EventKind.OUT_FOR_DELIVERY, **WHERE).ok
    loaded = _event_id(station, EventKind.OUT_FOR_DELIVERY)
    assert ("delivery_pin", loaded) in _texts(station)
    with station.db.reading() as conn:
        waiting = [r for r in listing(conn) if r["template"] == "delivery_pin"]
    assert [r["state"] for r in waiting] == ["queued"]  # not sent yet: its text still holds the code
    assert [r["body"] for r in waiting] == [HIDDEN_CODE]


def test_a_number_that_said_stop_gets_no_delivery_code(station: Station, tmp_path: Path) -> None:
    _pin_item(station, tmp_path)
    handle_inbound(station, PHONE, "YES")
    handle_inbound(station, PHONE, "STOP")
    assert ScanDesk(station).record(ITEM, EventKind.OUT_FOR_DELIVERY, **WHERE).ok
    assert "delivery_pin" not in [t for t, _ in _texts(station)]


def test_a_station_with_a_hub_texts_no_delivery_code_itself(tmp_path: Path, clock: SetClock) -> None:
    config = replace(StationConfig(), hub="postgresql://hub.invalid/parcels")
    with Station.open(tmp_path / "hubbed.sqlite3", config, clock) as station:
        _pin_item(station, tmp_path)
        handle_inbound(station, PHONE, "YES")
        assert ScanDesk(station).record(ITEM, EventKind.OUT_FOR_DELIVERY, **WHERE).ok
        assert "delivery_pin" not in [t for t, _ in _texts(station)]  # the hub's notifier texts it
