"""What a receipt says of each piece beyond its postage: whom it goes to and the day it is expected."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
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
    return name_and_town(found.lines, found.name) if found is not None else ""


def name_and_town(lines: Sequence[str], name: str = "") -> str:
    """The addressee (`name`, else the first line) and the address's last line, its town: "Bo Lee, San
    Francisco CA 94105"."""
    kept = [line.strip() for line in lines if line.strip()]
    name = name or (kept[0] if kept else "")
    town = kept[-1] if len(kept) > 1 else ""
    return f"{name}, {town}" if town else name


def expected(service: str, accepted: datetime, zone_name: str) -> date | None:
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


__all__ = ["Receipt", "expected", "line", "name_and_town", "whom"]
