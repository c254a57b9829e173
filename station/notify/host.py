"""What texting needs of a station: its database, journal, settings, key folder and clock.

The notify package works for any station (a counter's, or the hub's notifier, a station with an empty
journal) through this protocol, so it never imports the composition root that installs it (`station.app`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from station.config import StationConfig
from station.paths import StationPaths
from station.store.db import Database
from station.store.journal import Journal


class TextingStation(Protocol):
    """The parts of a `Station` that consent, the outbox and the network's notifier use."""

    db: Database
    journal: Journal
    config: StationConfig
    paths: StationPaths
    clock: Callable[[], datetime]
