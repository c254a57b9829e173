"""Depot: open a sack (scan its tag or make a new one), scan items in at speed, close, dispatch, receive.

Every action is one depot-desk call on the I/O thread; the counts shown are the ones the journal holds.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from station.desks.depot import SackTag
from station.desks.outcome import Outcome
from station.scanning import Identified, IdKind, classify
from ui.context import AppContext
from ui.modes.base import Mode

ACTIONS = {
    "Sort items into the sack": "sort",
    "Dispatch sacks": "dispatch",
    "Receive sacks (arrival)": "arrival",
}


class DepotMode(Mode):
    """The sorting bench."""

    name, title = "depot", "Depot"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.sack: str | None = None
        self.count = 0
        self.weight_g = 0
        self.action = QComboBox()
        self.action.addItems(list(ACTIONS))
        self.destination = QLineEdit()
        self.destination.setPlaceholderText("destination ZIP prefix, e.g. 941")
        self.sack_label = QLabel("No sack open: scan a sack tag or press New sack")
        self.sack_label.setStyleSheet("font-size:18px;font-weight:bold")
        self.totals = QLabel("0 items, 0.0 kg")
        self.totals.setStyleSheet("font-size:28px")
        self.items = QListWidget()
        new = QPushButton("New sack (print tag)")
        new.clicked.connect(self.new_sack)
        close = QPushButton("Close sack (print tag)")
        close.clicked.connect(self.close_sack)
        form = QFormLayout()
        form.addRow("Action", self.action)
        form.addRow("Sack destination", self.destination)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.sack_label)
        layout.addWidget(self.totals)
        layout.addLayout(buttons)
        layout.addWidget(self.items)

    def handle_scan(self, raw: str) -> None:
        """Sack tags open, dispatch or receive sacks; item scans go into the open sack."""
        found = classify(raw)
        if not isinstance(found, Identified):
            self.ctx.feedback.bad(found.reason)
            return
        ctx, action = self.ctx, ACTIONS[self.action.currentText()]
        where = {"facility": ctx.facility, "operator": ctx.operator}
        if found.kind is IdKind.SSCC and action == "dispatch":
            self._run(lambda: ctx.depot.dispatch(raw, **where), self._moved)
        elif found.kind is IdKind.SSCC and action == "arrival":
            self._run(lambda: ctx.depot.receive(raw, **where), self._moved)
        elif found.kind is IdKind.SSCC:
            # Items scanned right after the tag go to this sack: the I/O thread takes them after the
            # opening, and the desk refuses them too if the sack cannot be opened.
            self.sack, destination = found.id, self.destination.text().strip() or None
            self._run(
                lambda: ctx.depot.open_sack(raw, destination=destination, **where), self._opened, found.id
            )
        elif action != "sort":
            self.ctx.feedback.bad(f"{found.id} is an item: scan sack tags to {action} them")
        elif self.sack is None:
            self.ctx.feedback.bad("no sack open: scan a sack tag first")
        else:
            sack = self.sack
            self._run(lambda: ctx.depot.sort(raw, sack, **where), self._sorted)

    def new_sack(self) -> None:
        """A new sack id, its open event and its tag (on the I/O thread)."""
        ctx, destination = self.ctx, self.destination.text().strip() or None
        self._run(
            lambda: ctx.depot.new_sack(facility=ctx.facility, operator=ctx.operator, destination=destination),
            self._opened,
        )

    def close_sack(self) -> None:
        """Close the open sack; its tag shows the count and weight the journal holds."""
        if self.sack is None:
            self.ctx.feedback.bad("no sack open")
            return
        ctx, sack = self.ctx, self.sack
        self._run(lambda: ctx.depot.close(sack, facility=ctx.facility, operator=ctx.operator), self._closed)

    def _run(
        self, work: Callable[[], Outcome], shown: Callable[[Outcome], None], opening: str | None = None
    ) -> None:
        depot = self.ctx.depot

        def job() -> tuple[Outcome, SackTag | None]:  # on the I/O thread: the tag printed by this call
            depot.last_tag = None
            return work(), depot.last_tag

        def done(result: tuple[Outcome, SackTag | None] | None, error: BaseException | None) -> None:
            if error is not None or result is None:
                self.ctx.feedback.bad(f"not recorded: {error}")
                return
            outcome, tag = result
            if tag is not None:
                self.ctx.preview.show_label(tag.label, f"sack tag {outcome.id}")
                self.ctx.wake_printer(self.ctx.station.config.devices.printer)
            if not outcome.ok:
                if opening is not None and self.sack == opening:
                    self.sack = None
                    self.sack_label.setText(f"Sack {opening} not opened: scan or make another sack")
                self.ctx.feedback.bad(outcome.text)
                return
            shown(outcome)
            self.ctx.feedback.show(outcome)

        self.ctx.background.run(job, done)

    def _show_totals(self, outcome: Outcome) -> None:
        self.count = int(outcome.details.get("items", self.count))
        self.weight_g = int(outcome.details.get("weight_g", self.weight_g))
        self.totals.setText(f"{self.count} items, {self.weight_g / 1000:.1f} kg")

    def _opened(self, outcome: Outcome) -> None:
        self.sack = outcome.id
        self.items.clear()
        destination = outcome.details.get("destination")
        if destination:
            self.destination.setText(str(destination))
        self.sack_label.setText(f"Sack {outcome.id} open" + (f" for {destination}xx" if destination else ""))
        self._show_totals(outcome)

    def _sorted(self, outcome: Outcome) -> None:
        self.items.insertItem(0, outcome.id or "")
        self._show_totals(outcome)

    def _closed(self, outcome: Outcome) -> None:
        self.sack = None
        self._show_totals(outcome)
        self.sack_label.setText(f"Sack {outcome.id} closed: scan or make the next sack")

    def _moved(self, outcome: Outcome) -> None:
        self.items.insertItem(0, f"{outcome.id} {outcome.message}")
