"""The outbox's rules at their edges, each row pinned whole: quiet hours from 21:00 to 08:00 in the
number's own zone, "in transit" once a local day, ten texts an hour, consent replies always. `./dev
mutants` found the outbox tests standing well inside each rule, where a limit one off passes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from station.app import Station
from station.model.states import OutboxState
from station.notify.consent import handle_inbound
from station.notify.outbox import claim, listing, mark_sent, mark_unsent, queue_message, record_receipt
from station.notify.templates import render
from tests.station.conftest import computer_in
from tests.station.notify.conftest import PHONE, SetClock

ITEM = "EE123456785US"
NY = -5  # New York's offset from UTC in November


@pytest.fixture(params=["UTC", "Asia/Tokyo"])
def computer_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The zone of the computer the station runs on: the rules follow the number's zone, never it."""
    with computer_in(str(request.param)):
        yield str(request.param)


def _active(station: Station) -> None:
    handle_inbound(station, PHONE, ITEM)
    handle_inbound(station, PHONE, "YES")


def _queue(
    station: Station, template: str, item: str = ITEM, **kwargs: object
) -> tuple[str, str, str] | None:
    with station.db.transaction() as conn:
        made = queue_message(station, conn, PHONE, item, template, **kwargs)  # type: ignore[arg-type]
        if made is None:
            return None
        row = conn.execute("SELECT state, not_before, body FROM sms_outbox WHERE id = ?", (made,)).fetchone()
    return str(row[0]), str(row[1]), str(row[2])


