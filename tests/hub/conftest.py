"""A private PostgreSQL cluster for the hub tests (started by the test command, removed afterwards),
a fresh hub database per test, and stations enrolled at it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from hub.admin import enrol, init
from hub.client import PostgresHub
from station.app import Station
from station.config import StationConfig
from station.model.clock import SteppingClock
from station.paths import StationPaths
from tests.pg import Cluster, available

pytestmark = pytest.mark.skipif(not available(), reason="needs PostgreSQL 15 (./dev test installs it)")
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    if not available():
        pytest.skip("needs PostgreSQL 15 (./dev test installs it)")
    made = Cluster.create()
    try:
        yield made
    finally:
        made.remove()


@dataclass
class Hub:
    """One hub database on the cluster."""

    cluster: Cluster
    database: str

    @property
    def admin_dsn(self) -> str:
        return self.cluster.passfile_dsn(self.database)

    def station_dsn(self, station_id: str) -> str:
        done = enrol(self.admin_dsn, station_id)
        return self.cluster.passfile_dsn(self.database, done.role, done.password)

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.admin_dsn) as conn:
            return [tuple(r) for r in conn.execute(sql, args).fetchall()]


@pytest.fixture
def hub(cluster: Cluster) -> Hub:
    return new_hub(cluster)


def open_station(folder: Path, station_id: str, start: datetime | None = None) -> Station:
    """A station with its own journal and a stepping clock (one minute a tick)."""
    (folder / station_id).mkdir(parents=True, exist_ok=True)
    paths = StationPaths.beside(folder / station_id / "station.sqlite3")
    clock = SteppingClock(start or datetime(2026, 11, 30, 8, 0, tzinfo=UTC), timedelta(seconds=1))
    return Station.at(paths, StationConfig(station_id=station_id, facility=f"{station_id}-DEPOT"), clock)


def hub_client(hub: Hub, station_id: str) -> PostgresHub:
    return PostgresHub(hub.station_dsn(station_id))


def new_hub(cluster: Cluster) -> Hub:
    """A fresh hub database on the cluster, its schema made."""
    name = f"hub_{next(_numbers)}"
    with psycopg.connect(cluster.dsn(database="postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    made = Hub(cluster, name)
    init(made.admin_dsn)
    return made
