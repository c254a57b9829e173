"""What a receipt says of each piece beyond its postage: whom it goes to and the day it is expected."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from station.desks.abroad import destination_line
from station.insight.eta import DEFAULT_DAYS, TRANSIT_DAYS
from station.items import recipients
from station.model.delivery_week import add_delivery_days
from station.model.localtime import local
from station.postage.international import is_international
from station.postage.receipt import Receipt, ReceiptLine


def whom(conn: sqlite3.Connection, item_id: str, extra: dict[str, Any]) -> str:
    """The addressee and town (abroad: the country too), as the counter wrote them."""
    abroad = destination_line(extra)
    if abroad:
        return abroad
    found = recipients.of(conn, item_id)
    if found is None:
        return ""
    town = found.lines[-1] if len(found.lines) > 1 else ""
    return f"{found.name}, {town}" if town else found.name


def expected(service: str, accepted: datetime, zone_name: str) -> Any:
    """The delivery day the service standard promises from the local acceptance day (None abroad)."""
    if is_international(service):
        return None
    return add_delivery_days(local(accepted, zone_name).date(), TRANSIT_DAYS.get(service, DEFAULT_DAYS))


def line(
    conn: sqlite3.Connection,
    item_id: str,
    service_name: str,
    weight_g: int,
    cents: int,
    extra: dict[str, Any],
    accepted: datetime,
    zone_name: str,
) -> ReceiptLine:
    """One piece as the receipt shows it."""
    return ReceiptLine(
        item_id,
        service_name,
        weight_g,
        cents,
        str(extra.get("meter_id", "")),
        int(extra.get("piece", 0)),
        whom(conn, item_id, extra),
        expected(str(extra.get("service", "")), accepted, zone_name),
    )


__all__ = ["Receipt", "expected", "line", "whom"]
