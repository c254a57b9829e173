"""Baskets, payments and the day's close: totals, change, one receipt, and a till that reconciles with
the meter (and says so when it does not)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

from station.app import Station
from station.desks.basket import BasketDesk, Paid
from station.desks.counter import Acceptance, CounterDesk
from station.desks.outcome import Outcome
from station.desks.printing import PrintDesk
from station.desks.till import TillDesk
from station.desks.voids import VoidDesk
from station.office.till import DayReport
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
