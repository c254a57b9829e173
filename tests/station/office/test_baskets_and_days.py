"""The baskets table and the till's day arithmetic on their own, each answer pinned whole: a basket read
back field by field through its life, which baskets close when empty, a day's bounds across a clock
change, the registers at a moment, a day reopened. `./dev mutants` found these let through by the desk
tests, which look at a basket's total and a report's few fields."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from station.migrations import open_database
from station.office import baskets
from station.office.baskets import Basket, BasketState, Line, Payment
from station.office.till import _registers_at, bounds, reopen
from station.postage.meter import LogLine
from station.store.db import Database

AT = "2026-11-02T10:00:00+00:00"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(tmp_path / "s.sqlite3")


def test_a_basket_read_back_whole_through_its_life(db: Database) -> None:
    with db.transaction() as conn:
        first = baskets.open_basket(conn, "ann", AT)
        second = baskets.open_basket(conn, "bob", AT)
        baskets.add_line(conn, first, "EE123456785US", "priority", 1_250)
        baskets.add_line(conn, first, "RR473124829GB", "ground", 800)
        assert baskets.remove_line(conn, first, "RR473124829GB")
        assert not baskets.remove_line(conn, first, "RR473124829GB")  # taken out once
        assert not baskets.remove_line(conn, second, "EE123456785US")  # not a line of that basket
        assert baskets.get(conn, first) == Basket(
            first,
            "ann",
            BasketState.OPEN,
            AT,
            (Line("EE123456785US", "priority", 1_250, False), Line("RR473124829GB", "ground", 800, True)),
            None,
            None,
            None,
            None,
            None,
        )
        assert baskets.open_baskets(conn) == [first, second]
        assert baskets.record_payment(
            conn, first, Payment.CASH, "2026-11-02T10:05:00+00:00", tendered=2_000, change=750, total=1_250
        )
        assert not baskets.record_payment(
            conn, first, Payment.CARD, AT, card_ref="X", total=1_250
        )  # paid once
        paid = baskets.get(conn, first)
        assert paid is not None
        assert (paid.state, paid.method, paid.tendered, paid.change_cents, paid.card_ref, paid.paid_at) == (
            BasketState.PAID,
            Payment.CASH,
            2_000,
            750,
            None,
            "2026-11-02T10:05:00+00:00",
        )
        assert (paid.total_cents, paid.live_lines) == (
            1_250,
            (Line("EE123456785US", "priority", 1_250, False),),
        )
        assert baskets.basket_of(conn, "EE123456785US") == paid
        assert baskets.basket_of(conn, "CP100000003US") is None
        assert baskets.get(conn, 999) is None
        assert baskets.paid_items(conn, ["EE123456785US", "RR473124829GB", "CP100000003US"]) == {
            "EE123456785US"
        }
        assert baskets.open_baskets(conn) == [second]
        assert (
            baskets.abandon(conn, second)
            and not baskets.abandon(conn, second)
            and not baskets.abandon(conn, first)
        )
        assert baskets.get(conn, second).state is BasketState.ABANDONED  # type: ignore[union-attr]
        assert baskets.open_baskets(conn) == []


def test_only_open_baskets_with_no_live_line_are_closed_empty(db: Database) -> None:
    with db.transaction() as conn:
        empty = baskets.open_basket(conn, "ann", AT)
        emptied = baskets.open_basket(conn, "ann", AT)
        full = baskets.open_basket(conn, "ann", AT)
        other_empty = baskets.open_basket(conn, "ann", AT)
        baskets.add_line(conn, emptied, "EE123456785US", "priority", 100)
        baskets.remove_line(conn, emptied, "EE123456785US")
        baskets.add_line(conn, full, "RR473124829GB", "priority", 100)
        assert baskets.close_if_empty(conn, empty) == [empty]  # just the one asked about
        assert baskets.get(conn, other_empty).state is BasketState.OPEN  # type: ignore[union-attr]
        assert baskets.close_if_empty(conn, full) == []
        assert baskets.close_if_empty(conn) == [emptied, other_empty]
        assert baskets.close_if_empty(conn) == []
        assert [baskets.get(conn, b).state for b in (empty, emptied, full)] == [  # type: ignore[union-attr]
            BasketState.EMPTY,
            BasketState.EMPTY,
            BasketState.OPEN,
        ]


def test_baskets_paid_in_a_day_are_those_paid_from_its_start_to_before_its_end(db: Database) -> None:
    with db.transaction() as conn:
        ids = []
        for paid_at in (
            "2026-11-02T07:59:59+00:00",
            "2026-11-02T08:00:00+00:00",
            "2026-11-03T07:59:59+00:00",
            "2026-11-03T08:00:00+00:00",
        ):
            basket = baskets.open_basket(conn, "ann", AT)
            baskets.record_payment(conn, basket, Payment.CARD, paid_at, card_ref="A", total=0)
            ids.append(basket)
        start, end = bounds(date(2026, 11, 2), "America/Los_Angeles")
        assert [b.id for b in baskets.paid_between(conn, start, end)] == ids[1:3]


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 11, 2), "2026-11-02T00:00:00-08:00", "2026-11-03T00:00:00-08:00"),
        (date(2026, 11, 1), "2026-11-01T00:00:00-07:00", "2026-11-02T00:00:00-08:00"),  # 25 hours
        (date(2026, 3, 8), "2026-03-08T00:00:00-08:00", "2026-03-09T00:00:00-07:00"),  # 23 hours
    ],
)
def test_a_day_runs_from_local_midnight_to_the_next(day: date, start: str, end: str) -> None:
    first, last = bounds(day, "America/Los_Angeles")
    assert (first.isoformat(), last.isoformat()) == (start, end)


def test_a_station_without_a_zone_uses_the_machines_midnight() -> None:
    first, last = bounds(date(2026, 11, 2), "")
    local = datetime(2026, 11, 2).astimezone()
    assert first == local and first.utcoffset() == local.utcoffset()
    assert (last - first).total_seconds() in (23 * 3600, 24 * 3600, 25 * 3600) and last.hour == 0


def test_the_registers_at_a_moment_are_those_after_the_last_line_before_it() -> None:
    lines = [
        LogLine("credit", 900, None, 900, 0, None),  # from before the log said when
        LogLine("credit", 100, None, 1_000, 0, None),
        LogLine("debit", 300, 1, 700, 300, "2026-11-02T10:00:00+00:00"),
        LogLine("debit", 200, 2, 500, 500, "2026-11-02T11:00:00+00:00"),
    ]
    assert _registers_at(lines, "2026-11-02T09:00:00.000000+00:00") == (1_000, 0)  # the last undated line
    assert _registers_at(lines, "2026-11-02T10:00:00.000000+00:00") == (
        1_000,
        0,
    )  # not the line at that moment
    assert _registers_at(lines, "2026-11-02T10:00:00.000001+00:00") == (700, 300)
    assert _registers_at(lines, "2026-11-03T00:00:00.000000+00:00") == (500, 500)
    assert _registers_at(lines[2:], "2026-11-02T09:00:00.000000+00:00") == (0, 0)
    assert _registers_at([], "2026-11-02T09:00:00.000000+00:00") == (0, 0)


def test_a_reopened_day_keeps_its_closing_word_for_word(db: Database) -> None:
    with db.transaction() as conn:
        assert not reopen(conn, date(2026, 11, 2), "sue", "miscounted", AT)
        conn.execute(
            "INSERT INTO till_days (day, closed_at, closed_by, report) VALUES (?,?,?,?)",
            ("2026-11-02", "2026-11-02T18:00:00+00:00", "ann", json.dumps({"day": "2026-11-02"})),
        )
        assert reopen(conn, date(2026, 11, 2), "sue", "miscounted", AT)
        kept = conn.execute("SELECT * FROM till_reopenings").fetchall()
        left = conn.execute("SELECT count(*) FROM till_days").fetchone()[0]
    assert [tuple(r) for r in kept] == [
        ("2026-11-02", "2026-11-02T18:00:00+00:00", "ann", '{"day": "2026-11-02"}', AT, "sue", "miscounted")
    ]
    assert left == 0
    with sqlite3.connect(db.path) as raw, pytest.raises(sqlite3.IntegrityError, match="kept as it was"):
        raw.execute("DELETE FROM till_reopenings")
