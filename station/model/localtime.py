"""Times as people read them: the station's local time on screens and paper, UTC in the journal and exports.

The zone is `[station] time_zone` (an IANA name such as America/Los_Angeles) or, when unset, the
machine's own. A receipt says 09:14 PST to the customer who stood at the counter at 09:14.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from station.errors import Refused


class TimeZoneError(Refused):
    """`time_zone` names no zone this machine knows."""


def zone(name: str) -> ZoneInfo | None:
    """The configured zone, None for the machine's own."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeZoneError(f"time_zone {name!r} is not a time zone (e.g. America/New_York)") from exc


def local(moment: datetime, zone_name: str = "") -> datetime:
    """`moment` (aware, any zone) in the station's local time."""
    return moment.astimezone(zone(zone_name))


def shown(moment: datetime, zone_name: str = "", *, seconds: bool = False) -> str:
    """'2026-12-01 09:14 PST': local time with its zone's abbreviation."""
    return local(moment, zone_name).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else "") + " %Z")


def shown_text(text: str, zone_name: str = "", *, seconds: bool = False) -> str:
    """An ISO time as stored (UTC text) shown as `shown` does; text that is no time is left as it is."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text
    if moment.tzinfo is None:
        return text  # no zone to convert from: shown as written
    return shown(moment, zone_name, seconds=seconds)
