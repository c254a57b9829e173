"""Depot: open a sack (scan its tag or make a new one), scan items in at speed, close, dispatch, receive."""

from __future__ import annotations

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

from station.events import EventKind
from station.ids import SsccAllocator
from station.labels.layouts import SackTagData, sack_tag
from station.labels.zpl import ZplRenderer
from station.scanflow import ScanOutcome
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
        self.recorded = 0
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
        """Sack tags open/dispatch/receive sacks; item scans go into the open sack."""
        found = classify(raw)
        if not isinstance(found, Identified):
            self.ctx.feedback.bad(found.reason)
            return
        action = ACTIONS[self.action.currentText()]
        if found.kind is IdKind.SSCC and action in ("dispatch", "arrival"):
            kind = EventKind.DISPATCH if action == "dispatch" else EventKind.ARRIVAL
            self._record(found.raw, kind, None, found)
            return
        if found.kind is IdKind.SSCC:
            self._open(found.id)
            return
        if action != "sort":
            self.ctx.feedback.bad(f"{found.id} is an item: scan sack tags to {action} them")
            return
        if self.sack is None:
            self.ctx.feedback.bad("no sack open: scan a sack tag first")
            return
        self._record(raw, EventKind.SORT_IN, self.sack, found, self.destination.text().strip())

    def _routing_zip(self, item: str) -> str | None:
        for stored in self.ctx.station.journal.events_for(item):
            z = stored.event.extra.get("routing_zip") or stored.event.extra.get("destination_zip")
            if z:
                return str(z)
        return None

    def _record(
        self, raw: str, kind: EventKind, sack: str | None, found: Identified, prefix: str = ""
    ) -> None:
        desk, ctx = self.ctx.desk, self.ctx

        def work() -> ScanOutcome:  # runs on the I/O thread: the journal look-up never blocks the UI
            routing = found.routing_zip or (self._routing_zip(found.id) if prefix else None)
            if prefix and routing and not routing.startswith(prefix):
                return ScanOutcome(
                    False, found.id, f"WRONG SACK: {found.id} goes to {routing}, sack is for {prefix}xx"
                )
            return desk.record(raw, kind, facility=ctx.facility, operator=ctx.operator, container_id=sack)

        self.ctx.background.run(work, self._recorded)

    def _recorded(self, outcome: ScanOutcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not recorded: {error}")
            return
        if not outcome.ok:
            self.ctx.feedback.bad(outcome.reason or "refused")
            return
        self.recorded += 1
        event = outcome.stored.event if outcome.stored else None
        if event is not None and event.kind is EventKind.SORT_IN:
            self.count += 1
            self.weight_g += event.weight_g or 0
            self.items.insertItem(0, outcome.id or "")
            self.totals.setText(f"{self.count} items, {self.weight_g / 1000:.1f} kg")
            self.ctx.feedback.good(f"{outcome.id} into sack ({self.count})")
        else:
            self.ctx.feedback.good(f"{outcome.id} {event.kind if event else ''}")

    def _open(self, sack: str) -> None:
        self.sack = sack
        self.count = self.weight_g = 0
        self.items.clear()
        self.sack_label.setText(f"Sack {sack} open")
        self.totals.setText("0 items, 0.0 kg")
        self.ctx.feedback.good(f"sack {sack} open: scan items")

    def new_sack(self) -> None:
        """Make a sack id and print its tag."""
        ctx = self.ctx
        allocator = SsccAllocator(
            ctx.station.db, ctx.station.station_id, ctx.station.config.gs1_company_prefix
        )
        sscc = allocator.allocate()
        self._print_tag(sscc.text, closed=False)
        self._open(sscc.text)

    def close_sack(self) -> None:
        """Close the open sack and print its final tag (count and weight)."""
        if self.sack is None:
            self.ctx.feedback.bad("no sack open")
            return
        sack = self.sack
        self._record(sack, EventKind.SACK_CLOSE, None, Identified(sack, IdKind.SSCC, sack))
        self._print_tag(sack, closed=True)
        self.sack = None
        self.sack_label.setText(f"Sack {sack} closed: scan or make the next sack")

    def _print_tag(self, sack: str, closed: bool) -> None:
        ctx = self.ctx
        printer = ctx.station.config.devices.printer
        count, grams = (self.count, self.weight_g) if closed else (0, 0)
        closed_on = ctx.station.clock().date() if closed else None
        data = SackTagData(sack, self.destination.text() or "?", ctx.facility, count, grams, closed_on)
        tag = sack_tag(data, 203)
        zpl = ZplRenderer().render(tag)
        ctx.preview.show_label(tag, f"sack tag {sack}")
        ctx.background.run(lambda: ctx.queue.enqueue(printer, zpl, "zpl", f"sack tag {sack}"), self._queued)

    def _queued(self, job: int | None, error: BaseException | None) -> None:
        if error is not None:
            self.ctx.feedback.bad(f"sack tag not queued: {error}")
        else:
            self.ctx.wake_printer(self.ctx.station.config.devices.printer)
