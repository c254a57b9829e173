"""Customer-service cases: opened on an item the station knows, with its history, proof of delivery and
texts in one file; noted, waiting, resolved; overdue when past due."""

from __future__ import annotations

from datetime import timedelta

from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.cases import CaseDesk, CaseFile
from station.desks.counter import Acceptance, CounterDesk
from station.notify.consent import handle_inbound
from station.office.cases import CaseState
from tests.station.desks.test_carrier import scribble
from tests.station.desks.test_counter import PIECE, _fund

WHERE = {"facility": "NYC-COUNTER", "operator": "cara"}


def test_a_dispute_shows_the_history_the_proof_and_the_texts_then_is_resolved(station: Station) -> None:
    _fund(station)
    done = CounterDesk(station).accept(PIECE, phone="+12015550123", facility="NYC", operator="ann")
    assert isinstance(done, Acceptance)
    handle_inbound(station, "+12015550123", "YES")
    assert CarrierDesk(station).load(done.tracking, facility="SF", operator="joe").ok
    assert CarrierDesk(station).deliver(done.tracking, scribble(), "Bo Lee", facility="SF", operator="joe").ok
    desk = CaseDesk(station)
    unknown = desk.open("RR473124829GB", "not-delivered", "never came", **WHERE)
    assert not unknown.ok and "unknown id" in str(unknown.reason)
    assert not desk.open(done.tracking, "lost-in-space", "x", **WHERE).ok
    opened = desk.open(done.tracking, "signature-disputed", "customer says she did not sign", **WHERE)
    assert opened.ok, opened.reason
    case_id = int(opened.details["case"])
    made = desk.show(case_id)
    assert isinstance(made, CaseFile)
    assert made.proof_of_delivery is not None and made.proof_of_delivery.read_bytes().startswith(b"%PDF")
    kinds = [str(h.event.kind) for h in made.report.history] if made.report else []
    assert kinds == ["acceptance", "out-for-delivery", "delivered", "dispute"]
    assert {t["template"] for t in made.texts} >= {"optin_request", "out_for_delivery", "delivered"}
    assert desk.note(case_id, "asked the carrier for the round sheet", operator="cara", waiting=True).ok
    assert [c.state for c in desk.listing(open_only=True)] == [CaseState.WAITING]
    assert desk.resolve(case_id, "carrier confirms: signed by the neighbour at 2A", operator="cara").ok
    assert desk.listing(open_only=True) == []
    assert not desk.resolve(case_id, "again", operator="cara").ok
    closed = desk.listing()[0]
    assert [n.author for n in closed.notes] == ["cara", "cara", "cara"] and closed.closed_at is not None
    assert not closed.overdue(station.clock() + timedelta(days=30))  # resolved: never overdue


def test_an_inquiry_left_open_past_its_due_time_is_overdue(station: Station) -> None:
    _fund(station)
    done = CounterDesk(station).accept(PIECE, facility="NYC", operator="ann")
    assert isinstance(done, Acceptance)
    opened = CaseDesk(station).open(done.tracking, "inquiry", "when will it arrive?", **WHERE)
    assert opened.ok
    case = CaseDesk(station).listing(open_only=True)[0]
    assert not case.overdue(station.clock()) and case.overdue(station.clock() + timedelta(days=3))
