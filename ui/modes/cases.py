"""Cases: customer service's inquiries and disputes. Scan (or type) the item, choose the kind, say what
the customer reports, F9 opens the case; the list shows open cases, soonest due first (overdue in red);
the selected case's file shows its notes, the item's history, the proof of delivery and the texts."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from station.desks.cases import CaseFile
from station.desks.outcome import Outcome
from station.ids.scanning import Identified, classify
from station.model.localtime import shown, shown_text
from station.office.cases import Case, CaseKind
from ui.context import AppContext
from ui.modes.base import Mode

log = logging.getLogger(__name__)


class CasesMode(Mode):
    """Open, note, resolve."""

    name, title = "cases", "Cases"
    hint = "scan the item, choose the kind, type what the customer says, F9 opens the case"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.item = QLineEdit()
        self.item.setPlaceholderText("the item: scan or type its id")
        self.kind = QComboBox()
        for kind in CaseKind:
            self.kind.addItem(kind.words, str(kind))
        self.note = QLineEdit()
        self.note.setPlaceholderText("what the customer reports, or the note to add (Ctrl+N) / resolution")
        opener = QPushButton("Open case  F9")
        opener.clicked.connect(self.open_case)
        self.cases = QListWidget()
        self.cases.currentRowChanged.connect(lambda _row: self.show_selected())
        self.file = QPlainTextEdit()
        self.file.setReadOnly(True)
        noter = QPushButton("Add note  Ctrl+N")
        noter.clicked.connect(self.add_note)
        resolver = QPushButton("Resolve  Ctrl+Enter")
        resolver.clicked.connect(self.resolve)
        top = QHBoxLayout()
        top.addWidget(self.item, 2)
        top.addWidget(self.kind)
        top.addWidget(opener)
        actions = QHBoxLayout()
        actions.addWidget(noter)
        actions.addWidget(resolver)
        body = QHBoxLayout()
        body.addWidget(self.cases, 1)
        body.addWidget(self.file, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addLayout(actions)
        layout.addLayout(body, 1)
        self._shown: list[Case] = []
        self._keep_selected: int | None = None  # the case to select once the list is read again

    def activated(self) -> None:
        """The open cases, fresh."""
        self.refresh()

    def focus_scan_target(self) -> None:
        """The note: what the agent types next."""
        self.note.setFocus()

    def handle_scan(self, raw: str) -> None:
        """An item id fills the item field."""
        found = classify(raw)
        if not isinstance(found, Identified):
            self.ctx.feedback.bad(found.reason)
            return
        self.item.setText(found.id)
        self.ctx.feedback.good(f"{found.id}: choose the kind, say what the customer reports, F9")
        self.note.setFocus()

    def refresh(self) -> None:
        """The open cases, on the I/O thread."""
        desk = self.ctx.cases
        self.ctx.background.run(lambda: desk.listing(open_only=True), self._listed)

    def _listed(self, found: list[Case] | None, error: BaseException | None) -> None:
        self.cases.clear()
        self._shown = found or []
        now = self.ctx.station.clock()
        for case in self._shown:
            row = QListWidgetItem(
                f"{case.id}  {case.item_id}  {case.kind.words}  {case.state}"
                f"  due {shown_text(case.due_at, self.ctx.station.config.time_zone)}"
            )
            if case.overdue(now):
                row.setForeground(QColor("#b3261e"))
            self.cases.addItem(row)
        wanted, self._keep_selected = self._keep_selected, None
        for index, case in enumerate(self._shown):
            if case.id == wanted:
                self.cases.setCurrentRow(index)  # Ctrl+N and Ctrl+Enter act on it with no click
        if error is not None:
            self.ctx.feedback.bad(f"cases not read: {error}")
            return
        log.info("cases: %d shown", len(self._shown))

    def open_case(self) -> None:
        """F9: a new case."""
        item, kind, note, ctx = (
            self.item.text().strip(),
            str(self.kind.currentData()),
            self.note.text(),
            self.ctx,
        )
        if not item:
            ctx.feedback.bad("scan or type the item first")
            return
        ctx.background.run(
            lambda: ctx.cases.open(item, kind, note, facility=ctx.facility, operator=ctx.operator),
            self._opened,
        )

    def _opened(self, outcome: Outcome | None, error: BaseException | None) -> None:
        """A new case is the selected one: the next note goes on it."""
        if outcome is not None and outcome.ok and isinstance(outcome.details.get("case"), int):
            self._keep_selected = int(outcome.details["case"])
        self._done(outcome, error)

    def _selected(self) -> Case | None:
        row = self.cases.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def add_note(self) -> None:
        """Ctrl+N: a note on the selected case."""
        case, ctx, note = self._selected(), self.ctx, self.note.text()
        if case is None:
            ctx.feedback.bad("select a case first")
            return
        self._keep_selected = case.id
        ctx.background.run(lambda: ctx.cases.note(case.id, note, operator=ctx.operator), self._done)

    def resolve(self) -> None:
        """Ctrl+Enter: the selected case resolved, the note saying how."""
        case, ctx, note = self._selected(), self.ctx, self.note.text()
        if case is None:
            ctx.feedback.bad("select a case first")
            return
        ctx.background.run(lambda: ctx.cases.resolve(case.id, note, operator=ctx.operator), self._done)

    def _done(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not done: {error}")
            return
        self.ctx.feedback.show(outcome)
        if outcome.ok:
            self.note.clear()
            self.item.clear()
            self.refresh()

    def show_selected(self) -> None:
        """The selected case's file, read on the I/O thread."""
        case = self._selected()
        if case is None:
            self.file.clear()
            return
        desk = self.ctx.cases
        self.ctx.background.run(lambda: desk.show(case.id), self._show_file)

    def _show_file(self, made: CaseFile | Outcome | None, error: BaseException | None) -> None:
        if not isinstance(made, CaseFile):
            self.file.setPlainText(f"case not read: {error or (made.reason if made else '')}")
            return
        zone, c = self.ctx.station.config.time_zone, made.case
        lines = [f"case {c.id}: {c.item_id}  {c.kind}  {c.state}  due {shown_text(c.due_at, zone)}", ""]
        lines += [f"{shown_text(n.at, zone)}  {n.author}: {n.note}" for n in c.notes]
        if made.report is not None:
            lines += ["", f"status: {made.report.status.label if made.report.status else '-'}"]
            for hit in made.report.history:
                e = hit.event
                lines.append(
                    f"{shown(e.occurred_at, zone)}  {e.kind}  {e.facility} ({e.station_id}/{e.operator})"
                )
        lines += ["", f"proof of delivery: {made.proof_of_delivery or 'none'}"]
        lines += [f"text {t['template']} ({t['state']}): {t['body']}" for t in made.texts]
        self.file.setPlainText("\n".join(lines))
