"""Times a person reads are the station's local time with its zone (issue 31, item 10): a case's due
time and notes, a fraud alert's time are stored as UTC text and shown in the station's zone."""

from __future__ import annotations

from station.model.localtime import shown_text


def test_stored_utc_text_is_shown_in_the_stations_zone_with_its_abbreviation() -> None:
    assert shown_text("2026-10-02T01:30:00+00:00", "America/New_York") == "2026-10-01 21:30 EDT"
    assert shown_text("2026-12-02T01:30:00.000000+00:00", "America/New_York") == "2026-12-01 20:30 EST"
    assert shown_text("2026-12-02T01:30:00+00:00", "Asia/Tokyo", seconds=True) == "2026-12-02 10:30:00 JST"


def test_text_that_is_no_aware_time_is_shown_as_written() -> None:
    assert shown_text("soon", "America/New_York") == "soon"
    assert shown_text("2026-11-02T01:30:00", "America/New_York") == "2026-11-02T01:30:00"
