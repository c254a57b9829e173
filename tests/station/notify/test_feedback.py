"""How did we do: one question after delivery to an opted-in customer, a lone digit answers it, the
till counts the answers; nobody who said STOP is asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hardware.sms.log import LogGateway
from station.app import Station
from station.config import StationConfig
from station.desks.carrier import CarrierDesk
from station.desks.counter import Acceptance, CounterDesk
from station.desks.till import TillDesk
from station.notify.consent import handle_inbound
from station.notify.worker import SmsWorker
from station.office.till import DayReport
from tests.station.desks.test_carrier import scribble
from tests.station.desks.test_counter import PIECE
from tests.station.notify.conftest import PHONE, SetClock, outbox


def _delivered_to_a_follower(station: Station) -> tuple[CounterDesk, CarrierDesk, Acceptance]:
    """A parcel accepted for a customer who replied YES, loaded and delivered: the desks and the parcel."""
    desk = CounterDesk(station)
    assert desk.init_meter().ok and desk.credit(10_000).ok
    done = desk.accept(PIECE, phone=PHONE, facility="NYC", operator="ann")
    assert isinstance(done, Acceptance)
    handle_inbound(station, PHONE, "YES")
    carrier = CarrierDesk(station)
    assert carrier.load(done.tracking, facility="SF", operator="joe").ok
    assert carrier.deliver(done.tracking, scribble(), "Bo Lee", facility="SF", operator="joe").ok
    return desk, carrier, done


def test_a_delivered_customer_is_asked_once_and_the_answer_is_counted_in_the_till(tmp_path: Path) -> None:
    clock = SetClock(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # 10:00 in New York: no quiet hours
    with Station.open(tmp_path / "s.sqlite3", StationConfig(time_zone="America/New_York"), clock) as station:
        desk, carrier, _done = _delivered_to_a_follower(station)
        templates = [t for t, _state, _item in outbox(station)]
        assert templates[-2:] == ["delivered", "feedback"]
        early = handle_inbound(station, PHONE, "4")  # before the question went out: not an answer yet
        assert early.action != "feedback"
        SmsWorker(station.db, LogGateway(tmp_path / "phone.jsonl"), clock).run_once()
        answered = handle_inbound(station, PHONE, " 4 ")
        assert (answered.action, answered.reply) == ("feedback", "feedback_thanks")
        assert handle_inbound(station, PHONE, "5").action != "feedback"  # one answer per question
        report = TillDesk(station).report(datetime(2026, 11, 20).date())
        assert isinstance(report, DayReport) and report.feedback == {"4": 1}
        assert handle_inbound(station, PHONE, "STOP").action == "stopped"
        second = desk.accept(
            replace(PIECE, tracking="RR473124829GB"), phone=PHONE, facility="NYC", operator="ann"
        )
        assert isinstance(second, Acceptance)
        carrier.load("RR473124829GB", facility="SF", operator="joe")
        carrier.deliver("RR473124829GB", scribble(), "Bo Lee", facility="SF", operator="joe")
        assert "feedback" not in [t for t, state, item in outbox(station) if item == "RR473124829GB"]


@pytest.mark.parametrize("digit", ["1", "2", "3", "4", "5"])
def test_each_score_from_one_to_five_answers_the_question(tmp_path: Path, digit: str) -> None:
    # `./dev mutants`: only a 4 had ever been answered, so a score set missing 1, 2, 3 or 5 passed.
    clock = SetClock(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    with Station.open(tmp_path / "s.sqlite3", StationConfig(time_zone="America/New_York"), clock) as station:
        _desk, _carrier, done = _delivered_to_a_follower(station)
        SmsWorker(station.db, LogGateway(tmp_path / "phone.jsonl"), clock).run_once()
        answered = handle_inbound(station, PHONE, digit)
        assert (answered.phone, answered.action, answered.reply) == (PHONE, "feedback", "feedback_thanks")
        with station.db.reading() as conn:
            scores = conn.execute("SELECT phone, item_id, score FROM sms_feedback").fetchall()
            thanks = conn.execute(
                "SELECT phone, item_id FROM sms_outbox WHERE template = 'feedback_thanks'"
            ).fetchall()
        assert [tuple(r) for r in scores] == [(PHONE, done.tracking, int(digit))]
        assert [tuple(r) for r in thanks] == [(PHONE, done.tracking)]
