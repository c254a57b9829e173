"""A whole counter day, and its till report pinned field by field: every count, every sum, both meter
registers at open and close, the drawer. `./dev mutants` found that the till tests asked a few fields of
the report each, so a count that restarted at 1, a sum that replaced instead of adding, or the opening
descending register read from the ascending one passed them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.app import Station
from station.config import StationConfig
from station.desks.basket import BasketDesk, Paid
from station.desks.counter import Acceptance, CounterDesk
from station.desks.printing import PrintDesk
from station.desks.scan import ScanDesk
from station.desks.till import TillDesk
from station.desks.voids import VoidDesk
from station.model.events import EventKind
from station.notify import feedback
from station.office.till import DayReport
from tests.station.desks.test_counter import PIECE
from tests.station.desks.test_supervision import _staff, fund
from tests.station.desks.test_till import DAY, WHERE

FUNDS = 20_000


def _basket(station: Station, *trackings: str, service: str = "priority") -> tuple[int, list[Acceptance]]:
    desk = BasketDesk(station)
    basket = int(desk.open("ann").details["basket"])
    pieces = []
    for tracking in trackings:
        added = desk.add(
            basket, replace(PIECE, tracking=tracking, service=service), facility="NYC-COUNTER", operator="ann"
        )
        assert isinstance(added, Acceptance), added
        pieces.append(added)
    return basket, pieces


def test_a_whole_day_is_reported_to_the_cent(station: Station) -> None:
    _staff(station)
    fund(station, FUNDS)  # a credit under sue: an override
    cash_basket, cash_pieces = _basket(station, "EE123456785US", "RR473124829GB")
    card_basket, card_pieces = _basket(station, "CP100000003US", service="ground")
    open_basket, open_pieces = _basket(station, "CP100000017US", service="ground")  # the customer walked off
    cash = sum(p.quote.total_cents for p in cash_pieces)
    card = card_pieces[0].quote.total_cents
    left = open_pieces[0].quote.total_cents
    assert isinstance(BasketDesk(station).pay_cash(cash_basket, cash + 1_000, **WHERE), Paid)
    assert isinstance(BasketDesk(station).pay_card(card_basket, "AUTH-1", **WHERE), Paid)
    assert PrintDesk(station).reprint(cash_pieces[0].print_job, **WHERE).ok
    assert PrintDesk(station).reprint(card_pieces[0].print_job, **WHERE).ok
    back = cash_pieces[1].quote.total_cents
    voided = VoidDesk(station).void(
        cash_pieces[1].tracking, supervisor="sue", pin="7392", reason="refused", refund="cash", **WHERE
    )
    assert voided.ok, voided

    report = TillDesk(station).report(DAY, counted_cash=cash - back - 25)
    assert isinstance(report, DayReport), report
    priority = cash_pieces[0].quote.total_cents + back
    debits = cash + card + left
    assert report.to_json() == {
        "day": "2026-11-02",
        "pieces_by_service": {
            "priority": {"pieces": 2, "postage_cents": priority},
            "ground": {"pieces": 2, "postage_cents": card + left},
        },
        "payments": {"cash": {"baskets": 1, "cents": cash}, "card": {"baskets": 1, "cents": card}},
        "refunds": {"cash": {"refunds": 1, "cents": back}},
        "unpaid_baskets": 1,
        "unpaid_pieces": [open_pieces[0].tracking],
        "voids": {"count": 1, "refund_cents": back},
        "reprints": 2,
        "overrides": 2,  # the credit and the void
        "meter": {
            "meter_id": report.meter["meter_id"],
            "open": {"descending": 0, "ascending": 0},
            "close": {"descending": FUNDS - debits + back, "ascending": debits},
            "debits_cents": debits,
            "credits_cents": FUNDS,
            "refunds_cents": back,
            "now": {"descending": FUNDS - debits + back, "ascending": debits},
        },
        "reconciled": False,
        "problems": [f"1 piece charged to the meter and not paid for: {open_pieces[0].tracking}"],
        "cash_expected_cents": cash - back,
        "cash_counted_cents": cash - back - 25,
        "cash_difference_cents": -25,
        "feedback": {},
        "not_dispatched": [cash_pieces[0].tracking, card_pieces[0].tracking, open_pieces[0].tracking],
        "suspense": [],
        "suspense_opened": None,
        "in_flight": [],
        "closed": False,
    }
    assert report.meter["meter_id"]
    assert open_basket


class DayClock:
    """The counter's clock: a minute a call, set to the morning of a day when the day changes."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def test_a_second_day_counts_every_basket_refund_void_and_score_and_opens_where_the_first_closed(
    tmp_path: Path,
) -> None:
    # `./dev mutants`: with one basket, one refund and one void a day, a meter opening at zero and a
    # station on UTC, a count that restarts at 1, an opening register read from the other one or from the
    # wrong line, and a day cut at UTC midnight instead of the station's passed the test above.
    clock = DayClock(datetime(2026, 11, 1, 14, 0, tzinfo=UTC))
    config = StationConfig(station_id="STN-T2", time_zone="America/New_York")
    station = Station.open(tmp_path / "s.sqlite3", config, clock)
    _staff(station)
    fund(station, FUNDS)
    spent = 0
    for tracking in ("EE123456785US", "CP100000025US"):  # the 1st of November, New York
        basket, [piece] = _basket(station, tracking)
        assert isinstance(BasketDesk(station).pay_cash(basket, 5_000, **WHERE), Paid)
        spent += piece.quote.total_cents
    clock.now = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    one, [a] = _basket(station, "RR473124829GB")
    two, [b] = _basket(station, "CP100000003US")
    for basket, piece in ((one, a), (two, b)):
        assert isinstance(BasketDesk(station).pay_cash(basket, piece.quote.total_cents, **WHERE), Paid)
    for piece in (a, b):
        voided = VoidDesk(station).void(
            piece.tracking, supervisor="sue", pin="7392", reason="refused", refund="cash", **WHERE
        )
        assert voided.ok, voided
    prepaid = ScanDesk(station).record(
        "CP100000034US", EventKind.ACCEPTANCE, facility="NYC-COUNTER", operator="ann"
    )  # a drop-off
    assert prepaid.ok, prepaid
    clock.now = datetime(2026, 11, 3, 1, 30, tzinfo=UTC)  # 20:30 in New York: still the 2nd there
    three, [c] = _basket(station, "CP100000017US")
    assert isinstance(BasketDesk(station).pay_card(three, "AUTH-2", **WHERE), Paid)
    with station.db.transaction() as conn:
        for n, score in enumerate((5, 5, 1)):
            feedback.record(conn, f"+1415555010{n}", (a, b, c)[n].tracking, score, clock().isoformat())

    report = TillDesk(station).close(DAY, counted_cash=0, by="sue")
    assert isinstance(report, DayReport), report
    cash = a.quote.total_cents + b.quote.total_cents
    sold = cash + c.quote.total_cents
    assert report.pieces_by_service == {
        "priority": {"pieces": 3, "postage_cents": sold},
        "?": {"pieces": 1, "postage_cents": 0},  # the drop-off: accepted here, its postage paid elsewhere
    }
    assert report.payments == {
        "cash": {"baskets": 2, "cents": cash},
        "card": {"baskets": 1, "cents": c.quote.total_cents},
    }
    assert report.refunds == {"cash": {"refunds": 2, "cents": cash}}
    assert report.voids == {"count": 2, "refund_cents": cash}
    assert report.feedback == {"5": 2, "1": 1}
    assert report.meter["open"] == {"descending": FUNDS - spent, "ascending": spent}
    assert report.meter["close"] == {"descending": FUNDS - spent - sold + cash, "ascending": spent + sold}
    assert report.cash_expected_cents == 0 and report.cash_difference_cents == 0
    assert report.reconciled, report.problems
    with station.db.reading() as conn:
        [(kept,)] = conn.execute("SELECT report FROM till_days WHERE day = '2026-11-02'").fetchall()
    assert json.loads(kept) == report.to_json()  # the closed day kept whole, as it was shown


def test_a_day_the_meter_never_moved_is_reported_empty_and_reconciled(station: Station) -> None:
    assert CounterDesk(station).init_meter().ok  # a meter set up, never credited nor charged
    report = TillDesk(station).report(DAY, counted_cash=0)
    assert isinstance(report, DayReport), report
    assert (report.payments, report.refunds, report.voids, report.problems) == ({}, {}, {}, [])
    assert report.reconciled and report.cash_expected_cents == 0
