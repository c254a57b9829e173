"""Issue 31, items 10 and 20: the test print carries no real-looking tracking number, and its time is the
station's local time with its zone (it said tomorrow's UTC date after 7 pm in New York)."""

from __future__ import annotations

from dataclasses import replace

from station.app import Station
from station.desks.printing import PrintDesk
from station.ids.scanning import Rejected, classify
from station.printing.queue import PrintQueue
from tests.renderers import ZplRenderer, decode


def test_the_test_print_scans_as_no_item_and_is_dated_in_local_time(station: Station) -> None:
    station.config = replace(station.config, time_zone="America/New_York")
    done = PrintDesk(station).test_print()
    assert done.ok
    job = PrintQueue(station.db).get(done.details["job"])
    assert job is not None
    renderer = ZplRenderer()
    try:
        image = renderer.render(job.payload, 2, 1, 203)[0]
    finally:
        renderer.close()
    [(_format, _aim, data)] = decode(image)
    assert data == b"TEST-PRINT" and isinstance(classify(data.decode()), Rejected)  # no item's id
    assert b"2026-11-02 04:0" in job.payload and b"EST" in job.payload  # 09:0x UTC is 04:0x in New York
