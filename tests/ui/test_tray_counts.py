"""Issue 31, item 20: the tray counts the work (scans and acts), not sign-ins: "✔ 1 good" after a sign-in
and no scan once told a supervisor a parcel had been scanned."""

from __future__ import annotations

from station.desks.operators import OperatorDesk
from ui.app import StationApp

from .conftest import wait_for_banner


def test_a_sign_in_and_a_wrong_pin_are_not_counted_as_scans(qtbot, station_app: StationApp) -> None:
    ctx, window = station_app.ctx, station_app.window
    assert OperatorDesk(ctx.station).add("root", "admin", "correct horse battery").ok
    ctx.staffed = True
    window.lock()
    window._sign_in("root", "wrong horse battery")
    wait_for_banner(qtbot, station_app, 1)
    window._sign_in("root", "correct horse battery")
    wait_for_banner(qtbot, station_app, 2)
    assert ctx.feedback.banner.full_text == "✔ signed in: root (admin)"
    assert (ctx.feedback.tray.good, ctx.feedback.tray.rejected) == (0, 0)
    window.on_scan("EE123456785US")  # the first real scan: counted
    wait_for_banner(qtbot, station_app, 3)
    assert (ctx.feedback.tray.good, ctx.feedback.tray.rejected) == (1, 0)
