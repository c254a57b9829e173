"""Expected delivery: the service's standard transit time from acceptance, moved on by what the scans say.

Standard times in delivery days (Monday to Saturday, `model.delivery_week`): letter 3, ground 5,
priority 2, express 1. An item out for delivery is expected today; a delayed item a delivery day after
the delay; a delivered or returned item has no expectation left.
"""

from __future__ import annotations

from datetime import date

from station.items.tracking import TrackingReport
from station.model.delivery_week import add_delivery_days
from station.model.events import EventKind
from station.model.status import ItemStatus
from station.postage.international import is_international

TRANSIT_DAYS = {"letter": 3, "ground": 5, "priority": 2, "express": 1}
DEFAULT_DAYS = 5


def expected_delivery(report: TrackingReport) -> date | None:
    """The day the customer can expect the item, or None when nothing is expected any more."""
    if report.status in (None, ItemStatus.DELIVERED, ItemStatus.RETURNED) or report.is_sack:
        return None
    last = report.last_event
    assert last is not None
    if report.status is ItemStatus.OUT_FOR_DELIVERY:
        return last.occurred_at.date()
    if report.status in (ItemStatus.DELAYED, ItemStatus.ATTEMPTED):
        return add_delivery_days(last.occurred_at.date(), 1)
    accepted = next((h.event for h in report.history if h.event.kind is EventKind.ACCEPTANCE), None)
    if accepted is None:
        return add_delivery_days(last.occurred_at.date(), 2)
    if is_international(str(accepted.extra.get("service", ""))):
        return None  # delivered by the destination's post: no standard of ours says when
    days = TRANSIT_DAYS.get(str(accepted.extra.get("service", "")), DEFAULT_DAYS)
    return add_delivery_days(accepted.occurred_at.date(), days)
