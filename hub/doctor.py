"""The hub's part of `station doctor`: does the hub answer, and does it know this station?"""

from __future__ import annotations

import contextlib

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
