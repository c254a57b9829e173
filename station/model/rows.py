"""A journal row as history reads it: the one shape the journal, the hub and the insight reports share."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any, NamedTuple


class Row(NamedTuple):
    """A journal row as the history reads it (a tuple: a year of a depot is two million of them)."""

    seq: int
    station_id: str
    item_id: str
    kind: str
    facility: str
    operator: str
    at: datetime
    extra: dict[str, object]
    container_id: str | None = None
    reason: str | None = None


HISTORY_COLUMNS = (
    "seq, station_id, item_id, kind, facility, operator, occurred_at, extra, container_id, reason"
)


def history_row(r: sqlite3.Row | tuple[Any, ...]) -> Row:
    """A row of (seq, station_id, item_id, kind, facility, operator, occurred_at, extra, container_id,
    reason), from the station's journal or the hub's."""
    extra = r[7] or "{}"
    return Row(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6] if isinstance(r[6], datetime) else datetime.fromisoformat(r[6]),
        json.loads(extra) if extra != "{}" else {},
        None if r[8] is None else str(r[8]),
        None if r[9] is None else str(r[9]),
    )
