"""Track: customer service looks up any id, sees status, history with sack events, flags; adds notes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from station.eta import expected_delivery
from station.events import Event, EventKind
from station.scanning import Identified, classify
from station.tracking import TrackingReport, track
from ui.context import AppContext
from ui.modes.base import Mode

COLUMNS = ["Time (UTC)", "UPU", "Event", "Facility", "Via sack", "Details"]


class TrackMode(Mode):
    """Look-ups and notes."""

    name, title = "track", "Track"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.query = QLineEdit()
        self.query.setPlaceholderText("S10, IMpb or sack id, typed or scanned")
        self.query.returnPressed.connect(self.look_up)
        go = QPushButton("Look up")
        go.clicked.connect(self.look_up)
        self.status = QLabel("")
        self.status.setStyleSheet("font-size:22px;font-weight:bold")
        self.flags = QLabel("")
        self.flags.setStyleSheet("color:#b3261e")
        self.flags.setWordWrap(True)
        self.history = QTableWidget(0, len(COLUMNS))
        self.history.setHorizontalHeaderLabels(COLUMNS)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("customer-service note")
        add = QPushButton("Add note")
        add.clicked.connect(lambda: self.add(EventKind.NOTE))
        dispute = QPushButton("Open dispute")
        dispute.clicked.connect(lambda: self.add(EventKind.DISPUTE))
        top = QHBoxLayout()
        top.addWidget(self.query)
        top.addWidget(go)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note)
        bottom.addWidget(add)
        bottom.addWidget(dispute)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.flags)
        layout.addWidget(self.history)
        layout.addLayout(bottom)
        self.report: TrackingReport | None = None

    def handle_scan(self, raw: str) -> None:
        """A scan is a look-up here."""
        found = classify(raw)
        self.query.setText(found.id if isinstance(found, Identified) else raw.strip())
        self.look_up()

    def look_up(self) -> None:
        """Query on the I/O thread."""
        found = classify(self.query.text())
        key = found.id if isinstance(found, Identified) else self.query.text().strip()
        db = self.ctx.station.db
        self.ctx.background.run(lambda: track(db, key), self._show)

    def _show(self, report: TrackingReport | None, error: BaseException | None) -> None:
        self.report = report
        if error is not None or report is None:
            self.status.setText(f"{self.query.text().strip()}: unknown id (no scans recorded)")
            self.flags.setText("")
            self.history.setRowCount(0)
            return
        label = report.status.label if report.status else "no movement scans"
        sack = f"  (sack, {report.sack_state}, {len(report.sack_contents)} inside)" if report.is_sack else ""
        eta = expected_delivery(report)
        expected = f"   expected {eta:%a %d %b}" if eta else ""
        self.status.setText(f"{report.item_id}: {label}{sack}{expected}")
        self.flags.setText("\n".join("⚠ " + f for f in report.flags))
        self.history.setRowCount(len(report.history))
        for row, entry in enumerate(report.history):
            e = entry.event
            cells = [e.occurred_at.strftime("%Y-%m-%d %H:%M"), e.upu_code or "", str(e.kind), e.facility,
                     entry.via_container or "", _details(e)]  # fmt: skip
            for col, text in enumerate(cells):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()

    def add(self, kind: EventKind) -> None:
        """A note or dispute on the looked-up item."""
        if self.report is None or not self.note.text().strip():
            self.ctx.feedback.bad("look up an item and write the note first")
            return
        ctx, item, text = self.ctx, self.report.item_id, self.note.text().strip()
        event = Event.new(item, kind, facility=ctx.facility, station_id=ctx.station.station_id,
                          operator=ctx.operator, at=ctx.station.clock(), note=text[:500])  # fmt: skip
        ctx.background.run(lambda: ctx.station.journal.append(event), self._added)

    def _added(self, _stored: object, error: BaseException | None) -> None:
        if error is not None:
            self.ctx.feedback.bad(f"not saved: {error}")
            return
        self.note.clear()
        self.ctx.feedback.good("note saved")
        self.look_up()


def _details(e: Event) -> str:
    parts = []
    if e.reason:
        parts.append(e.reason)
    if e.weight_g is not None:
        parts.append(f"{e.weight_g} g")
    if e.signature_ref:
        parts.append("signed")
    if e.note:
        parts.append(e.note)
    return "; ".join(parts)
