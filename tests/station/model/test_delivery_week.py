"""One delivery week for every promise: Monday to Saturday, nothing on Sunday."""

from __future__ import annotations

from datetime import date, timedelta

from station.insight.estimates import standard_days
from station.insight.eta import TRANSIT_DAYS
from station.model.delivery_week import add_delivery_days, is_delivery_day, next_delivery_day

FRIDAY = date(2026, 12, 4)
SATURDAY, SUNDAY, MONDAY = FRIDAY + timedelta(days=1), FRIDAY + timedelta(days=2), FRIDAY + timedelta(days=3)


def test_saturday_is_a_delivery_day_and_sunday_is_not() -> None:
    assert [is_delivery_day(FRIDAY + timedelta(days=n)) for n in range(7)] == [
        True,  # Friday
        True,  # Saturday
        False,  # Sunday
        True,
        True,
        True,
        True,
    ]
    assert add_delivery_days(FRIDAY, 1) == SATURDAY
    assert add_delivery_days(SATURDAY, 1) == MONDAY
    assert add_delivery_days(FRIDAY, 0) == FRIDAY
    assert next_delivery_day(SUNDAY) == MONDAY and next_delivery_day(SATURDAY) == SATURDAY


def test_the_service_standard_and_the_learned_estimates_count_the_same_week() -> None:
    # The estimates' prior is the service standard: for every weekday of acceptance, the calendar days
    # it uses are the delivery days the standard promises.
    for service, days in TRANSIT_DAYS.items():
        for offset in range(7):
            accepted = FRIDAY + timedelta(days=offset)
            assert standard_days(service, accepted) == (add_delivery_days(accepted, days) - accepted).days
    assert standard_days("express", FRIDAY) == 1  # delivered on Saturday