def _ny(day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return (
        datetime(2026, 11, day, hour - NY, minute, second, micro, tzinfo=UTC)
        if hour - NY < 24
        else (datetime(2026, 11, day + 1, hour - NY - 24, minute, second, micro, tzinfo=UTC))
    )


@pytest.mark.parametrize(
    ("at", "state", "not_before"),
    [
        (_ny(21, 20, 59, 59, 999_999), "queued", _ny(21, 20, 59, 59, 999_999)),
        (_ny(21, 21, 0, 30, 5), "held", _ny(22, 8)),  # 21:00 is quiet: the next morning, on the hour
        (_ny(22, 7, 59, 59), "held", _ny(22, 8)),  # before 08:00: the same morning
        (_ny(22, 8), "queued", _ny(22, 8)),
    ],
)
def test_quiet_hours_run_from_nine_at_night_to_eight_in_the_morning_where_the_number_is(
    station: Station, clock: SetClock, at: datetime, state: str, not_before: datetime, computer_zone: str
) -> None:
    _active(station)
    clock.now = at
    local_day = at.astimezone(UTC) + timedelta(hours=NY)
    assert _queue(station, "accepted") == (
        state,
        not_before.isoformat(),
        render("accepted", item_id=ITEM, date=local_day.strftime("%b %d")).text,
    )


def test_in_transit_is_texted_once_a_local_day(station: Station, clock: SetClock, computer_zone: str) -> None:
    _active(station)
    clock.now = _ny(21, 0)  # midnight in New York, to the microsecond
    first = _queue(station, "in_transit")
    assert first is not None and first[2] == render("in_transit", item_id=ITEM, date="Nov 21").text
    clock.now = _ny(21, 23, 59, 59, 999_999)
    assert _queue(station, "in_transit") is None  # the same day in New York
    assert _queue(station, "in_transit", item="RR473124829GB") is not None  # another item: its own day
    clock.now = _ny(22, 0)
    assert _queue(station, "in_transit") is not None  # the next day


def test_ten_texts_an_hour_then_held_until_the_oldest_is_an_hour_old(
    station: Station, clock: SetClock
) -> None:
    _active(station)
    start = _ny(21, 12)
    for n in range(10):
        clock.now = start + timedelta(minutes=n)
        assert _queue(station, "out_for_delivery", item=f"CP1000000{n}") is not None
    clock.now = start + timedelta(minutes=10)
    held = _queue(station, "out_for_delivery", item="CP10000099")
    assert held is not None and held[:2] == ("held", (start + timedelta(hours=1)).isoformat())
    assert _queue(station, "help") == (  # a consent reply is never held
        "queued",
        clock.now.isoformat(),
        render("help", item_id=ITEM, date="Nov 21").text,
    )
    clock.now = start + timedelta(hours=1, minutes=1)  # the first has left the hour
    later = _queue(station, "out_for_delivery", item="CP10000098")
    assert later is not None and later[:2] == ("queued", clock.now.isoformat())


def test_only_consent_replies_reach_a_number_that_has_not_said_yes(station: Station) -> None:
    handle_inbound(station, PHONE, ITEM)  # pending
    assert _queue(station, "following") is None
    assert _queue(station, "following", consent_message=True) is not None  # the caller says it is one
    assert _queue(station, "unknown") is not None  # a consent template, whatever the caller says
    handle_inbound(station, PHONE, "STOP")
    assert _queue(station, "start_confirmed") is not None
    assert _queue(station, "accepted") is None


def test_a_message_is_claimed_once_and_sent_unsent_and_receipted_in_the_listing(
    station: Station, clock: SetClock
) -> None:
    _active(station)
    with station.db.transaction() as conn:
        first = queue_message(station, conn, PHONE, ITEM, "accepted")
        second = queue_message(station, conn, PHONE, ITEM, "delivered")
    assert first is not None and second is not None
    with station.db.transaction() as conn:
        assert claim(conn, first) and not claim(conn, first)  # taken once
        mark_sent(conn, first, "GW-1", clock.now)
        record_receipt(conn, "GW-1", "DELIVRD")
        assert claim(conn, second)
        mark_unsent(conn, second, OutboxState.QUEUED, "gateway busy", clock.now + timedelta(minutes=5))
    with station.db.reading() as conn:
        rows = {r["id"]: r for r in listing(conn)}
    assert {k: rows[first][k] for k in ("state", "attempts", "sent_at", "last_error", "receipt")} == {
        "state": "sent",
        "attempts": 1,
        "sent_at": clock.now.isoformat(),
        "last_error": None,
        "receipt": "DELIVRD",
    }
    assert {k: rows[second][k] for k in ("state", "attempts", "not_before", "last_error", "receipt")} == {
        "state": "queued",
        "attempts": 1,
        "not_before": (clock.now + timedelta(minutes=5)).isoformat(),
        "last_error": "gateway busy",
        "receipt": None,
    }
    handle_inbound(station, PHONE, "STOP")  # consent withdrawn between queueing and sending
    with station.db.transaction() as conn:
        assert not claim(conn, second)
    with station.db.reading() as conn:
        cancelled = {r["id"]: r for r in listing(conn)}[second]
    assert (cancelled["state"], cancelled["last_error"]) == ("cancelled", "customer replied STOP")


def test_issue_31_item_18_the_backlog_counts_what_waits_what_is_due_since_when_and_what_failed(
    station: Station, clock: SetClock
) -> None:
    from station.doctor import TEXTS_LATE, texts_waiting
    from station.notify.outbox import Backlog, backlog

    _active(station)
    with station.db.transaction() as conn:
        conn.execute("DELETE FROM sms_outbox")  # the opt-in's texts: sent long ago, as far as this test goes
        assert backlog(conn, clock.now) == Backlog(0, 0, None, 0)  # nothing at all: nothing due, no oldest
        first = queue_message(station, conn, PHONE, ITEM, "accepted")
        second = queue_message(station, conn, PHONE, ITEM, "delivered")
        third = queue_message(station, conn, PHONE, ITEM, "out_for_delivery")
    assert first is not None and second is not None and third is not None
    with station.db.transaction() as conn:
        assert claim(conn, second)
        mark_unsent(conn, second, OutboxState.QUEUED, "busy", clock.now + timedelta(minutes=5))  # later
        assert claim(conn, third)
        mark_unsent(conn, third, OutboxState.FAILED, "number unknown")
    with station.db.reading() as conn:
        now = backlog(conn, clock.now)
        soon = backlog(conn, clock.now + timedelta(minutes=5))
    assert (now.waiting, now.due, now.failed) == (2, 1, 1) and now.oldest_due is not None
    assert now.oldest_due <= clock.now
    assert (soon.waiting, soon.due) == (2, 2)
    paths = station.paths
    late = clock.now + TEXTS_LATE + timedelta(minutes=2)
    warned = texts_waiting(paths, late)
    assert warned.warning and warned.detail.startswith("2 texts due and not sent, the oldest for 7 min")
    assert "1 failed for good" in warned.detail
    fresh = texts_waiting(paths, clock.now)
    assert fresh.warning and fresh.detail == "2 waiting; 1 failed for good (station sms outbox)"
    with station.db.transaction() as conn:
        conn.execute("DELETE FROM sms_outbox WHERE id = ?", (third,))
    calm = texts_waiting(paths, clock.now)
    assert (
        not calm.warning and calm.detail == "1 due now, 1 held for later (quiet hours, a rate limit, a retry)"
    )
