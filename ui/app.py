"""The composition root: settings -> Station -> devices by URL -> workers -> MainWindow."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication

from hardware.printers.setup import transport_for
from hardware.printers.spooler import Spooler
from hardware.registry import WEDGE_FORM, open_camera, open_scale, open_scanner
from hardware.urls import DeviceUrl, DeviceUrlError
from station.app import Station
from station.printing.profiles import ProfileError
from station.printing.queue import PrintQueue
from ui.background import Background
from ui.bridge import DeviceBridge
from ui.context import AppContext, Feedback
from ui.main_window import MainWindow
from ui.sounds import Sounds
from ui.wedge import WedgeFilter
from ui.widgets.scan_banner import ScanBanner

log = logging.getLogger(__name__)


@dataclass
class StationApp:
    """Everything the window runs on; `close()` stops devices and threads in order."""

    ctx: AppContext
    window: MainWindow
    wedge: WedgeFilter
    devices: list[Any] = field(default_factory=list)

    def close(self) -> None:
        """Stop devices, spoolers, the I/O thread, then the database."""
        for device in self.devices:
            device.stop()
        for spooler in self.ctx.spoolers.values():
            spooler.stop()
        self.ctx.background.stop()
        self.ctx.station.close()


def build(station: Station, *, start_devices: bool = True, sounds: bool = True) -> StationApp:
    """Create the window (QApplication must exist)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "create the QApplication first"
    bridge = DeviceBridge()
    feedback = Feedback(ScanBanner(), Sounds(enabled=sounds))
    ctx = AppContext(station, Background(), bridge, feedback)
    window = MainWindow(ctx)
    wedge_url = DeviceUrl.parse("wedge:", WEDGE_FORM)
    if station.config.devices.scanner.startswith("wedge:"):
        try:
            wedge_url = DeviceUrl.parse(station.config.devices.scanner, WEDGE_FORM)
        except DeviceUrlError as exc:
            bridge.on_error(f"scanner: {exc} (fix it on the Devices screen)")
    wedge = WedgeFilter(
        max_gap_ms=wedge_url.float_param("gap_ms", 35), min_length=wedge_url.int_param("min_length", 4)
    )
    wedge.scanned.connect(window.on_scan)
    app.installEventFilter(wedge)
    result = StationApp(ctx, window, wedge)
    PrintQueue(station.db).recover_after_crash()
    if start_devices:
        _start_devices(result)
    return result


def _start_devices(app: StationApp) -> None:
    ctx, devices = app.ctx, app.ctx.station.config.devices
    bridge = ctx.bridge
    for printer in {devices.printer, devices.receipt_printer}:
        try:
            spooler = Spooler(ctx.queue, printer, transport_for(ctx.station, printer), bridge.on_printer)
        except (DeviceUrlError, ProfileError) as exc:
            bridge.on_error(f"printer: {exc}")
            continue
        spooler.start()
        ctx.spoolers[printer] = spooler
    try:
        scanner = open_scanner(devices.scanner, bridge.on_scan, bridge.on_status, bridge.on_error)
        if scanner is not None:
            scanner.start()
            app.devices.append(scanner)
        scale = open_scale(devices.scale, bridge.on_weight, bridge.on_status)
        scale.start()
        app.devices.append(scale)
        camera = open_camera(
            devices.camera,
            bridge.on_scan,
            bridge.on_status,
            bridge.on_frame,
            cache_dir=ctx.station.paths.cache,
        )
        if camera is not None:
            camera.start()
            app.devices.append(camera)
    except DeviceUrlError as exc:
        bridge.on_error(f"device settings: {exc} (fix it on the Devices screen)")


def run(args: argparse.Namespace, station: Station, qt_args: list[str] | None = None) -> int:
    """Open the window and run until it is closed (or take screenshots and exit)."""
    qt_app = QApplication.instance() or QApplication(["station", *(qt_args or [])])
    assert isinstance(qt_app, QApplication)
    screenshots = getattr(args, "screenshots", None)
    app = build(station, start_devices=not screenshots, sounds=not screenshots)

    def on_unexpected(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        # A slot that raised: the traceback goes to the log, the operator gets one line.
        log.error("unexpected error in the window", exc_info=(kind, value, tb))
        app.ctx.feedback.bad(f"unexpected error: {value} (details in the station log)")

    sys.excepthook = on_unexpected
    try:
        if screenshots:
            from ui.screenshots import take_screenshots

            take_screenshots(app, Path(screenshots))
            return 0
        app.window.show()
        return qt_app.exec()
    finally:
        app.close()
