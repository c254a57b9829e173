"""`station gui --screenshots DIR`: every screen on demo data, as PNG files (the README shows them)."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from station.demo import fill_demo_day
from ui.app import StationApp
from ui.modes.carrier import CarrierMode
from ui.modes.counter import CounterMode
from ui.modes.depot import DepotMode
from ui.modes.track import TrackMode


def _settle(app: StationApp, rounds: int = 30) -> None:
    for _ in range(rounds):
        QApplication.processEvents()
        if not app.ctx.background.pending():
            break
        QTest.qWait(20)


def draw_signature(pad: object) -> None:
    """A cursive-looking signature drawn with real mouse events."""
    from ui.widgets.signature_pad import SignaturePad

    assert isinstance(pad, SignaturePad)
    pad.show()
    w, h = pad.width(), pad.height()
    points = [
        QPointF(30 + t * (w - 80) / 60, h / 2 - 25 * math.sin(t / 3.2) - 10 * math.cos(t / 1.3))
        for t in range(61)
    ]
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=points[0].toPoint())
    for p in points[1:]:
        QTest.mouseMove(pad, p.toPoint())
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=points[-1].toPoint())


def take_screenshots(app: StationApp, folder: Path) -> list[Path]:
    """Fill demo data if the journal is empty, then grab each screen."""
    folder.mkdir(parents=True, exist_ok=True)
    station, window = app.ctx.station, app.window
    summary = None
    if station.journal.count() == 0:
        summary = fill_demo_day(station.db, items=400, seed=5)
    window.resize(1100, 760)
    window.show()
    saved = []
    sample = summary.sample_ids[0] if summary else None

    counter = window.show_mode("counter")
    assert isinstance(counter, CounterMode)
    counter.handle_scan("EE123456785US")
    counter.weight.setText("1.2kg")
    counter.to_zip.setText("94105")
    counter.sender_box.setPlainText("Ann Sender\n1 Main St\nNew York NY 10001")
    counter.recipient.setPlainText("Bob Müller\n2 Market St\nSan Francisco CA 94105")
    _settle(app)
    saved.append(_grab(window, folder / "counter.png"))

    depot = window.show_mode("depot")
    assert isinstance(depot, DepotMode)
    depot.destination.setText("941")
    depot.handle_scan("00106141411234567897")
    for item in ("RR473124829GB", "EE123456785US"):
        depot.handle_scan(item)
        _settle(app)
    saved.append(_grab(window, folder / "depot.png"))

    carrier = window.show_mode("carrier")
    assert isinstance(carrier, CarrierMode)
    carrier.round.addItems(["CP100000003US", "RR473124829GB"])
    carrier.select("CP100000003US")
    carrier.name_field.setText("B. Müller")
    draw_signature(carrier.pad)
    _settle(app)
    saved.append(_grab(window, folder / "carrier.png"))
    saved.append(_grab(carrier.pad, folder / "signature.png"))

    track = window.show_mode("track")
    assert isinstance(track, TrackMode)
    track.query.setText(sample or "RR473124829GB")
    track.look_up()
    _settle(app)
    saved.append(_grab(window, folder / "track.png"))

    window.show_mode("devices")
    _settle(app)
    saved.append(_grab(window, folder / "devices.png"))
    for path in saved:
        print(path)
    return saved


def _grab(widget: object, path: Path) -> Path:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path
