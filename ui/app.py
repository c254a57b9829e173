"""The composition root: settings -> Station -> devices by URL -> workers -> MainWindow."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from hardware.printers.setup import transport_for
from hardware.printers.spooler import Spooler
from hardware.registry import WEDGE_FORM, open_camera, open_scale, open_scanner
from hardware.urls import DeviceUrl, DeviceUrlError
from station.app import Station
from station.desks.setup import first_run, needs_setup
from station.printing.profiles import ProfileError
from station.printing.queue import PrintQueue
from station.resources import asset
from ui.background import Background
from ui.bridge import DeviceBridge
from ui.context import AppContext, Feedback
from ui.main_window import MainWindow
from ui.sounds import Sounds
from ui.wedge import END_KEYS_BY_SUFFIX, ENDING_KEYS, WedgeFilter
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
        """Stop the window's timers, devices, spoolers, the I/O thread, then the database."""
        for timer in (self.window.staff_watch, self.window.fit_check, self.window.idle_timer):
            timer.stop()  # none may hand the I/O thread work after it stopped
        qt_app = QApplication.instance()
        if qt_app is not None:  # the application's filters outlive the window: taken off with it (a
            # key after a signed-in window was gone restarted its deleted idle timer: a crash)
            qt_app.removeEventFilter(self.window.activity)
            qt_app.removeEventFilter(self.wedge)
        self.stop_devices()
        self.ctx.background.stop()
        self.ctx.station.close()

    def stop_devices(self) -> None:
        """Stop every device thread and spooler."""
        for device in self.devices:
            device.stop()
        self.devices.clear()
        for spooler in self.ctx.spoolers.values():
            spooler.stop()
        self.ctx.spoolers.clear()
        self.ctx.scale = None
        self.ctx.held.clear()

    def restart_devices(self) -> None:
        """The Devices screen saved new URLs: the old devices stop, the new ones start now."""
        self.stop_devices()
        _configure_wedge(self.wedge, self.ctx.station, self.ctx.bridge)
        _start_devices(self)


def build(station: Station, *, start_devices: bool = True, sounds: bool = True) -> StationApp:
    """Create the window (QApplication must exist)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication), "create the QApplication first"
    bridge = DeviceBridge()
    feedback = Feedback(ScanBanner(), Sounds(enabled=sounds))
    ctx = AppContext(station, Background(), bridge, feedback)
    window = MainWindow(ctx)
    wedge = WedgeFilter()
    _configure_wedge(wedge, station, bridge)
    wedge.scanned.connect(window.on_scan)
    wedge.stray.connect(window.on_stray_keys)
    app.installEventFilter(wedge)
    app.installEventFilter(window.activity)  # any key or click keeps the window from locking
    result = StationApp(ctx, window, wedge)
    PrintQueue(station.db).recover_after_crash()
    ctx.background.run(ctx.desks.recovery.recover, lambda lines, error: _told_after_a_stop(ctx, lines, error))
    if start_devices:
        ctx.restart_devices = result.restart_devices
        _start_devices(result)
    return result


def _told_after_a_stop(ctx: AppContext, lines: list[str] | None, error: BaseException | None) -> None:
    """What a stop left in flight, told once at the start (recovery receipts are printed by the desk)."""
    if error is not None:
        log.warning("recovery after a stop failed: %s", error)
        ctx.feedback.bad(f"could not check what a stop left in flight: {error}")
    elif lines:
        log.info("after a stop: %s", " | ".join(lines))
        ctx.feedback.bad("AFTER A STOP: " + "  ".join(lines))


def _configure_wedge(wedge: WedgeFilter, station: Station, bridge: DeviceBridge) -> None:
    """The wedge filter's timing, prefix and end key from `[devices] scanner = "wedge:?..."`."""
    url = DeviceUrl.parse("wedge:", WEDGE_FORM)
    if station.config.devices.scanner.startswith("wedge:"):
        try:
            url = DeviceUrl.parse(station.config.devices.scanner, WEDGE_FORM)
        except DeviceUrlError as exc:
            bridge.on_error(f"scanner: {exc} (fix it on the Devices screen)")
    wedge.max_gap = url.float_param("gap_ms", 35) / 1000
    # Ids are 13 characters and more (S10); short fast bursts are a quick typist, not a scanner.
    wedge.min_length = url.int_param("min_length", 8)
    wedge.prefix = url.params.get("prefix", "")
    wedge.end_keys = END_KEYS_BY_SUFFIX.get(url.params.get("suffix", "").upper(), ENDING_KEYS)


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
    for start in (_start_scanner, _start_scale, _start_camera, _start_sms, start_hub_sync):
        try:
            start(app)
        except DeviceUrlError as exc:
            bridge.on_error(f"device settings: {exc} (fix it on the Devices screen)")


def _start_scanner(app: StationApp) -> None:
    bridge = app.ctx.bridge
    scanner = open_scanner(
        app.ctx.station.config.devices.scanner, bridge.on_scan, bridge.on_status, bridge.on_error
    )
    if scanner is not None:
        scanner.start()
        app.devices.append(scanner)
        app.ctx.held["scanner"] = scanner.url.text  # what its status reports name it by


