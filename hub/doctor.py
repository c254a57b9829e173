"""The hub's part of `station doctor`: does the hub answer, and does it know this station?"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from hub.client import PostgresHub
from station.config import StationConfig
from station.doctor import Check
from station.network.port import HubUnavailable


def check(config: StationConfig) -> Check:
    """The hub answers and knows this station (its head can be read)."""
    name = "hub"
    if not config.hub:
        return Check.passed(name, "no hub configured: this station works on its own")
    link = PostgresHub(config.hub, connect_timeout=3)
    try:
        head = link.head(config.station_id)
    except HubUnavailable as exc:
        if "not enrolled" in str(exc):
            return Check.failed(
                name, str(exc), f"on the hub: station hub enrol --dsn ADMIN_DSN {config.station_id}"
            )
        return Check.failed(
            name,
            f"hub unreachable: {exc}",
            "check the network to the hub and [station] hub (host, port, passfile); scans wait meanwhile",
        )
    finally:
        with contextlib.suppress(Exception):
            link.close()
    return Check.passed(
        name, f"hub answers; station {config.station_id} enrolled, hub holds {head.last_seq} of its events"
    )


CLOCK_TOLERANCE = timedelta(minutes=2)


def clock(config: StationConfig) -> Check:
    """This station's clock agrees with the hub's (a clock that runs ahead dates its scans wrongly on
    every station; the hub flags events more than 5 minutes ahead)."""
    name = "clock"
    if not config.hub:
        return Check.passed(name, "no hub to compare the clock with")
    link = PostgresHub(config.hub, connect_timeout=3)
    try:
        offset = link.clock_offset()
    except HubUnavailable as exc:
        return Check.failed(name, f"the hub's clock could not be read: {exc}", "see the hub check")
    finally:
        with contextlib.suppress(Exception):
            link.close()
    wrong = clock_wrong(offset)
    if wrong is not None:
        return Check.failed(
            name, wrong, "set the clock (timedatectl set-ntp true, or the BIOS date): scans are dated by it"
        )
    return Check.passed(name, f"within {_duration(abs(offset))} of the hub's clock")


def clock_wrong(offset: timedelta) -> str | None:
    """What is wrong with a clock `offset` ahead of the hub's, or None when it is close enough."""
    if abs(offset) <= CLOCK_TOLERANCE:
        return None
    way = "ahead of" if offset > timedelta(0) else "behind"
    return f"this station's clock is {_duration(abs(offset))} {way} the hub's"


def _duration(span: timedelta) -> str:
    seconds = round(span.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes)
    return " ".join(parts) or f"{seconds} s"
