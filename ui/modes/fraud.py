"""Fraud: the supervisor's list of open alerts, worst first. F9 runs the batch rules now; select an
alert (arrows), F7 acknowledges it, type what was found and Ctrl+Enter resolves it."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from station.desks.fraud import FraudReport
from station.desks.outcome import Outcome
from station.insight.fraud import Alert
from station.model.localtime import shown_text
from ui.context import AppContext
from ui.modes.base import Mode

log = logging.getLogger(__name__)

SEVERITY_COLOURS = {"high": "#b3261e", "medium": "#8a5a00", "low": "#44474e"}


class FraudMode(Mode):
    """Open alerts: acknowledge, resolve with a note."""

    name, title = "fraud", "Fraud"
    hint = "F9 runs the rules; select an alert, F7 acknowledges (then type the finding), Ctrl+Enter resolves"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.alerts = QListWidget()
        self.summary = QLabel("")
        self.note = QLineEdit()
        self.note.setPlaceholderText("what was found (Ctrl+Enter resolves the selected alert)")
        runner = QPushButton("Run the rules  F9")
        runner.clicked.connect(self.run_rules)
        acker = QPushButton("Acknowledge  F7")
        acker.clicked.connect(self.acknowledge)
        resolver = QPushButton("Resolve  Ctrl+Enter")
        resolver.clicked.connect(self.resolve)
        actions = QHBoxLayout()
        for button in (runner, acker, resolver):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.alerts, 1)
        layout.addWidget(self.note)
        self._shown: list[Alert] = []

    def activated(self) -> None:
        """The open alerts, fresh."""
        self.refresh()

    def focus_scan_target(self) -> None:
        """The list: arrows choose an alert."""
        self.alerts.setFocus()

    def refresh(self) -> None:
        """Read the alerts on the I/O thread."""
        desk = self.ctx.fraud
        self.ctx.background.run(desk.alerts, self._listed)

    def _listed(self, found: list[Alert] | None, error: BaseException | None) -> None:
        if error is not None or found is None:
            self.ctx.feedback.bad(f"alerts not read: {error}")
            return
        keep = self.alerts.currentRow()
        zone = self.ctx.station.config.time_zone
        self.alerts.clear()
        self._shown = found
        for a in found:
            when = shown_text(a.time, zone)
            row = QListWidgetItem(
                f"{a.event_id[:8]}  {a.severity.upper():<6}  {a.state:<12}  {when}  {a.rule}"
                f"  {a.item_id}  {a.suspect}@{a.facility}: {a.detail}"
            )
            row.setForeground(QColor(SEVERITY_COLOURS.get(a.severity, "#44474e")))
            self.alerts.addItem(row)
        if found:
            self.alerts.setCurrentRow(min(max(keep, 0), len(found) - 1))
        high = sum(a.severity == "high" for a in found)
        self.summary.setText(f"{len(found)} open alerts, {high} high")
        log.info("fraud: %d alerts shown", len(found))

    def run_rules(self) -> None:
        """F9: every batch rule over the journal now."""
        ctx = self.ctx
        ctx.background.run(lambda: ctx.fraud.scan(facility=ctx.facility, operator=ctx.operator), self._ran)

    def _ran(self, report: FraudReport | None, error: BaseException | None) -> None:
        if error is not None or report is None:
            self.ctx.feedback.bad(f"rules not run: {error}")
            return
        self.ctx.feedback.good(report.line)
        self.refresh()

    def _selected(self) -> Alert | None:
        row = self.alerts.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def acknowledge(self) -> None:
        """F7: the selected alert is being looked into."""
        alert, ctx = self._selected(), self.ctx
        if alert is None:
            ctx.feedback.bad("select an alert first")
            return
        ctx.background.run(
            lambda: ctx.fraud.acknowledge(
                alert.event_id, by=ctx.operator, signed_in=ctx.session is not None, facility=ctx.facility
            ),
            self._acknowledged,
        )

    def _acknowledged(self, outcome: Outcome | None, error: BaseException | None) -> None:
        self._done(outcome, error)
        if outcome is not None and outcome.ok:
            self.note.setFocus()  # what comes next is the finding, typed

    def resolve(self) -> None:
        """Ctrl+Enter: the selected alert closed, the note saying what was found (cleared once done)."""
        alert, ctx, note = self._selected(), self.ctx, self.note.text()
        if alert is None:
            ctx.feedback.bad("select an alert first")
            return
        ctx.background.run(
            lambda: ctx.fraud.resolve(
                alert.event_id,
                note,
                by=ctx.operator,
                signed_in=ctx.session is not None,
                facility=ctx.facility,
            ),
            self._resolved,
        )

    def _resolved(self, outcome: Outcome | None, error: BaseException | None) -> None:
        self._done(outcome, error)
        if outcome is not None and outcome.ok:
            self.note.clear()
            self.alerts.setFocus()

    def _done(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not done: {error}")
            return
        self.ctx.feedback.show(outcome)
        if outcome.ok:
            self.refresh()
