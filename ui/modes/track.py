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

from station.desks.outcome import Outcome
from station.desks.track import LookUp
from station.events import Event, EventKind
from station.scanning import Identified, classify
from station.tracking import TrackingReport
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
        """The track desk's look-up, on the I/O thread."""
        query, desk = self.query.text(), self.ctx.tracker
        self.ctx.background.run(lambda: desk.look_up(query), self._show)

    def _show(self, found: LookUp | None, error: BaseException | None) -> None:
        report = found.report if found is not None else None
        self.report = report
        if error is not None or report is None or found is None:
            self.status.setText(f"{self.query.text().strip()}: unknown id (no scans recorded)")
            self.flags.setText("")
            self.history.setRowCount(0)
            return
        label = report.status.label if report.status else "no movement scans"
        sack = f"  (sack, {report.sack_state}, {len(report.sack_contents)} inside)" if report.is_sack else ""
        eta = found.expected
        expected = f"   expected {eta:%a %d %b}" if eta else ""
        self.status.setText(f"{report.item_id}: {label}{sack}{expected}")
        self.flags.setText("\n".join("⚠ " + f for f in report.flags))
        self.history.setRowCount(len(report.history))
        for row, entry in enumerate(report.history):
            e = entry.event
            cells = [
                e.occurred_at.strftime("%Y-%m-%d %H:%M"),
                e.upu_code or "",
                str(e.kind),
                e.facility,
                entry.via_container or "",
                _details(e),
            ]
            for col, text in enumerate(cells):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()

    def add(self, kind: EventKind) -> None:
        """A note or dispute on the looked-up item."""
        if self.report is None or not self.note.text().strip():
            self.ctx.feedback.bad("look up an item and write the note first")
            return
        ctx, item, text = self.ctx, self.report.item_id, self.note.text()
        write = ctx.tracker.note if kind is EventKind.NOTE else ctx.tracker.dispute
        ctx.background.run(
            lambda: write(item, text, facility=ctx.facility, operator=ctx.operator), self._added
        )

    def _added(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None or not outcome.ok:
            self.ctx.feedback.bad(f"not saved: {error or (outcome.text if outcome else '')}")
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
