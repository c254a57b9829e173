"""Baskets, payments and the day's close: totals, change, one receipt, and a till that reconciles with
the meter (and says so when it does not)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from station.app import Station
from station.desks.basket import BasketDesk, Paid
from station.desks.counter import Acceptance, CounterDesk
from station.desks.outcome import Outcome
from station.desks.printing import PrintDesk
from station.desks.till import TillDesk, report_lines
from station.desks.voids import VoidDesk
from station.model.events import Event, EventKind
from station.office.till import DayReport
from station.postage.rates import money
from station.printing.queue import PrintQueue
from tests.station.desks.test_counter import PIECE
from tests.station.desks.test_supervision import _staff, fund

WHERE = {"facility": "NYC-COUNTER", "operator": "ann"}
DAY = date(2026, 11, 2)


def _two_piece_basket(station: Station) -> tuple[int, list[Acceptance]]:
    fund(station)
    desk = BasketDesk(station)
    basket = int(desk.open("ann").details["basket"])
    done = []
    for tracking in ("EE123456785US", "RR473124829GB"):
        added = desk.add(basket, replace(PIECE, tracking=tracking), facility="NYC-COUNTER", operator="ann")
        assert isinstance(added, Acceptance), added
        done.append(added)
    return basket, done


def test_a_two_piece_basket_paid_in_cash_gives_change_and_one_receipt(station: Station) -> None:
    basket, pieces = _two_piece_basket(station)
    total = sum(p.quote.total_cents for p in pieces)
    desk = BasketDesk(station)
    short = desk.pay_cash(basket, total - 1, **WHERE)
    assert not short.ok and "$0.01 short" in str(short.reason)
    paid = desk.pay_cash(basket, total + 2_000, **WHERE)
    assert isinstance(paid, Paid) and paid.basket.change_cents == 2_000 and paid.basket.total_cents == total
    jobs = PrintQueue(station.db).jobs()
    receipts = [j for j in jobs if j.description.startswith("receipt")]
    assert [j.description for j in receipts] == [f"receipt basket {basket}"]  # one, for the whole visit
    assert not desk.pay_cash(basket, total, **WHERE).ok  # paid once
    closed = desk.add(basket, replace(PIECE, tracking="CP000000014US"), facility="F", operator="ann")
    assert not closed.ok and f"basket {basket} is not open" in str(closed.reason)  # closed to new pieces


def test_a_line_taken_out_before_payment_needs_no_one_and_a_card_number_is_refused(station: Station) -> None:
    basket, pieces = _two_piece_basket(station)
    before = CounterDesk(station).meter().registers().descending
    desk = BasketDesk(station)
    out = desk.remove(basket, pieces[1].tracking, **WHERE)
    assert out.ok, out.reason
    assert CounterDesk(station).meter().registers().descending == before + pieces[1].quote.total_cents
    left = desk.get(basket)
    assert left is not None and [x.item_id for x in left.live_lines] == [pieces[0].tracking]
    number = desk.pay_card(basket, "4111 1111 1111 1111", **WHERE)
    assert not number.ok and "card number" in str(number.reason)
    paid = desk.pay_card(basket, "AUTH-88231", **WHERE)
    assert isinstance(paid, Paid) and paid.basket.card_ref == "AUTH-88231"
    after = VoidDesk(station).void(pieces[0].tracking, supervisor=None, pin=None, reason="x", **WHERE)
    assert not after.ok and "needs a supervisor" in str(after.reason)  # paid: no longer free


def test_the_till_reconciles_after_accepts_a_void_and_a_reprint_then_the_day_is_closed(
    station: Station,
) -> None:
    _staff(station)
    basket, pieces = _two_piece_basket(station)
    total = sum(p.quote.total_cents for p in pieces)
    assert isinstance(BasketDesk(station).pay_cash(basket, total, **WHERE), Paid)
    assert PrintDesk(station).reprint(pieces[0].print_job, **WHERE).ok
    voided = VoidDesk(station).void(
        pieces[1].tracking, supervisor="sue", pin="7392", reason="refused", refund="cash", **WHERE
    )
    assert voided.ok, voided
    back = pieces[1].quote.total_cents  # handed back in cash: out of the drawer
    desk = TillDesk(station)
    report = desk.close(DAY, total - back - 150, "sue")
    assert isinstance(report, DayReport), report
    assert report.reconciled, report.problems
    assert report.pieces_by_service["priority"]["pieces"] == 2
    sold = next(line for line in report_lines(report) if "sold (accepted less voided)" in line)
    assert sold.split()[-2:] == ["1", money(total - back)]  # the voided piece is not counted as sold
    assert report.payments == {"cash": {"baskets": 1, "cents": total}}
    assert report.refunds == {"cash": {"refunds": 1, "cents": back}}
    assert report.cash_expected_cents == total - back
    assert report.voids == {"count": 1, "refund_cents": pieces[1].quote.total_cents}
    assert (report.reprints, report.overrides) == (1, 2)  # the meter credit and the void
    assert report.cash_difference_cents == -150
    assert (
        report.meter["debits_cents"] == total and report.meter["refunds_cents"] == pieces[1].quote.total_cents
    )
    assert report.not_dispatched == [pieces[0].tracking]  # the voided one is not waiting
    late = CounterDesk(station).accept(replace(PIECE, tracking="CP000000014US"), facility="F", operator="ann")
    assert not late.ok and "till of 2026-11-02 is closed" in str(late.reason), late.reason
    assert isinstance(desk.close(DAY, None, "sue"), Outcome)
    assert b"%PDF" in desk.pdf(report)[:8]
    assert any(j.description == "till 2026-11-02" for j in PrintQueue(station.db).jobs())


def test_a_register_edited_behind_the_meters_back_makes_the_day_not_reconcile(station: Station) -> None:
    _two_piece_basket(station)
    with sqlite3.connect(station.db.path) as raw:
        raw.execute("UPDATE meter_registers SET ascending = ascending - 500")
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport) and not report.reconciled
    assert any("edited outside" in p for p in report.problems)
    assert any(p.startswith("meter: control sum failed") for p in report.problems)


def test_an_open_basket_keeps_the_till_from_closing(station: Station) -> None:
    basket, _pieces = _two_piece_basket(station)
    refused = TillDesk(station).close(DAY, None, "sue")
    assert (
        isinstance(refused, Outcome)
        and not refused.ok
        and f"basket {basket} (ann) holds 2 unpaid pieces" in str(refused.reason)
    )


def _log_line(station: Station, kind: str, cents: int, down: int, up: int) -> None:
    """A line written into the meter's log behind the station's back (the registers left as they were)."""
    with sqlite3.connect(station.db.path) as raw:
        last = raw.execute("SELECT descending, ascending FROM meter_log ORDER BY id DESC LIMIT 1").fetchone()
        raw.execute(
            "INSERT INTO meter_log (meter_id, kind, cents, piece, descending, ascending, at)"
            " VALUES ('PS000001', ?, ?, NULL, ?, ?, '2026-11-02T12:00:00+00:00')",
            (kind, cents, last[0] + down, last[1] + up),
        )


def _problems(station: Station) -> list[str]:
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport)
    assert report.reconciled is (not report.problems)
    return report.problems


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        # the ascending register moved with no debit behind it
        (lambda s: _log_line(s, "note", 0, 0, 500), "the ascending register moved by other than the day"),
        # a debit with no indicia issued for it, and indicia issued with no debit: both directions
        (lambda s: _log_line(s, "debit", 500, -500, 500), "indicia issued for"),
        (
            lambda s: s.journal.append(
                Event.new(
                    "LX123456785US", EventKind.ACCEPTANCE, facility="NYC", station_id=s.station_id,
                    operator="ann", at=datetime(2026, 11, 2, 12, tzinfo=UTC), extra={"postage_cents": 700},
                )
            ),
            "indicia issued for",
        ),
        # the descending register moved with no credit, refund or debit behind it
        (lambda s: _log_line(s, "note", 0, 900, 0), "the descending register does not follow"),
        # a void that says it refunded postage the meter never took back
        (
            lambda s: s.journal.append(
                Event.new(
                    "EE123456785US", EventKind.VOID, facility="NYC", station_id=s.station_id, operator="ann",
                    at=datetime(2026, 11, 2, 12, tzinfo=UTC), extra={"refund_cents": 300},
                )
            ),
            "voids refunded 300 cents, the meter took back 0 cents",
        ),
    ],
)  # fmt: skip
def test_each_reconciliation_check_is_shown_failing(
    station: Station, tamper: Callable[[Station], object], said: str
) -> None:
    # Issue 30: every one of the till's checks, not only "edited outside", is seen to fail.
    basket, _ = _two_piece_basket(station)
    assert isinstance(BasketDesk(station).pay_card(basket, "AUTH-3030", **WHERE), Paid)
    assert _problems(station) == []  # sound before
    tamper(station)
    assert any(said in problem for problem in _problems(station)), _problems(station)


def test_issue_31_item_20_split_tender_part_card_the_rest_cash_and_the_till_counts_each_part(
    station: Station,
) -> None:
    basket, pieces = _two_piece_basket(station)
    total = sum(p.quote.total_cents for p in pieces)
    desk = BasketDesk(station)
    for card, tendered, why in (
        (0, total, "the card's part: more than $0.00"),
        (total, 0, "all of it: pay by card"),
        (1_000, total - 1_000 - 1, "$0.01 short"),
    ):
        refused = desk.pay_split(basket, card, "AUTH-5511", tendered, **WHERE)
        assert not refused.ok and why in str(refused.reason), (card, refused)
    card_number = desk.pay_split(basket, 1_000, "4111 1111 1111 1111", total, **WHERE)
    assert not card_number.ok and "looks like a card number" in str(card_number.reason)
    paid = desk.pay_split(basket, 1_000, "AUTH-5511", total - 1_000 + 500, **WHERE)
    assert isinstance(paid, Paid), paid
    assert paid.basket.change_cents == 500 and paid.basket.card_cents == 1_000
    assert f"{money(1_000)} by card, {money(total - 1_000)} in cash  change $5.00" in paid.line
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport)
    assert report.payments == {
        "card": {"baskets": 1, "cents": 1_000},
        "cash": {"baskets": 1, "cents": total - 1_000},
    }
    assert report.cash_expected_cents == total - 1_000  # only the cash part is in the drawer


def test_issue_31_item_10_what_a_stop_left_in_flight_is_told_in_the_stations_time(station: Station) -> None:
    station.config = replace(station.config, time_zone="America/New_York")
    fund(station)  # the meter's key: the report reads its registers
    with station.db.transaction() as conn:  # a counter process killed mid-payment
        conn.execute(
            "INSERT INTO in_flight (kind, subject, basket_id, operator, pid, started_at)"
            " VALUES ('payment', 'basket 7', 7, 'ann', 999999, '2026-11-02T14:00:00+00:00')"
        )
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport)
    assert report.in_flight == [
        "NOT DONE: payment of basket 7 by ann at 2026-11-02 09:00 EST; nothing of it was recorded (do it"
        " again)"
    ]


def test_a_split_baskets_refunds_never_give_back_more_by_a_way_than_came_in_that_way(
    station: Station,
) -> None:
    _staff(station)
    basket, pieces = _two_piece_basket(station)
    total = sum(p.quote.total_cents for p in pieces)
    first, second = pieces
    assert isinstance(BasketDesk(station).pay_split(basket, 1_000, "AUTH-5511", total, **WHERE), Paid)
    voids = VoidDesk(station)
    who = {"supervisor": "sue", "pin": "7392", "reason": "customer changed their mind", **WHERE}
    to_card = voids.void(first.tracking, refund="card:RF-1", **who)
    assert not to_card.ok, to_card  # the piece costs more than the $10.00 that came by card
    assert f"basket {basket} was paid $10.00 by card and $0.00 of it is refunded already" in str(
        to_card.reason
    )
    assert str(to_card.reason).endswith("refund it in cash")
    assert voids.void(first.tracking, refund="cash", **who).ok
    stuck = voids.void(second.tracking, refund="cash", **who)  # the cash part has only $10.00 less left
    assert not stuck.ok and "neither part has" in str(stuck.reason), stuck
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport)
    assert report.refunds == {"cash": {"refunds": 1, "cents": first.quote.total_cents}}
    assert report.cash_expected_cents == total - 1_000 - first.quote.total_cents  # never below zero
