"""A journal row as history reads it: the one shape the journal, the hub and the insight reports share."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple


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
