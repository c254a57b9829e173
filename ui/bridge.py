"""Device callbacks (called on driver threads) turned into Qt signals for the GUI thread.

Drivers in `hardware/` know nothing of Qt; they are given this bridge's emit methods as callbacks.
Emitting from a driver thread queues the signal to receivers living in the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from hardware.camera.capture import FrameResult
from hardware.printers.spooler import SpoolEvent
from hardware.protocols import DeviceStatus, RawScan, WeightReading


class DeviceBridge(QObject):
    """One object the window listens to for everything devices say."""

    scanned = Signal(object)  # RawScan
    camera_scanned = Signal(object)  # RawScan from the camera (F11 pauses these)
    status = Signal(object)  # DeviceStatus
    weight = Signal(object)  # WeightReading
    frame = Signal(object)  # FrameResult
    printer = Signal(object)  # SpoolEvent
    error = Signal(str)
    hub = Signal(object)  # SyncReport

    def on_scan(self, scan: RawScan) -> None:
        """Driver callback."""
        self.scanned.emit(scan)

    def on_camera_scan(self, scan: RawScan) -> None:
        """Camera callback."""
        self.camera_scanned.emit(scan)

    def on_status(self, status: DeviceStatus) -> None:
        """Driver callback."""
        self.status.emit(status)

    def on_weight(self, reading: WeightReading) -> None:
        """Driver callback."""
        self.weight.emit(reading)

    def on_frame(self, result: FrameResult) -> None:
        """Camera callback (the preview drops frames it cannot show in time)."""
        self.frame.emit(result)

    def on_printer(self, event: SpoolEvent) -> None:
        """Spooler callback."""
        self.printer.emit(event)

    def on_hub(self, report: object) -> None:
        """Hub sync callback."""
        self.hub.emit(report)

    def on_error(self, message: str) -> None:
        """Driver callback."""
        self.error.emit(message)
