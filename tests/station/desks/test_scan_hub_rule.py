"""The scan desk's network rule for acceptance, given the hub's answer: an item another station accepted
is refused, naming that station; this station's own acceptance, no answer (the hub down) or a checked
override lets it through. The hub's side of the question (`accepted_at` on PostgreSQL) is tested in
tests/hub/test_hub_scan_checks.py; here the answer is set, so the quick tier, and `./dev mutants`,
reach the desk's rule too."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from station.app import Station
from station.config import StationConfig
from station.desks.scan import ScanDesk
from station.model.events import EventKind
from station.network.port import HubPort, HubUnavailable

ITEM = "RR473124829GB"


class AnsweringHub:
    """A hub that knows who accepted what (`down`: it does not answer)."""

    def __init__(self, accepted: dict[str, str], *, down: bool = False) -> None:
        self.accepted, self.down = accepted, down
        self.asked: list[str] = []

    def accepted_at(self, item_id: str) -> str | None:
        self.asked.append(item_id)
        if self.down:
            raise HubUnavailable("the hub does not answer")
        return self.accepted.get(item_id)


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return Station.open(tmp_path / "s.sqlite3", StationConfig(station_id="SFO01"))


def _desk(station: Station, hub: AnsweringHub) -> ScanDesk:
    return ScanDesk(station, cast(HubPort, hub))


def test_an_item_another_station_accepted_is_refused_naming_it(station: Station) -> None:
    hub = AnsweringHub({ITEM: "LAX01"})
    answer = _desk(station, hub).record(ITEM, EventKind.ACCEPTANCE, facility="SFO", operator="dee")
    assert (answer.ok, answer.id, answer.text) == (
        False,
        ITEM,
        f"{ITEM} was already accepted at station LAX01: not accepted again",
    )
    assert hub.asked == [ITEM]
    assert station.journal.count() == 0


def test_its_own_acceptance_an_unknown_item_and_a_hub_that_is_down_let_it_through(station: Station) -> None:
    assert (
        _desk(station, AnsweringHub({ITEM: "SFO01"}))
        .record(ITEM, EventKind.ACCEPTANCE, facility="SFO", operator="dee")
        .ok
    )
    other = "EE123456785US"
    assert (
        _desk(station, AnsweringHub({}))
        .record(other, EventKind.ACCEPTANCE, facility="SFO", operator="dee")
        .ok
    )
    third = "CP100000003US"
    down = AnsweringHub({third: "LAX01"}, down=True)
    assert (
        _desk(station, down).record(third, EventKind.ACCEPTANCE, facility="SFO", operator="dee").ok
    )  # the hub flags it later
    assert down.asked == [third]


def test_only_an_acceptance_asks_the_hub(station: Station) -> None:
    hub = AnsweringHub({ITEM: "LAX01"})
    assert (
        _desk(station, hub).record(ITEM, EventKind.ARRIVAL, facility="SFO", operator="dee").ok
    )  # it came from LAX01: fine
    assert hub.asked == []
