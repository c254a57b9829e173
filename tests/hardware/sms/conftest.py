"""The SMS gateway tests use the notification tests' station and clock."""

from tests.station.notify.conftest import clock, station

__all__ = ["clock", "station"]
