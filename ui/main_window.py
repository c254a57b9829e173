"""The station window: screen list on the left, the scan banner and reject tray on top, device states
in the status bar. Hotkeys come from `ui.keymap` (F1 shows them)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hardware.printers.spooler import SpoolEvent
from hardware.protocols import DeviceState, DeviceStatus, RawScan
from station.desks.sync import SyncReport
from ui.context import AppContext
from ui.keymap import ALL, action_for, for_screen, keys
from ui.modes.base import Mode
from ui.modes.carrier import CarrierMode
from ui.modes.counter import CounterMode
from ui.modes.depot import DepotMode
from ui.modes.devices import DevicesMode
from ui.modes.track import TrackMode

MODES = (CounterMode, DepotMode, CarrierMode, TrackMode, DevicesMode)
FIRST_SCREEN_KEY = 2  # F2 is the first screen: F1 is the key map


class MainWindow(QMainWindow):
    """Switch screens with F2-F6 or the list; every scan goes to the screen that is showing."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Parcel Station - {ctx.facility} ({ctx.station.station_id})")
        self.resize(1100, 760)
        self.modes: dict[str, Mode] = {}
        self.stack = QStackedWidget()
        self.menu = QListWidget()
        self.menu.setFixedWidth(150)  # every screen keeps the same width: nothing moves when switching
        self.menu.setStyleSheet("font-size:18px")
        for i, mode_class in enumerate(MODES):
            mode = mode_class(ctx)
            # A screen's tables and lists never widen the window: every screen has the same layout.
            mode.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.modes[mode.name] = mode
            self.stack.addWidget(mode)
            self.menu.addItem(f"F{i + FIRST_SCREEN_KEY}  {mode.title}")
        self.menu.addItem("F1  Keys")
        self.shortcuts = [QShortcut(QKeySequence(key), self, lambda k=key: self.hotkey(k)) for key in keys()]
        self.menu.currentRowChanged.connect(self._switch)
        right = QVBoxLayout()
        right.addWidget(ctx.feedback.banner)
        right.addWidget(ctx.feedback.tray)
        right.addWidget(self.stack, 1)
        body = QHBoxLayout()
        body.addWidget(self.menu)
        body.addLayout(right, 1)
        body.addWidget(ctx.preview)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)
        self.device_labels: dict[str, QLabel] = {}
        self.printer_label = QLabel("printer: idle")
        self.camera_label = QLabel("")
        for label in (self.printer_label, self.camera_label):  # a long status never widens the window
            label.setMaximumWidth(460)
        self.hub_label = QLabel("")
        self.hub_label.setMaximumWidth(360)
        self.statusBar().addPermanentWidget(self.hub_label)
        self.statusBar().addPermanentWidget(self.camera_label)
        self.statusBar().addPermanentWidget(self.printer_label)
        ctx.bridge.scanned.connect(self.on_device_scan)
        ctx.bridge.camera_scanned.connect(self.on_camera_scan)
        ctx.bridge.status.connect(self.on_device_status)
        ctx.bridge.printer.connect(self.on_printer)
        ctx.bridge.error.connect(self.on_device_error)
        ctx.bridge.hub.connect(self.on_hub)
        self.key_map: QDialog | None = None
        self.menu.setCurrentRow(0)

    def show_mode(self, name: str) -> Mode:
        """Bring a screen to the front."""
        self.menu.setCurrentRow(list(self.modes).index(name))
        return self.modes[name]

    @property
    def current(self) -> Mode:
        """The screen showing."""
        widget = self.stack.currentWidget()
        assert isinstance(widget, Mode)
        return widget

    def _switch(self, row: int) -> None:
        if row >= len(self.modes):  # the "Keys" entry
            self.menu.setCurrentRow(self.stack.currentIndex())
            self.show_key_map()
            return
        self.stack.setCurrentIndex(row)
        mode = self.current
        self.ctx.feedback.idle(f"{mode.title}: {mode.hint}   (F1: keys)")
        mode.activated()
        mode.focus_scan_target()

    def hotkey(self, key: str) -> None:
        """A key of the key map: the showing screen's action for it, else the window's."""
        mode = self.current
        found = action_for(key, mode.name)
        if found is None:
            return
        target: object = self if found.screen == ALL else mode
        getattr(target, found.action)()
        if found.screen != ALL:
            mode.focus_scan_target()

    def go_counter(self) -> None:
        """F2."""
        self.show_mode("counter")

    def go_depot(self) -> None:
        """F3."""
        self.show_mode("depot")

    def go_carrier(self) -> None:
        """F4."""
        self.show_mode("carrier")

    def go_track(self) -> None:
        """F5."""
        self.show_mode("track")

    def go_devices(self) -> None:
        """F6."""
        self.show_mode("devices")

    def show_key_map(self) -> None:
        """F1: the keys of the screen showing, from the one key table."""
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Keys - {self.current.title}")
        rows = for_screen(self.current.name)
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Key", "Does"])
        for row, hotkey in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(hotkey.key))
            table.setItem(row, 1, QTableWidgetItem(hotkey.words))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Esc closes this list"))
        layout.addWidget(table)
        dialog.resize(520, 560)
        self.key_map = dialog
        dialog.finished.connect(lambda _: self.back_from_dialog())
        dialog.open()

    def back_from_dialog(self) -> None:
        """A dialog closed: the window takes the keys again (without a window manager nobody else
        activates it, and its hotkeys would stay dead)."""
        self.activateWindow()
        self.current.focus_scan_target()

    def toggle_camera(self) -> None:
        """F11: camera scans are ignored while paused (the camera keeps running, so it resumes at once)."""
        self.ctx.camera_paused = not self.ctx.camera_paused
        paused = self.ctx.camera_paused
        self.camera_label.setText("CAMERA PAUSED (F11)" if paused else "")
        self.camera_label.setStyleSheet("color:#b3261e;font-weight:bold" if paused else "")
        self.ctx.feedback.idle("camera paused: F11 resumes it" if paused else "camera on")

    def acknowledge_rejects(self) -> None:
        """F12."""
        self.ctx.feedback.acknowledge()

    def on_scan(self, text: str) -> None:
        """A keyboard-wedge scan."""
        self.current.handle_scan(text)

    def on_device_scan(self, scan: RawScan) -> None:
        """A serial or network scan."""
        self.current.handle_scan(scan.data.decode("utf-8", "replace"))

    def on_camera_scan(self, scan: RawScan) -> None:
        """A camera scan, unless the camera is paused (F11)."""
        if not self.ctx.camera_paused:
            self.current.handle_scan(scan.data.decode("utf-8", "replace"))

    def on_device_status(self, status: DeviceStatus) -> None:
        """Each device's state in the status bar."""
        label = self.device_labels.get(status.source)
        if label is None:
            label = self.device_labels[status.source] = QLabel()
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(160)
            self.statusBar().addWidget(label)
        ok = status.state is DeviceState.CONNECTED
        label.setText(f"{status.source.split('?')[0]}: {status.state}")
        label.setToolTip(status.detail)
        label.setStyleSheet("" if ok else "color:#b3261e;font-weight:bold")

    def on_printer(self, event: SpoolEvent) -> None:
        """Printed, or why not."""
        self.printer_label.setText(("printer: " if event.printed else "PRINTER: ") + event.message[:80])
        self.printer_label.setStyleSheet("" if event.printed else "color:#b3261e;font-weight:bold")

    def on_hub(self, report: SyncReport) -> None:
        """The hub's state after each background push."""
        self.hub_label.setText(report.status(self.ctx.station.config.time_zone))
        self.hub_label.setToolTip(report.problem or "")
        bad = report.refused or not report.online
        self.hub_label.setStyleSheet("color:#b3261e;font-weight:bold" if bad else "")

    def on_device_error(self, message: str) -> None:
        """A device problem the operator should see."""
        self.statusBar().showMessage(message, 8000)