def _start_scale(app: StationApp) -> None:
    bridge = app.ctx.bridge
    scale = open_scale(app.ctx.station.config.devices.scale, bridge.on_weight, bridge.on_status)
    scale.start()
    app.devices.append(scale)
    app.ctx.held["scale"] = scale.url.text
    app.ctx.scale = scale if hasattr(scale, "command") else None


def start_hub_sync(app: StationApp, interval: float = 2.0) -> None:
    """With a hub (`[station] hub`, or --hub / $STATION_HUB resolved by `station gui`): push in the
    background, look up and check acceptances across the network. Without one the station works alone."""
    ctx = app.ctx
    dsn = ctx.station.config.hub
    if not dsn:
        return
    from hub.client import PostgresHub
    from ui.hub_sync import HubSync

    sync = HubSync(ctx.station, dsn, ctx.bridge.on_hub, interval)
    sync.start()
    app.devices.append(sync)
    # Used on the I/O thread only, with its own connection; the Insights and Fraud screens read the
    # network's events through it too.
    ctx.desks.connect_hub(PostgresHub(dsn))


def _start_sms(app: StationApp) -> None:
    """Texts go out while the window is open (the SMS service may send them too: each is claimed once)."""
    from hardware.registry import open_gateway
    from hardware.sms.sender import SmsSender
    from station.notify import outbox
    from station.notify.worker import worker_for

    station, bridge = app.ctx.station, app.ctx.bridge
    worker = worker_for(station, open_gateway(station.config.sms_gateway, sms_log=station.paths.sms_log))

    def backlog() -> outbox.Backlog:
        with station.db.reading() as conn:
            return outbox.backlog(conn, station.clock())

    sender = SmsSender(worker, backlog, bridge.on_status)
    sender.start()
    app.devices.append(sender)
    log.info("SMS: sent from the window through %s", station.config.sms_gateway.split(":")[0])


def _start_camera(app: StationApp) -> None:
    ctx = app.ctx
    camera = open_camera(
        ctx.station.config.devices.camera,
        ctx.bridge.on_camera_scan,
        ctx.bridge.on_status,
        ctx.bridge.on_frame,
        cache_dir=ctx.station.paths.cache,
    )
    if camera is None:
        log.info("camera: off")
        return
    camera.start()
    app.devices.append(camera)
    ctx.held["camera"] = camera.url.text  # the demo camera's: the clip it plays
    log.info("camera: started (%s)", camera.url.scheme)


def run(args: argparse.Namespace, station: Station, qt_args: list[str] | None = None) -> int:
    """Open the window and run until it is closed."""
    qt_app = QApplication.instance() or QApplication(["station", *(qt_args or [])])
    assert isinstance(qt_app, QApplication)
    qt_app.setDesktopFileName("parcel-station")  # the menu entry `station install-desktop` writes
    qt_app.setWindowIcon(QIcon(str(asset("desktop", "parcel-station.svg"))))
    if getattr(args, "demo", False) and station.config.devices.camera == "off:":
        # The demo camera plays a clip of parcels into every screen: only when asked for (--demo).
        station.config = replace(station.config, devices=replace(station.config.devices, camera="demo:"))
    if needs_setup(station.paths):
        set_up = _first_run(station, training=getattr(args, "demo", False))
        if set_up is None:
            return 1
        station = set_up
    app = build(station)

    def on_unexpected(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        # A slot that raised: the traceback goes to the log, the operator gets one line.
        log.error("unexpected error in the window", exc_info=(kind, value, tb))
        app.ctx.feedback.bad(f"unexpected error: {value} (details in the station log)")

    sys.excepthook = on_unexpected
    from ui.single_instance import InstanceServer

    instance = InstanceServer(station.paths.data, app.window)  # a second start brings this window forward
    try:
        app.window.show()
        # Logged once the event loop runs with the window shown: from here keys reach it.
        QTimer.singleShot(0, lambda: log.info("window ready: %s", app.window.current.name))
        return qt_app.exec()
    finally:
        instance.close()
        app.close()


def _first_run(station: Station, *, training: bool) -> Station | None:
    """The set-up window for a station that has none; the station reopened under its new settings."""
    from ui.setup_dialog import SetupDialog

    paths = station.paths
    while True:
        dialog = SetupDialog(station.config, training=training)
        if dialog.exec() != SetupDialog.DialogCode.Accepted or dialog.answers is None:
            print("station: not set up (the set-up window was closed); nothing was written", file=sys.stderr)
            station.close()
            return None
        station.close()
        outcome, opened = first_run(paths, dialog.answers)
        if outcome.ok and opened is not None:
            log.info("first run: %s", outcome.text)
            return opened
        station = opened if opened is not None else Station.at(paths, station.config)
        print(f"station: set-up refused: {outcome.text}", file=sys.stderr)
