"""The track desk: look-ups of any id as typed, notes and disputes on ids the station knows."""

from __future__ import annotations

from station.desks.scan import ScanDesk
from station.desks.track import TrackDesk
from station.model.events import EventKind

WHERE = {"facility": "CS", "operator": "cat"}


def test_a_look_up_reads_the_id_as_typed_and_unknown_ids_say_why(desk: ScanDesk) -> None:
    track = TrackDesk(desk.station)
    desk.record("RR473124829GB", EventKind.ACCEPTANCE, facility="NYC", operator="ann")
    found = track.look_up(" rr 473124829 gb ")
    assert found.ok and found.id == "RR473124829GB" and found.expected is not None
    unknown = track.look_up("RR473124828GB")
    assert not unknown.ok and "check digit" in unknown.why_unknown
    assert unknown.to_json() == {"id": "RR473124828GB", "status": None, "error": "unknown id"}


def test_notes_and_disputes_go_on_known_ids_only(desk: ScanDesk) -> None:
    track = TrackDesk(desk.station)
    assert not track.note("RR473124829GB", "called", **WHERE).ok  # never scanned here
    desk.record("RR473124829GB", EventKind.ACCEPTANCE, facility="NYC", operator="ann")
    assert not track.note("RR473124829GB", "   ", **WHERE).ok
    assert not track.dispute("RR473124829GB", "x" * 501, **WHERE).ok
    saved = track.dispute("RR473124829GB", "customer says  not delivered", **WHERE)
    assert saved.ok and saved.stored is not None and saved.stored.event.note == "customer says not delivered"
    report = track.look_up("RR473124829GB").report
    assert report is not None and [h.event.kind for h in report.history][-1] is EventKind.DISPUTE
