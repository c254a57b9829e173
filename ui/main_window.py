"""The station window: mode list on the left, the scan banner on top, device states in the status bar."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hardware.printers.spooler import SpoolEvent
from hardware.protocols import DeviceState, DeviceStatus, RawScan
from ui.context import AppContext
from ui.modes.base import Mode
from ui.modes.carrier import CarrierMode
from ui.modes.counter import CounterMode
from ui.modes.depot import DepotMode
from ui.modes.devices import DevicesMode
from ui.modes.track import TrackMode

MODES = (CounterMode, DepotMode, CarrierMode, TrackMode, DevicesMode)


class MainWindow(QMainWindow):
    """Switch screens with F1-F5 or the list; every scan goes to the screen that is showing."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Parcel Station - {ctx.facility} ({ctx.station.station_id})")
        self.resize(1100, 760)
        self.modes: dict[str, Mode] = {}
        self.stack = QStackedWidget()
        self.menu = QListWidget()
        self.menu.setMaximumWidth(170)
        self.menu.setStyleSheet("font-size:18px")
        for i, mode_class in enumerate(MODES):
            mode = mode_class(ctx)
            self.modes[mode.name] = mode
            self.stack.addWidget(mode)
            self.menu.addItem(f"F{i + 1}  {mode.title}")
            QShortcut(QKeySequence(f"F{i + 1}"), self, lambda i=i: self.menu.setCurrentRow(i))
        self.menu.currentRowChanged.connect(self._switch)
        right = QVBoxLayout()
        right.addWidget(ctx.feedback.banner)
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
        self.statusBar().addPermanentWidget(self.printer_label)
        ctx.bridge.scanned.connect(self.on_device_scan)
        ctx.bridge.status.connect(self.on_device_status)
        ctx.bridge.printer.connect(self.on_printer)
        ctx.bridge.error.connect(self.on_device_error)
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
        self.stack.setCurrentIndex(row)
        self.current.activated()

    def on_scan(self, text: str) -> None:
        """A keyboard-wedge scan."""
        self.current.handle_scan(text)

    def on_device_scan(self, scan: RawScan) -> None:
        """A serial, network or camera scan."""
        self.current.handle_scan(scan.data.decode("utf-8", "replace"))

    def on_device_status(self, status: DeviceStatus) -> None:
        """Each device's state in the status bar."""
        label = self.device_labels.get(status.source)
        if label is None:
            label = self.device_labels[status.source] = QLabel()
            self.statusBar().addWidget(label)
        ok = status.state is DeviceState.CONNECTED
        label.setText(f"{status.source.split('?')[0]}: {status.state}")
        label.setToolTip(status.detail)
        label.setStyleSheet("" if ok else "color:#b3261e;font-weight:bold")

    def on_printer(self, event: SpoolEvent) -> None:
        """Printed, or why not."""
        self.printer_label.setText(("printer: " if event.printed else "PRINTER: ") + event.message[:80])
        self.printer_label.setStyleSheet("" if event.printed else "color:#b3261e;font-weight:bold")

    def on_device_error(self, message: str) -> None:
        """A device problem the operator should see."""
        self.statusBar().showMessage(message, 8000)
