"""The delivery week: which days carriers deliver, and counting days in it.

One definition for every promise and every figure (the service standard, the learned estimates, the
demo's history): carriers deliver Monday to Saturday, as USPS does; nothing is delivered on Sunday, and
a standard of N days is N delivery days after acceptance.
"""

from __future__ import annotations

from datetime import date, timedelta

SUNDAY = 6
DELIVERY_WEEKDAYS = frozenset(range(6))  # date.weekday(): Monday 0 ... Saturday 5


def is_delivery_day(day: date) -> bool:
    """Whether carriers deliver on `day`."""
    return day.weekday() in DELIVERY_WEEKDAYS


def next_delivery_day(day: date) -> date:
    """`day` itself when carriers deliver on it, else the first day after it that they do."""
    while not is_delivery_day(day):
        day += timedelta(days=1)
    return day


def add_delivery_days(start: date, days: int) -> date:
    """The day `days` delivery days after `start` (`start` itself for 0)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if is_delivery_day(current):
            days -= 1
    return current
