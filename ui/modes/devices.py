"""Devices: set scanner, camera, scale and printer URLs, test each, save to the settings file."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QImage, QPainter, QPen, QPixmap, QPolygon
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from hardware.camera.capture import FrameResult
from hardware.printers.spooler import SpoolEvent
from hardware.protocols import DeviceStatus, WeightReading
from hardware.registry import Role, parse
from hardware.urls import DeviceUrlError
from station.config import save_config
from station.demo.day import fill_demo_day
from station.desks.doctor import DoctorDesk
from station.desks.outcome import Outcome
from station.doctor import Report
from station.printing.profiles import profiles
from ui.background import Background
from ui.context import AppContext
from ui.modes.base import Mode
from ui.probes import every_probe as probes
from ui.progress import run_with_progress

FIELDS = {
    "scanner": Role.SCANNER,
    "camera": Role.CAMERA,
    "scale": Role.SCALE,
    "printer": Role.PRINTER,
    "receipt_printer": Role.PRINTER,
}
log = logging.getLogger(__name__)
PROFILES = {"printer_profile": "label", "receipt_printer_profile": "receipt"}


class DevicesMode(Mode):
    """Device settings and live tests."""

    name, title = "devices", "Devices"
    hint = "set each device's URL, then Check and save (the devices restart at once)"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.fields: dict[str, QLineEdit] = {}
        self.states: dict[str, QLabel] = {}
        form = QFormLayout()
        for name in FIELDS:
            edit = QLineEdit(getattr(ctx.station.config.devices, name))
            state = QLabel("")
            row = QHBoxLayout()
            row.addWidget(edit)
            row.addWidget(state)
            form.addRow(name.replace("_", " "), row)
            self.fields[name], self.states[name] = edit, state
        self.profiles: dict[str, QComboBox] = {}
        for name, kind in PROFILES.items():
            combo = QComboBox()
            combo.addItems([p.name for p in profiles().values() if p.kind == kind])
            combo.setCurrentText(getattr(ctx.station.config.devices, name))
            form.addRow(name.replace("_", " "), combo)
            self.profiles[name] = combo
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.weight = QLabel("scale: —")
        self.preview = QLabel("camera preview")
        self.preview.setMinimumSize(480, 270)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background:#222;color:#ccc")
        save = QPushButton("Check and save")
        save.clicked.connect(self.save)
        test_print = QPushButton("Test print")
        test_print.clicked.connect(self.test_print)
        demo = QPushButton("Load a demo day (3,000 items)")
        demo.clicked.connect(lambda: self.load_demo())  # noqa: PLW0108 (clicked passes a bool)
        batch = QPushButton("Print a CSV batch...")
        batch.clicked.connect(lambda: self.print_batch())  # noqa: PLW0108 (clicked passes a bool)
        check = QPushButton("Check the station (doctor)")
        check.clicked.connect(lambda: self.run_doctor())  # noqa: PLW0108 (clicked passes a bool)
        self.doctor_button = check
        self.doctor_thread: Background | None = None
        self.live: dict[str, DeviceStatus] = {}
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addWidget(check)
        buttons.addWidget(test_print)
        buttons.addWidget(demo)
        buttons.addWidget(batch)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.weight)
        layout.addWidget(self.preview)
        ctx.bridge.status.connect(self.on_status)
        ctx.bridge.printer.connect(self.on_printer)
        ctx.bridge.weight.connect(self.on_weight)
        ctx.bridge.frame.connect(self.on_frame)
        self.saved_to: str | None = None

    def focus_scan_target(self) -> None:
        """The first device field, unless one is being edited."""
        if not any(edit.hasFocus() for edit in self.fields.values()):
            self.fields["scanner"].setFocus()

    def handle_scan(self, raw: str) -> None:
        """Scanning here tests the scanner."""
        self.ctx.feedback.good(f"scanner works: {raw[:60]!r}")

    def save(self) -> None:
        """Check every URL, then write the settings file; a bad URL is named and nothing is saved."""
        values = {name: combo.currentText() for name, combo in self.profiles.items()}
        for name, edit in self.fields.items():
            try:
                parse(FIELDS[name], edit.text())
            except DeviceUrlError as exc:
                self.message.setText(f"{name}: {exc}")
                self.message.setStyleSheet("color:#b3261e")
                return
            values[name] = edit.text().strip()
        config = replace(self.ctx.station.config, devices=replace(self.ctx.station.config.devices, **values))
        save_config(config, self.ctx.station.paths.config_file)
        self.ctx.station.config = config
        if self.ctx.restart_devices is not None:
            self.ctx.restart_devices()
            self.message.setText("saved; the devices were restarted with these settings")
        else:
            self.message.setText("saved")
        self.message.setStyleSheet("color:#1b7f3b")

    def test_print(self) -> None:
        """A small test tag to the printer in the field (saved or not)."""
        printer, desk = self.fields["printer"].text().strip(), self.ctx.printing
        self.ctx.background.run(lambda: desk.test_print(printer), self._queued)

    def _queued(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.message.setText(f"test print not queued: {error}")
            return
        self.ctx.wake_printer(self.fields["printer"].text().strip())
        self.message.setText(outcome.text)

    def load_demo(self, items: int = 3000, *, confirmed: bool = False) -> None:
        """Long work: a demo day written on the I/O thread, with progress and Cancel (rolls back). Made-up
        items go into this station's real journal, where nothing can be removed: asked first, No by
        default."""
        if not confirmed:
            answer = QMessageBox.question(
                self,
                "Load a demo day?",
                f"This writes {items:,} made-up items into THIS station's journal. Journal events can"
                " never be removed, and they will show in tracking and reports. Only do this on a"
                " training station.\n\nWrite the demo day?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            self.back_from_dialog()
            if answer != QMessageBox.StandardButton.Yes:
                self.message.setText("demo day not written")
                return
        db = self.ctx.station.db
        self.demo_progress = run_with_progress(
            self,
            self.ctx.background,
            "Writing a demo day into the journal...",
            items,
            lambda report: fill_demo_day(db, items=items, progress=report),
            self._long_work_done,
        )

    def print_batch(self, csv_path: str | None = None) -> None:
        """Long work: one label per CSV row (tracking,from,to[,service,weight,...]) to the printer."""
        if csv_path is None:
            csv_path, _ = QFileDialog.getOpenFileName(self, "Labels to print", "", "CSV (*.csv)")
            if not csv_path:
                return
        path, printer, desk = Path(csv_path), self.fields["printer"].text().strip(), self.ctx.printing
        self.batch_progress = run_with_progress(  # the size is known once the desk has read the file
            self,
            self.ctx.background,
            f"Queuing the labels of {path.name}...",
            0,
            lambda report: desk.batch(path, printer, report),
            self._long_work_done,
        )

    def _long_work_done(self, result: object, error: BaseException | None) -> None:
        text = result.text if isinstance(result, Outcome) else str(result)
        self.message.setText(f"stopped: {error}" if error else text)
        self.ctx.wake_printer(self.fields["printer"].text().strip())

    def on_status(self, status: DeviceStatus) -> None:
        """Each device's state on its own row: matched by the role the window runs it as, never by its
        URL (a demo scale's "demo:" once lit the printers' rows too)."""
        for role, source in self.ctx.held.items():
            if status.source == source:
                self.live[role] = status
                if role in self.states:
                    self.states[role].setText(f"{status.state} {status.detail}"[:60])

    def on_printer(self, event: SpoolEvent) -> None:
        """A printer's last job on the row (or rows: one printer for labels and receipts) of its URL."""
        said = "ready: " + event.message if event.printed else "NOT PRINTING: " + event.message
        for name in ("printer", "receipt_printer"):
            if self.fields[name].text().strip() == event.printer:
                self.states[name].setText(said[:60])
                self.states[name].setStyleSheet("" if event.printed else "color:#b3261e;font-weight:bold")

    def run_doctor(self) -> None:
        """Every check `station doctor` makes, on its own thread; the verdicts listed here."""
        paths = self.ctx.station.paths
        live = {  # each held device's latest state (None: it has not reported since it was started)
            role: status if (status := self.live.get(role)) is not None and status.source == source else None
            for role, source in self.ctx.held.items()
        }
        self.doctor_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText("checking the station ...")
        desk = DoctorDesk(paths, lambda config, where: probes(config, where, live))
        # Its own thread: the checks wait on device timeouts, and the scans' I/O thread must not.
        self.doctor_thread = Background(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.doctor_thread.stop)
        self.doctor_thread.run(desk.examine, self._examined)

    def _examined(self, report: Report | None, error: BaseException | None) -> None:
        self.doctor_button.setEnabled(True)
        if self.doctor_thread is not None:
            self.doctor_thread.stop()  # its one job is done (it returns at once)
            self.doctor_thread = None
        if report is None:
            self.message.setText(f"the check could not run: {error}")
            self.message.setStyleSheet("color:#b3261e")
            return
        lines = [
            f"{'WARN' if c.warning else 'ok' if c.ok else 'FAIL'}  {c.name}: {c.detail}"
            + ("" if c.ok and not c.warning else f"  -> fix: {c.fix}")
            for c in report.checks
        ]
        for c in report.checks:
            if not c.ok:
                log.info("station check failed: %s: %s (fix: %s)", c.name, c.detail, c.fix)
        failed = sum(not c.ok for c in report.checks)
        head = "all checks pass" if report.ok else f"{failed} of {len(report.checks)} checks fail"
        self.message.setText("\n".join([head, *lines]))
        self.message.setStyleSheet("color:#1b7f3b" if report.ok else "color:#b3261e")
        (self.ctx.feedback.good if report.ok else self.ctx.feedback.bad)(f"station check: {head}")

    def on_weight(self, reading: WeightReading) -> None:
        """Live weight."""
        text = (
            f"{reading.grams / 1000:.3f} kg stable"
            if reading.usable and reading.grams
            else str(reading.status)
        )
        self.weight.setText(f"scale: {text}")

    def on_frame(self, result: FrameResult) -> None:
        """Live preview with the decode overlay (only while this screen is visible)."""
        if not self.isVisible():
            return
        image = result.image
        h, w = image.shape[:2]
        qimage = QImage(image.data, w, h, 3 * w, QImage.Format.Format_BGR888).copy()
        painter = QPainter(qimage)
        painter.setPen(QPen(Qt.GlobalColor.green, 4))
        for code in result.codes:
            polygon = QPolygon()
            for x, y in code.polygon:
                polygon.append(QPoint(x, y))
            painter.drawPolygon(polygon)
            painter.drawText(code.polygon[0][0], max(12, code.polygon[0][1] - 6), code.text[:40])
        painter.end()
        self.preview.setPixmap(
            QPixmap.fromImage(qimage).scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio)
        )
