"""The reports, the estimates and the fraud rules run network-wide on the hub's events, with the same code
as on one station: a counter sees the deliveries made at another office, and a burst of delivered scans
at that office is found from the counter; a dead hub is one line and exit 2."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from station.desks.fraud import FraudDesk
from station.desks.insights import InsightsDesk
from station.desks.scan import ScanDesk
from station.desks.sync import SyncDesk
from station.ids import S10
from station.model.events import EventKind
from tests.cli_runner import run_station
from tests.hub.conftest import Hub, hub_client, open_station


def test_the_figures_and_the_rules_are_the_networks(hub: Hub, tmp_path: Path) -> None:
    counter = open_station(tmp_path, "CTRA")
    office = open_station(tmp_path, "DLVB", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # two days later
    items = [S10.build("CP", 80_000_000 + n, "US").text for n in range(12)]
    for item in items:
        done = ScanDesk(counter).record(item, EventKind.ACCEPTANCE, facility="CTRA-COUNTER", operator="ana")
        assert done.ok, done.reason
    for item in items:
        assert (
            ScanDesk(office)
            .record(item, EventKind.OUT_FOR_DELIVERY, facility="DLVB-OFFICE", operator="max")
            .ok
        )
    for item in items:  # twelve "delivered" scans a second apart: stop-the-clock at the unit
        assert ScanDesk(office).record(item, EventKind.DELIVERED, facility="DLVB-OFFICE", operator="max").ok
    counter_hub, office_hub = hub_client(hub, "CTRA"), hub_client(hub, "DLVB")
    assert SyncDesk(counter, counter_hub).push().pushed == 12
    assert SyncDesk(office, office_hub).push().pushed == 24

    alone = InsightsDesk(counter).kpis()
    network = InsightsDesk(counter, counter_hub).kpis()
    assert alone.delivered == 0 and alone.handled_by_facility == {"CTRA-COUNTER": 12}
    assert network.delivered == 12
    assert network.handled_by_facility == {"CTRA-COUNTER": 12, "DLVB-OFFICE": 12}
    assert network.dwell_hours["CTRA-COUNTER"][2] == 12

    assert FraudDesk(counter).scan(facility="CTRA-COUNTER", operator="audit").findings == []
    found = FraudDesk(counter, counter_hub).scan(facility="CTRA-COUNTER", operator="audit")
    assert [f.rule for f in found.findings] == ["delivery-burst"] and found.new == 1
    assert found.findings[0].operator == "max" and found.findings[0].facility == "DLVB-OFFICE"
    again = FraudDesk(counter, counter_hub).scan(facility="CTRA-COUNTER", operator="audit")
    assert again.new == 0  # journalled once
    counter.close()
    office.close()


def test_a_dead_hub_is_one_line_and_exit_3(tmp_path: Path) -> None:
    dead = "host=127.0.0.1 port=9 dbname=hub user=x connect_timeout=2"
    for command in (("report", "kpis"), ("eta", "backtest"), ("fraud", "scan"), ("report", "staffing")):
        done = run_station(*command, "--hub", dead, home=tmp_path)
        assert done.returncode == 3, (command, done.stdout, done.stderr)  # a service did not answer
        assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
