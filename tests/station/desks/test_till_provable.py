"""A till that is provably right (issue 29, findings 2-6): an emptied basket closes itself, an
abandoned one voids its pieces under a supervisor, a piece charged and not paid keeps the day from
reconciling, a payment and a close are each one transaction over what they read (tried with two
connections racing from two threads), and only the right people close or reopen a day."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from station.app import Station
from station.config import StationConfig
from station.desks.basket import BasketDesk, Paid
from station.desks.counter import Acceptance, CounterDesk
from station.desks.operators import OperatorDesk
from station.desks.outcome import Outcome
from station.desks.suspense import SuspenseDesk
from station.desks.till import TillDesk, report_lines
from station.desks.voids import VoidDesk
from station.model.clock import SteppingClock
from station.office import baskets, cases
from station.office.baskets import BasketState
from station.office.cases import CaseKind, CaseState
from station.office.till import DayReport
from station.postage.rates import money
from station.printing.queue import PrintQueue
from station.store.journal import events_of
from tests.station.desks.test_counter import PIECE
from tests.station.desks.test_supervision import _staff, fund

WHERE: dict[str, Any] = {"facility": "NYC-COUNTER", "operator": "ann"}
DAY = date(2026, 11, 2)
ITEMS = ("EE123456785US", "RR473124829GB", "CP000000014US")


def _open(path: Path, minutes: int = 0) -> Station:
    clock = SteppingClock(datetime(2026, 11, 2, 9, minutes, tzinfo=UTC), timedelta(seconds=1))
    return Station.open(path, StationConfig(station_id="STN-T1"), clock)


def _basket(station: Station, items: tuple[str, ...] = ITEMS[:2]) -> tuple[int, list[Acceptance]]:
    desk = BasketDesk(station)
    basket = int(desk.open("ann").details["basket"])
    done = []
    for tracking in items:
        added = desk.add(basket, replace(PIECE, tracking=tracking), **WHERE)
        assert isinstance(added, Acceptance), added
        done.append(added)
    return basket, done


def _race(*actions: Callable[[], Any]) -> list[Any]:
    """The actions started together, each on its own thread (and its own connection)."""
    start = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(i: int) -> None:
        start.wait()
        results[i] = actions[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_finding_2_an_emptied_basket_closes_itself_and_never_blocks_the_day(station: Station) -> None:
    fund(station)
    desk = BasketDesk(station)
    basket, pieces = _basket(station, ITEMS[:1])
    out = desk.remove(basket, pieces[0].tracking, **WHERE)
    assert out.ok and f"basket {basket} is empty and closed" in out.text
    assert desk.get(basket).state is BasketState.EMPTY  # type: ignore[union-attr]
    never_used = int(desk.open("ann").details["basket"])  # anyone can open one: it blocks nothing
    closed = TillDesk(station).close(DAY, 0, "ann")
    assert isinstance(closed, DayReport) and closed.reconciled, closed
    assert desk.get(never_used).state is BasketState.EMPTY  # type: ignore[union-attr]


def test_finding_2_a_basket_with_unpaid_pieces_is_abandoned_only_under_a_supervisor(station: Station) -> None:
    _staff(station)
    fund(station)
    basket, pieces = _basket(station)
    refused = TillDesk(station).close(DAY, 0, "sue")
    assert isinstance(refused, Outcome) and not refused.ok
    assert f"basket {basket} (ann) holds 2 unpaid pieces ({pieces[0].tracking}, {pieces[1].tracking}" in (
        refused.reason or ""
    )
    assert f"station basket abandon {basket} --supervisor NAME --pin -" in (refused.reason or "")
    desk = BasketDesk(station)
    alone = desk.abandon(basket, supervisor=None, pin=None, reason="customer left", **WHERE)
    assert not alone.ok and "basket abandon needs a supervisor" in (alone.reason or "")
    by_clerk = desk.abandon(basket, supervisor="ann", pin="4821", reason="customer left", **WHERE)
    assert not by_clerk.ok and "override refused" in (by_clerk.reason or "")
    before = CounterDesk(station).meter().registers().descending
    done = desk.abandon(basket, supervisor="sue", pin="7392", reason="customer left", **WHERE)
    assert done.ok, done
    assert desk.get(basket).state is BasketState.ABANDONED  # type: ignore[union-attr]
    refund = sum(p.quote.total_cents for p in pieces)
    assert CounterDesk(station).meter().registers().descending == before + refund
    with station.db.reading() as conn:
        for piece in pieces:
            kinds = [str(e.kind) for e in events_of(conn, piece.tracking)]
            assert kinds[-2:] == ["override", "void"] or kinds[-2:] == ["void", "override"], kinds
    closed = TillDesk(station).close(DAY, 0, "sue")
    assert isinstance(closed, DayReport) and closed.reconciled, closed


def test_finding_3_a_piece_charged_outside_a_basket_and_never_paid_keeps_the_day_unreconciled(
    station: Station,
) -> None:
    fund(station)
    loose = CounterDesk(station).accept(replace(PIECE, tracking=ITEMS[2]), print_receipt=False, **WHERE)
    assert isinstance(loose, Acceptance)
    basket, _ = _basket(station)
    paid = BasketDesk(station).pay_card(basket, "AUTH-4410", **WHERE)
    assert isinstance(paid, Paid)
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport) and not report.reconciled
    assert report.unpaid_pieces == [ITEMS[2]]
    assert f"1 piece charged to the meter and not paid for: {ITEMS[2]}" in report.problems


def test_finding_4_two_payments_of_one_basket_racing_take_the_money_once(tmp_path: Path) -> None:
    for round_ in range(8):
        path = tmp_path / f"r{round_}.sqlite3"
        a = _open(path)
        fund(a)
        basket, pieces = _basket(a)
        total = sum(p.quote.total_cents for p in pieces)
        b = _open(path, minutes=1)
        try:
            answers = _race(
                partial(BasketDesk(a).pay_cash, basket, total + 1_000, **WHERE),
                partial(BasketDesk(b).pay_card, basket, "AUTH-9911", **WHERE),
            )
            assert sum(isinstance(x, Paid) for x in answers) == 1, answers
            refused = next(x for x in answers if not isinstance(x, Paid))
            assert "not paid again" in (refused.reason or ""), refused
            receipts = [j for j in PrintQueue(a.db).jobs() if j.description.startswith("receipt")]
            assert len(receipts) == 1
        finally:
            a.close()
            b.close()


def test_finding_4_a_piece_taken_out_while_the_cash_is_taken_is_never_both_out_and_paid(
    tmp_path: Path,
) -> None:
    for round_ in range(8):
        path = tmp_path / f"r{round_}.sqlite3"
        a = _open(path)
        fund(a)
        basket, pieces = _basket(a, ITEMS)
        total = sum(p.quote.total_cents for p in pieces)
        b = _open(path, minutes=1)
        try:
            paid, removed = _race(
                partial(BasketDesk(a).pay_cash, basket, total + 500, **WHERE),
                partial(BasketDesk(b).remove, basket, ITEMS[2], **WHERE),
            )
            with a.db.reading() as conn:
                final = baskets.get(conn, basket)
            assert final is not None and final.state is BasketState.PAID
            assert isinstance(paid, Paid)
            # Whichever came first, what was paid is what is in the basket, and the change is right.
            assert final.total_cents == sum(line.cents for line in final.live_lines)
            assert final.change_cents == total + 500 - final.total_cents
            assert removed.ok == (ITEMS[2] not in {line.item_id for line in final.live_lines})
        finally:
            a.close()
            b.close()


def test_finding_5_a_piece_accepted_while_the_day_closes_is_in_the_report_or_refused(tmp_path: Path) -> None:
    for round_ in range(8):
        path = tmp_path / f"r{round_}.sqlite3"
        a = _open(path)
        fund(a)
        basket, _ = _basket(a, ITEMS[:1])
        assert isinstance(BasketDesk(a).pay_card(basket, "AUTH-0001", **WHERE), Paid)
        b = _open(path, minutes=1)
        try:
            accepted, closed = _race(
                partial(
                    CounterDesk(a).accept, replace(PIECE, tracking=ITEMS[1]), print_receipt=False, **WHERE
                ),
                partial(TillDesk(b).close, DAY, None, "ann"),
            )
            assert isinstance(closed, DayReport), closed
            kept = sum(row["pieces"] for row in closed.pieces_by_service.values())
            if isinstance(accepted, Acceptance):
                assert kept == 2 and closed.unpaid_pieces == [ITEMS[1]]  # in the kept report
            else:
                assert kept == 1 and "is closed" in (accepted.reason or ""), accepted
        finally:
            a.close()
            b.close()


def test_finding_6_only_today_or_before_by_its_clerk_or_a_supervisor_and_a_sane_count(
    station: Station,
) -> None:
    _staff(station)
    assert OperatorDesk(station).add("carl", "carrier", "5928", by="root", by_pin="correct horse battery").ok
    fund(station)
    basket, _ = _basket(station, ITEMS[:1])
    assert isinstance(BasketDesk(station).pay_card(basket, "AUTH-0002", **WHERE), Paid)
    till = TillDesk(station)
    for day, cash, by, said in (
        (DAY + timedelta(days=1), 0, "sue", "cannot be closed before the day has come"),
        (DAY, -999_999_999, "sue", "counted cash: between $0.00 and $1000000.00"),
        (DAY, 0, "mallory", "'mallory' is not an operator of this station"),
        (DAY, 0, "carl", "carl did not work the till of 2026-11-02"),
    ):
        refused = till.close(day, cash, by)
        assert isinstance(refused, Outcome) and said in (refused.reason or ""), (by, refused)
    closed = till.close(DAY, 0, "ann")  # the clerk who worked it
    assert isinstance(closed, DayReport) and closed.closed
    alone = till.reopen(DAY, supervisor=None, pin=None, reason="miscounted", operator="ann")
    assert not alone.ok and "till reopen needs a supervisor" in (alone.reason or "")
    reopened = till.reopen(DAY, supervisor="sue", pin="7392", reason="miscounted", operator="ann")
    assert reopened.ok, reopened
    with station.db.reading() as conn:
        kept = conn.execute("SELECT closed_by, reopened_by, reason FROM till_reopenings").fetchall()
        assert [tuple(r) for r in kept] == [("ann", "sue", "miscounted")]
        override = [e for e in events_of(conn, "TILL-2026-11-02") if str(e.kind) == "override"]
        assert len(override) == 1 and "till reopen authorised by sue: miscounted" in (override[0].note or "")
        try:
            conn.execute("DELETE FROM till_reopenings")
            deleted = True
        except Exception:
            deleted = False
    assert not deleted  # the reopening stays on record
    again = till.close(DAY, 0, "sue")
    assert isinstance(again, DayReport) and again.closed


def test_finding_1_a_voided_paid_piece_is_refunded_to_the_customer_the_way_they_paid(
    station: Station,
) -> None:
    _staff(station)
    fund(station)
    cash_basket, cash_pieces = _basket(station)
    cash_total = sum(p.quote.total_cents for p in cash_pieces)
    assert isinstance(BasketDesk(station).pay_cash(cash_basket, cash_total + 1_000, **WHERE), Paid)
    card_basket, card_pieces = _basket(station, ITEMS[2:])
    assert isinstance(BasketDesk(station).pay_card(card_basket, "AUTH-7777", **WHERE), Paid)
    voids = VoidDesk(station)
    back = cash_pieces[1].quote.total_cents
    who = {"supervisor": "sue", "pin": "7392", "reason": "customer changed their mind", **WHERE}
    silent = voids.void(cash_pieces[1].tracking, **who)
    assert not silent.ok and "was paid by cash: say how it is refunded (--refund cash)" in (
        silent.reason or ""
    )
    wrong_way = voids.void(cash_pieces[1].tracking, refund="card:RF-1", **who)
    assert not wrong_way.ok and "goes back the same way, not by card" in (wrong_way.reason or "")
    done = voids.void(cash_pieces[1].tracking, refund="cash", **who)
    assert done.ok and f"{money(back)} refunded in cash" in done.text, done
    card = voids.void(card_pieces[0].tracking, refund="card:RF-20261102", **who)
    assert card.ok and "refunded to the card, ref RF-20261102" in card.text, card
    receipts = [j for j in PrintQueue(station.db).jobs() if j.description.startswith("refund receipt")]
    assert [j.description for j in receipts] == [
        f"refund receipt {cash_pieces[1].tracking}",
        f"refund receipt {card_pieces[0].tracking}",
    ]
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport)
    assert report.refunds == {
        "cash": {"refunds": 1, "cents": back},
        "card": {"refunds": 1, "cents": card_pieces[0].quote.total_cents},
    }
    assert report.cash_expected_cents == cash_total - back  # the refund came out of the drawer
    closed = TillDesk(station).close(DAY, cash_total - back, "ann")
    assert isinstance(closed, DayReport) and closed.reconciled and closed.cash_difference_cents == 0, closed


def test_finding_1_a_piece_never_paid_for_refunds_the_meter_only(station: Station) -> None:
    _staff(station)
    fund(station)
    loose = CounterDesk(station).accept(replace(PIECE, tracking=ITEMS[2]), print_receipt=False, **WHERE)
    assert isinstance(loose, Acceptance)
    who = {"supervisor": "sue", "pin": "7392", "reason": "wrong service", **WHERE}
    refused = VoidDesk(station).void(ITEMS[2], refund="cash", **who)
    assert not refused.ok and "was not paid for: no refund to give" in (refused.reason or "")
    done = VoidDesk(station).void(ITEMS[2], **who)
    assert done.ok and "refunded" not in done.text.replace("back in meter", "")
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport) and report.refunds == {} and report.unpaid_pieces == []


def test_finding_9_a_difference_at_the_close_goes_to_suspense_with_a_case_until_a_second_person_clears_it(
    station: Station,
) -> None:
    _staff(station)
    assert (
        OperatorDesk(station).add("max", "supervisor", "2580", by="root", by_pin="correct horse battery").ok
    )
    fund(station)
    basket, pieces = _basket(station, ITEMS[:1])
    total = pieces[0].quote.total_cents
    assert isinstance(BasketDesk(station).pay_cash(basket, total, **WHERE), Paid)
    closed = TillDesk(station).close(DAY, total - 150, "sue")  # $1.50 short in the drawer
    assert isinstance(closed, DayReport) and closed.cash_difference_cents == -150
    assert closed.suspense_opened is not None
    [held] = closed.suspense
    assert (held["kind"], held["cents"], held["subject"]) == ("cash-short", -150, "TILL-2026-11-02")
    assert "the difference is held in suspense" in "\n".join(report_lines(closed))
    with station.db.reading() as conn:
        case = cases.get(conn, int(held["case_id"]))
        assert case is not None and case.kind is CaseKind.SUSPENSE and case.state is CaseState.OPEN
    later = TillDesk(station).report(DAY + timedelta(days=1))
    assert isinstance(later, DayReport) and [i["id"] for i in later.suspense] == [held["id"]]  # until cleared
    desk = SuspenseDesk(station)
    alone = desk.clear(int(held["id"]), "recounted", supervisor=None, pin=None, operator="ann")
    assert not alone.ok and "suspense clearing needs a supervisor" in (alone.reason or "")
    same = desk.clear(int(held["id"]), "found it", supervisor="sue", pin="7392", operator="ann")
    assert (
        not same.ok
        and "sue put item" in (same.reason or "")
        and "a second person clears it" in (same.reason or "")
    )
    done = desk.clear(
        int(held["id"]), "a $1.50 stamp sale not rung up", supervisor="max", pin="2580", operator="ann"
    )
    assert done.ok, done
    assert desk.listing() == []
    cleared = TillDesk(station).report(DAY + timedelta(days=1))
    assert isinstance(cleared, DayReport) and cleared.suspense == []  # a cleared item is no longer held
    [kept] = desk.listing(open_only=False)
    assert (kept.cleared_by, kept.cleared_because) == ("max", "a $1.50 stamp sale not rung up")
    with station.db.reading() as conn:
        case = cases.get(conn, int(held["case_id"]))
        assert case is not None and case.state is CaseState.RESOLVED
        for sql in ("UPDATE suspense_entries SET cents = 0", "DELETE FROM suspense_entries"):
            try:
                conn.execute(sql)
                changed = True
            except sqlite3.DatabaseError:
                changed = False
            assert not changed, sql  # the history stays
    again = desk.clear(int(held["id"]), "twice", supervisor="max", pin="2580", operator="ann")
    assert not again.ok and "cleared by max already" in (again.reason or "")


def test_finding_9_a_disputed_charge_is_held_in_suspense_with_a_case_on_the_item(station: Station) -> None:
    _staff(station)
    fund(station)
    basket, _ = _basket(station, ITEMS[:1])
    assert isinstance(BasketDesk(station).pay_card(basket, "AUTH-5555", **WHERE), Paid)
    held = SuspenseDesk(station).dispute(
        ITEMS[0], 1_240, "customer says the card was charged twice", operator="ann"
    )
    assert held.ok and "$12.40 held in suspense" in held.text
    [item] = SuspenseDesk(station).listing()
    assert (item.kind, item.cents, item.subject) == ("disputed", 1_240, ITEMS[0])
    report = TillDesk(station).report(DAY)
    assert isinstance(report, DayReport) and [i["kind"] for i in report.suspense] == ["disputed"]
    assert "Suspense: 1 item open, $12.40" in "\n".join(report_lines(report))
