"""What the public tracking page says (issue 32), from public rows alone: the expected day learned from
past items of the lane (not the service standard), the delivery window from the round's learned pace,
an item's journey inside a sack."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from station.ids import S10
from station.insight.public_track import RoundPace, learn, public_track
from station.model.events import Event, EventKind
from station.model.rows import Row

ACCEPTED = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # a Monday


def _row(seq: int, item: str, kind: str, at: datetime, **extra: object) -> Row:
    """A row as the web login reads it: no operator, the ZIP's first three digits padded."""
    return Row(seq, "ORIG1", item, kind, "F", "", at, dict(extra))


def _history(days: int, items: int = 40) -> list[Row]:
    rows = []
    for n in range(items):
        item = S10.build("CP", 500 + n, "US").text
        start = ACCEPTED - timedelta(days=28) + timedelta(hours=n)
        rows.append(_row(2 * n, item, "acceptance", start, service="priority", destination_zip="94100"))
        rows.append(_row(2 * n + 1, item, "delivered", start + timedelta(days=days)))
    return sorted(rows, key=lambda r: r.at)


def _accepted_today(item: str) -> list[Event]:
    return [
        Event("e1", item, EventKind.ACCEPTANCE, "F", "ORIG1", "", ACCEPTED,
              extra={"service": "priority", "destination_zip": "94100"}),
    ]  # fmt: skip


def test_the_expected_day_is_learned_from_the_lane_not_the_service_standard() -> None:
    item = S10.build("CP", 9, "US").text
    events = _accepted_today(item)
    standard = public_track(lambda key: events if key == item else [], item, today=ACCEPTED.date())
    slow, _pace = learn(_history(days=7), [])
    learned = public_track(lambda key: events if key == item else [], item, today=ACCEPTED.date(), model=slow)
    assert standard is not None and standard.expected is not None
    assert learned is not None and learned.expected is not None
    assert standard.expected.expected == date(2026, 11, 4)  # priority: two delivery days
    assert learned.expected.expected == date(2026, 11, 9)  # this lane takes a week


def test_the_window_on_the_delivery_day_follows_the_offices_learned_pace() -> None:
    item = S10.build("CP", 9, "US").text
    loaded = datetime(2026, 11, 4, 16, 0, tzinfo=UTC)
    events = [
        *_accepted_today(item),
        Event("e2", item, EventKind.OUT_FOR_DELIVERY, "SFO", "SFO1", "", loaded, extra={"stop": 10}),
    ]
    _model, pace = learn([], [("SFO", 4.0 + (n % 5)) for n in range(50)])  # 4 to 8 minutes a stop
    shown = public_track(lambda key: events if key == item else [], item, today=date(2026, 11, 4), pace=pace)
    assert shown is not None and shown.window is not None
    assert shown.window.start == loaded + timedelta(minutes=30)  # 10 stops x 4 min = 16:40, floored
    assert shown.window.end == loaded + timedelta(minutes=90)  # 10 x 8 min = 17:20, at least an hour
    unknown = public_track(lambda key: events if key == item else [], item, today=date(2026, 11, 4))
    assert unknown is not None and unknown.window is not None  # before anything is learned: 3-9 min
    assert (unknown.window.start, unknown.window.end) == (
        loaded + timedelta(minutes=30),
        loaded + timedelta(minutes=90),
    )


def test_a_sacks_dispatch_is_part_of_the_items_public_journey() -> None:
    item, sack = S10.build("CP", 9, "US").text, "106141411234567897"
    at = ACCEPTED
    own = [
        *_accepted_today(item),
        Event("e2", item, EventKind.SORT_IN, "F", "ORIG1", "", at + timedelta(hours=1), container_id=sack),
    ]
    sack_events = [Event("e3", sack, EventKind.DISPATCH, "F", "ORIG1", "", at + timedelta(hours=2))]
    shown = public_track(lambda key: own if key == item else sack_events, item, today=ACCEPTED.date())
    assert shown is not None
    assert [e.kind for e in shown.events] == ["acceptance", "sort-in", "dispatch"]
    assert str(shown.status) == "in-transit"
    assert public_track(lambda key: [], "CP000000095US", today=ACCEPTED.date()) is None


def test_a_pace_needs_twenty_rounds_and_ignores_impossible_ones() -> None:
    few = RoundPace.learn([("SFO", 5.0)] * 19 + [("SFO", 500.0)] * 30)
    assert few.by_facility == {}  # 19 real samples and 30 impossible ones: nothing learned
    assert RoundPace.learn([("SFO", 5.0)] * 20).by_facility == {"SFO": (5.0, 5.0)}
