"""The pickup shelf's rules at the desk: one hand-over of an item even when two clerks try at once, a
wrong code counted even when refused, the ID's number never kept whole."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TypedDict

from station.app import Station
from station.config import StationConfig
from station.desks.carrier import CarrierDesk
from station.desks.outcome import Outcome
from station.desks.pickup import IdDocument, IdRefused, PickupDesk
from station.items import pickups
from station.model.events import EventKind
from tests.station.desks.test_carrier import scribble

ITEM = "EE123456785US"


class _Here(TypedDict):
    facility: str
    operator: str


HERE: _Here = {"facility": "SFO", "operator": "ann"}


def _held(path: Path) -> str:
    with Station.open(path, StationConfig(facility="SFO")) as station:
        assert CarrierDesk(station).load(ITEM, **HERE).ok
        assert PickupDesk(station).hold(ITEM, "A1", **HERE).ok
        with station.db.transaction() as conn:
            return pickups.issue(conn, station.paths.keys, ITEM, station.clock().isoformat())


def test_two_clerks_handing_one_item_over_at_once_hand_it_over_once(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    code = _held(path)
    stations = [Station.open(path, StationConfig(facility="SFO")) for _ in range(2)]
    start = threading.Barrier(2)
    answers: list[Outcome] = []

    def clerk(station: Station, with_code: bool) -> None:
        start.wait()
        answers.append(
            PickupDesk(station).release(
                ITEM,
                id_document="passport:1234",
                code=code if with_code else None,
                signature=None if with_code else scribble(),
                name="" if with_code else "Ann Lee",
                **HERE,
            )
        )

    threads = [threading.Thread(target=clerk, args=(s, n == 0)) for n, s in enumerate(stations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for station in stations:
        station.close()
    assert sorted(a.ok for a in answers) == [False, True]
    assert "not waiting for pickup" in str(next(a for a in answers if not a.ok).reason)
    with Station.open(path, StationConfig(facility="SFO")) as station:
        kinds = [s.event.kind for s in station.journal.events_for(ITEM)]
        signatures = list(station.paths.signatures.glob("*")) if station.paths.signatures.exists() else []
    assert kinds.count(EventKind.PICKED_UP) == 1
    # The refused clerk's signature is not kept: a signature on file only when the signing clerk won.
    winner = next(a for a in answers if a.ok)
    assert len(signatures) == (2 if "signed" in winner.message else 0)  # strokes (.json) and picture (.png)


def test_a_wrong_code_is_counted_and_the_id_is_cut_to_its_last_4(tmp_path: Path) -> None:
    path = tmp_path / "station.sqlite3"
    _held(path)
    with Station.open(path, StationConfig(facility="SFO")) as station:
        desk = PickupDesk(station)
        wrong = desk.release(ITEM, id_document="passport:AB 12 34 56", code="000000", **HERE)
        assert not wrong.ok and wrong.details["tries_left"] == 2
        with station.db.reading() as conn:
            assert (
                conn.execute("SELECT wrong FROM pickup_codes WHERE item_id = ?", (ITEM,)).fetchone()[0] == 1
            )
    assert IdDocument.parse("passport:AB 12 34 56") == IdDocument("passport", "3456")
    for bad in ("passport", "passport:12", "library-card:12345"):
        try:
            IdDocument.parse(bad)
        except IdRefused:
            continue
        raise AssertionError(f"{bad!r} was taken")
