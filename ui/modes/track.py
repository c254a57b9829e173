"""Track: customer service looks up an id, or searches by recipient name, phone, ZIP and day; sees the
status, the history (sack events included, local times), a sack's contents and the proof of delivery."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from station.desks.outcome import Outcome
from station.desks.track import LookUp, Search
from station.ids.scanning import Identified, classify
from station.items.tracking import TrackingReport
from station.model.events import REASON_CODES, Event, EventKind
from station.model.localtime import shown
from ui.context import AppContext
from ui.modes.base import Mode

log = logging.getLogger(__name__)
COLUMNS = ["Time (local)", "UPU", "Event", "Facility (station)", "Via sack", "Details"]
HIT_COLUMNS = ["Item", "Accepted (local)", "Status", "Recipient"]
ITEM_ROLE = Qt.ItemDataRole.UserRole


class TrackMode(Mode):
    """Look-ups, searches and notes."""

    name, title = "track", "Track"
    hint = "scan or type an id, or search a name, phone, ZIP or YYYY-MM-DD (Ctrl+F)"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.query = QLineEdit()
        self.query.setPlaceholderText("id (S10, IMpb, sack), or a name, phone, ZIP, YYYY-MM-DD")
        self.query.returnPressed.connect(self.look_up)
        go = QPushButton("Look up / search")
        go.clicked.connect(self.look_up)
        self.status = QLabel("")
        self.status.setStyleSheet("font-size:22px;font-weight:bold")
        self.status.setFixedHeight(34)
        self.flags = QLabel("")
        self.flags.setStyleSheet("color:#b3261e")
        self.flags.setFixedHeight(22)
        self.hits = QTableWidget(0, len(HIT_COLUMNS))
        self.hits.setHorizontalHeaderLabels(HIT_COLUMNS)
        self.hits.horizontalHeader().setStretchLastSection(True)
        self.hits.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.hits.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.hits.cellActivated.connect(lambda row, _col: self._open_hit(row))
        self.hits.hide()
        self.history = QTableWidget(0, len(COLUMNS))
        self.history.setHorizontalHeaderLabels(COLUMNS)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.contents = QListWidget()
        self.contents.setMaximumWidth(220)
        self.contents.itemActivated.connect(lambda row: self.show_id(row.text()))
        self.contents.hide()
        self.proof = QPushButton("Proof of delivery  Ctrl+O")
        self.proof.clicked.connect(self.open_proof)
        self.proof.setEnabled(False)
        self.note = QLineEdit()
        self.note.setPlaceholderText("customer-service note")
        add = QPushButton("Add note")
        add.clicked.connect(lambda: self.add(EventKind.NOTE))
        dispute = QPushButton("Open dispute")
        dispute.clicked.connect(lambda: self.add(EventKind.DISPUTE))
        top = QHBoxLayout()
        top.addWidget(self.query)
        top.addWidget(go)
        middle = QHBoxLayout()
        middle.addWidget(self.history, 1)
        middle.addWidget(self.contents)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note)
        bottom.addWidget(add)
        bottom.addWidget(dispute)
        bottom.addWidget(self.proof)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.flags)
        layout.addWidget(self.hits)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        self.report: TrackingReport | None = None
        self.pod: Path | None = None
        self._scanned = False
        self.search_result: Search | None = None

    def handle_scan(self, raw: str) -> None:
        """A scan is a look-up here, answered on the banner too."""
        found = classify(raw)
        if not isinstance(found, Identified):
            self.ctx.feedback.bad(found.reason)
            return
        self._scanned = True
        self.show_id(found.id)

    def focus_scan_target(self) -> None:
        """The query box."""
        self.query.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.query.setFocus()
        self.query.selectAll()

    def show_id(self, item: str) -> None:
        """Look one id up."""
        self.query.setText(item)
        self.look_up()

    def look_up(self) -> None:
        """An id is looked up; anything else is a search (both on the I/O thread)."""
        query, desk = self.query.text(), self.ctx.tracker
        if isinstance(classify(query), Identified):
            self.ctx.background.run(lambda: (desk.look_up(query), desk.proof_of_delivery(query)), self._show)
        else:
            self.ctx.background.run(lambda: desk.search(query), self._found)

    def _found(self, result: Search | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self.ctx.feedback.bad(f"search failed: {error}")
            return
        self.search_result = result
        self.report, self.pod = None, None
        self.proof.setEnabled(False)
        self.history.setRowCount(0)
        self.contents.hide()
        self.flags.setText("")
        self.status.setText(result.text)
        self.hits.setRowCount(len(result.hits))
        for row, hit in enumerate(result.hits):
            when = shown(hit.accepted_at, self.ctx.station.config.time_zone) if hit.accepted_at else ""
            for col, text in enumerate((hit.item_id, when, hit.status, hit.address)):
                cell = QTableWidgetItem(text)
                cell.setData(ITEM_ROLE, hit.item_id)
                self.hits.setItem(row, col, cell)
        self.hits.resizeColumnsToContents()
        self.hits.setVisible(bool(result.hits))
        log.info("track: a search shown (%d hits)", len(result.hits))  # never the query: it may be a name
        if result.hits:
            self.hits.setFocus()
            self.hits.selectRow(0)

    def _open_hit(self, row: int) -> None:
        cell = self.hits.item(row, 0)
        if cell is not None:
            self.show_id(str(cell.data(ITEM_ROLE)))

    def _show(self, result: tuple[LookUp, Path | None] | None, error: BaseException | None) -> None:
        found, pod = result if result is not None else (None, None)
        report = found.report if found is not None else None
        self.report, self.pod = report, pod
        self.proof.setEnabled(pod is not None)
        self.hits.hide()
        scanned, self._scanned = self._scanned, False
        if error is not None or report is None or found is None:
            self.status.setText(f"{self.query.text().strip()}: unknown id (no scans recorded)")
            if scanned:
                self.ctx.feedback.bad(f"{self.query.text().strip()}: unknown id (no scans recorded)")
            self.flags.setText("")
            self.history.setRowCount(0)
            self.contents.hide()
            log.info("track: an unknown id shown")
            return
        label = report.status.label if report.status else "no movement scans"
        sack = f"  (sack, {report.sack_state}, {len(report.sack_contents)} inside)" if report.is_sack else ""
        expected = f"   {found.expected_text}" if found.expected_text else ""
        to = f"\nto {found.addressee}" if found.addressee else ""  # every part the counter wrote
        self.status.setText(f"{report.item_id}: {label}{sack}{expected}{to}")
        if scanned:
            self.ctx.feedback.good(f"{report.item_id}: {label}{expected}")
        self.flags.setText("   ".join("⚠ " + f for f in report.flags))
        self.contents.clear()
        self.contents.addItems(report.sack_contents)
        self.contents.setVisible(report.is_sack)
        zone = self.ctx.station.config.time_zone
        self.history.setRowCount(len(report.history))
        for row, entry in enumerate(report.history):
            e = entry.event
            cells = [
                shown(e.occurred_at, zone),
                e.upu_code or "",
                str(e.kind),
                f"{e.facility} ({e.station_id})",
                entry.via_container or "",
                _details(e),
            ]
            for col, text in enumerate(cells):
                self.history.setItem(row, col, QTableWidgetItem(text))
        log.info("track: %s shown (%d events)", report.item_id, len(report.history))
        self.history.resizeColumnsToContents()

    def open_proof(self) -> None:
        """Ctrl+O: the proof of delivery of the item looked up (its signature and who signed)."""
        if self.report is None or self.pod is None:
            self.ctx.feedback.bad("look up a delivered item first")
            return
        delivered = [
            h.event for h in self.report.history if h.event.kind in (EventKind.DELIVERED, EventKind.PICKED_UP)
        ]
        event = delivered[-1] if delivered else None
        dialog = QDialog(self)
        dialog.setWindowTitle(f"Proof of delivery {self.report.item_id}")
        layout = QVBoxLayout(dialog)
        when = shown(event.occurred_at, self.ctx.station.config.time_zone) if event else "?"
        layout.addWidget(
            QLabel(f"{self.report.item_id} delivered {when} at {event.facility if event else '?'}")
        )
        layout.addWidget(QLabel(event.note if event and event.note else ""))
        picture = QLabel()
        if event and event.signature_ref:
            png = self.ctx.station.paths.signatures / f"{event.signature_ref}.png"
            pixmap = QPixmap(str(png))
            if not pixmap.isNull():
                picture.setPixmap(pixmap)
        layout.addWidget(picture)
        if event and event.extra.get("photo"):
            # The door photo, faces blurred; shown only while it is what its event hashed.
            from station.items import photos

            door = QLabel()
            try:
                data = photos.read(
                    self.ctx.station.paths.photos,
                    str(event.extra["photo"]),
                    str(event.extra.get("photo_sha256")),
                )
            except photos.PhotoNotKept as exc:
                door.setText(f"door photo: {exc}")
            else:
                pixmap = QPixmap()
                pixmap.loadFromData(data, "JPG")
                door.setPixmap(pixmap.scaledToWidth(min(480, pixmap.width())))
            layout.addWidget(door)
        layout.addWidget(QLabel(f"PDF: {self.pod}"))
        self.proof_dialog = dialog
        dialog.finished.connect(lambda _: self.back_from_dialog())
        dialog.open()

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
        parts.append(REASON_CODES.get(e.reason, e.reason))
    if e.weight_g is not None:
        parts.append(f"{e.weight_g} g")
    if e.signature_ref:
        parts.append("signed")
    if e.extra.get("safe_place"):
        parts.append(f"safe place: {e.extra['safe_place']}")
    neighbour = e.extra.get("neighbour")
    if isinstance(neighbour, dict) and neighbour.get("name"):
        parts.append(f"neighbour: {neighbour['name']}, {neighbour.get('house', '')}")
    if e.extra.get("photo"):
        parts.append("photo at the door")
    if e.note:
        parts.append(e.note)
    return "; ".join(parts)
