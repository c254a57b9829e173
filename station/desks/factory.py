"""Every desk of one station, each made once on first use, wired to the others and to the hub.

The window and every `station` command get their desks here, so a desk is wired in one place: the
depot and the carrier record through the one scan desk, the basket accepts through the counter, customer
service looks up through the tracker, and every desk that reads the network reads the same hub. Each
desk's module is imported when the desk is first asked for: `station track` does not load the charts.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from station.app import Station
from station.network.port import HubPort

if TYPE_CHECKING:
    from station.desks.basket import BasketDesk
    from station.desks.carrier import CarrierDesk
    from station.desks.cases import CaseDesk
    from station.desks.counter import CounterDesk
    from station.desks.customs import CustomsDesk
    from station.desks.depot import DepotDesk
    from station.desks.dropoff import DropoffDesk
    from station.desks.estimates import EstimatesDesk
    from station.desks.fraud import FraudDesk
    from station.desks.history import HistoryDesk
    from station.desks.insights import InsightsDesk
    from station.desks.operators import OperatorDesk
    from station.desks.pickup import PickupDesk
    from station.desks.printing import PrintDesk
    from station.desks.quotes import QuotesDesk
    from station.desks.recovery import RecoveryDesk
    from station.desks.scan import ScanDesk
    from station.desks.senders import SendersDesk
    from station.desks.suspense import SuspenseDesk
    from station.desks.till import TillDesk
    from station.desks.track import TrackDesk
    from station.desks.voids import VoidDesk


class Desks:
    """The desks of `station`, with `hub` (None: a station on its own)."""

    def __init__(self, station: Station, hub: HubPort | None = None) -> None:
        self.station = station
        self._hub = hub

    @property
    def hub(self) -> HubPort | None:
        """The hub every desk that reads the network uses."""
        return self._hub

    def connect_hub(self, hub: HubPort) -> None:
        """Use `hub` from now on, in the desks made already and in those made later."""
        self._hub = hub
        made = self.__dict__
        for name in ("scan", "counter", "depot", "track", "insights", "fraud", "estimates"):
            if name in made:
                made[name].hub = hub
        if "cases" in made:
            self.cases.tracker.hub = hub

    @cached_property
    def scan(self) -> ScanDesk:
        from station.desks.scan import ScanDesk

        return ScanDesk(self.station, self._hub)

    @cached_property
    def counter(self) -> CounterDesk:
        from station.desks.counter import CounterDesk

        return CounterDesk(self.station, self._hub)

    @cached_property
    def depot(self) -> DepotDesk:
        from station.desks.depot import DepotDesk

        return DepotDesk(self.station, self.scan, self._hub)

    @cached_property
    def senders(self) -> SendersDesk:
        from station.desks.senders import SendersDesk

        return SendersDesk(self.station)

    @cached_property
    def dropoff(self) -> DropoffDesk:
        from station.desks.dropoff import DropoffDesk

        return DropoffDesk(self.station, self.scan)

    @cached_property
    def quotes(self) -> QuotesDesk:
        from station.desks.quotes import QuotesDesk

        return QuotesDesk(self.station)

    @cached_property
    def pickup(self) -> PickupDesk:
        from station.desks.pickup import PickupDesk

        return PickupDesk(self.station, self.scan)

    @cached_property
    def carrier(self) -> CarrierDesk:
        from station.desks.carrier import CarrierDesk

        return CarrierDesk(self.station, self.scan)

    @cached_property
    def track(self) -> TrackDesk:
        from station.desks.track import TrackDesk

        return TrackDesk(self.station, self._hub)

    @cached_property
    def printing(self) -> PrintDesk:
        from station.desks.printing import PrintDesk

        return PrintDesk(self.station)

    @cached_property
    def operators(self) -> OperatorDesk:
        from station.desks.operators import OperatorDesk

        return OperatorDesk(self.station)

    @cached_property
    def baskets(self) -> BasketDesk:
        from station.desks.basket import BasketDesk

        return BasketDesk(self.station, self.counter)

    @cached_property
    def voids(self) -> VoidDesk:
        from station.desks.voids import VoidDesk

        return VoidDesk(self.station)

    @cached_property
    def till(self) -> TillDesk:
        from station.desks.till import TillDesk

        return TillDesk(self.station)

    @cached_property
    def recovery(self) -> RecoveryDesk:
        from station.desks.recovery import RecoveryDesk

        return RecoveryDesk(self.station)

    @cached_property
    def suspense(self) -> SuspenseDesk:
        from station.desks.suspense import SuspenseDesk

        return SuspenseDesk(self.station)

    @cached_property
    def cases(self) -> CaseDesk:
        from station.desks.cases import CaseDesk

        return CaseDesk(self.station, self._hub)

    @cached_property
    def fraud(self) -> FraudDesk:
        from station.desks.fraud import FraudDesk

        return FraudDesk(self.station, self._hub)

    @cached_property
    def insights(self) -> InsightsDesk:
        from station.desks.insights import InsightsDesk

        return InsightsDesk(self.station, self._hub)

    @cached_property
    def estimates(self) -> EstimatesDesk:
        from station.desks.estimates import EstimatesDesk

        return EstimatesDesk(self.station, self._hub)

    @cached_property
    def history(self) -> HistoryDesk:
        from station.desks.history import HistoryDesk

        return HistoryDesk(self.station)

    @cached_property
    def customs(self) -> CustomsDesk:
        from station.desks.customs import CustomsDesk

        return CustomsDesk(self.station)
