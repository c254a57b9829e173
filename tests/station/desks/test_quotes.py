"""Every service side by side (issue 34, item 5): each row agrees with the single quote, the cheapest and
the fastest are marked, a service that cannot take the piece says why, and the expected days come from
the learned lanes once there are some."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from station.abroad.addresses import Address
from station.app import Station
from station.config import StationConfig
from station.desks.counter import Abroad, Piece, price
from station.desks.quotes import QuotesDesk
from station.insight.estimates import TransitModel
from station.insight.history import Move, Timeline
from station.model.events import EventKind
from station.postage.rates import Dimensions

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday
PIECE = Piece(1200, "10001", "94105", "ground", ("Ann",), ("Bo Lee", "2 Elm St", "San Francisco CA 94105"))


def _station(tmp_path: Path) -> Station:
    return Station.open(
        tmp_path / "station.sqlite3", StationConfig(time_zone="America/New_York"), clock=lambda: NOW
    )


def test_each_row_agrees_with_the_single_quote_and_the_marks_are_right(tmp_path: Path) -> None:
    with _station(tmp_path) as station:
        offers = QuotesDesk(station).side_by_side(PIECE, NOW.date())
    by_service = {o.service: o for o in offers}
    assert set(by_service) == {"letter", "ground", "priority", "express"}
    assert (
        by_service["letter"].quote is None
        and "over the First-Class Letter limit" in by_service["letter"].refused
    )
    for key in ("ground", "priority", "express"):
        single = price(_as(key), NOW.date())
        offer = by_service[key]
        assert offer.quote is not None and offer.quote.total_cents == single.total_cents, key
    totals = {k: o.quote.total_cents for k, o in by_service.items() if o.quote}
    assert [o.service for o in offers if o.cheapest] == [min(totals, key=totals.__getitem__)] == ["ground"]
    assert [o.service for o in offers if o.fastest] == ["express"]  # the service standard: 1 day
    assert all(o.basis == "the service standard" for o in offers if o.quote)


def _as(service: str) -> Piece:
    return replace(PIECE, service=service)


def test_size_is_charged_in_every_row_alike(tmp_path: Path) -> None:
    boxed = replace(PIECE, dims=Dimensions.parse("12x12x13in"))  # 12 lb of size
    with _station(tmp_path) as station:
        offers = QuotesDesk(station).side_by_side(boxed, NOW.date())
    assert {o.quote.billed_weight_g for o in offers if o.quote} == {5444}


def test_learned_lanes_give_the_days_and_can_make_a_slower_service_the_fastest(tmp_path: Path) -> None:
    # This network's ground parcels from 100xx to 941xx arrive next day; its priority ones in 3 days.
    lines = []
    for n in range(40):
        accepted = NOW - timedelta(days=7 + n % 14)
        for service, days in (("ground", 1), ("priority", 3), ("express", 2)):
            lines.append(
                Timeline(
                    f"X{n}{service}",
                    [
                        Move(EventKind.ACCEPTANCE, "NYC", "S1", "ann", accepted),
                        Move(EventKind.DELIVERED, "SFO", "S2", "joe", accepted + timedelta(days=days)),
                    ],
                    service=service,
                    origin_zip="10001",
                    destination_zip="94105",
                    accepted_at=accepted,
                )
            )
    with _station(tmp_path) as station:
        model = TransitModel()
        assert model.learn(lines) == 120
        with station.db.transaction() as conn:
            model.save(conn, NOW)
        offers = {o.service: o for o in QuotesDesk(station).side_by_side(PIECE, NOW.date())}
    assert offers["ground"].basis.startswith("lane 100 to 941")
    assert offers["ground"].expected is not None and offers["priority"].expected is not None
    assert offers["ground"].expected < offers["priority"].expected
    assert offers["ground"].fastest and offers["ground"].cheapest and not offers["express"].fastest


def test_abroad_each_product_is_priced_and_none_is_forecast(tmp_path: Path) -> None:
    berlin = Address("DE", "Max Muster", "Hauptstr. 5", "Berlin", "", "", "10115")
    piece = replace(PIECE, to_zip="", abroad=Abroad(berlin, "parcel"), service="parcel")
    with _station(tmp_path) as station:
        offers = QuotesDesk(station).side_by_side(piece, NOW.date())
    priced = [o for o in offers if o.quote is not None]
    assert len(priced) >= 2 and all(o.expected is None and not o.fastest for o in offers)
    assert sum(o.cheapest for o in offers) == 1
