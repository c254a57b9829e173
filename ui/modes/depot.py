"""Depot: open a sack (scan its tag or make a new one), scan items in at speed, close, dispatch, receive.

Every action is one depot-desk call on the I/O thread; the counts and the list shown are the ones the
journal holds, and the sack being worked on is read back from the journal when the window starts.
A depot item needs no key at all: the scan is the whole action.
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
from station.ids.scanning import Identified, IdKind, classify
from station.items import sack_destinations
from station.model.words import number_of, weight_in_words
from ui.context import AppContext
from ui.modes.base import Mode

ACTIONS = {
    "Sort items into the sack (Esc)": "sort",
    "Dispatch sacks (F9)": "dispatch",
    "Receive sacks - arrival (F10)": "arrival",
}


class DepotMode(Mode):
    """The sorting bench."""

    name, title = "depot", "Depot"
    hint = "scan a sack tag (or F7 for a new sack), then scan items into it"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.sack: str | None = None
        self.count = 0
        self.weight_g = 0
        self.last_tag_job: int | None = None
        self._restored = False
        self.action = QComboBox()
        self.action.addItems(list(ACTIONS))
        self.destination = QLineEdit()
        self.destination.setPlaceholderText("the new sack's ZIP prefix (941) or, abroad, country (DE)")
        self.sack_label = QLabel("No sack open: scan a sack tag or press F7 for a new sack")
        self.sack_label.setStyleSheet("font-size:18px;font-weight:bold")
        self.sack_label.setFixedHeight(30)
        self.totals = QLabel("0 items, 0.0 kg")
        self.totals.setStyleSheet("font-size:28px")
        self.items = QListWidget()
        buttons = QHBoxLayout()
        for text, slot in (
            ("New sack  F7", self.new_sack),
            ("Close sack  F8", self.close_sack),
            ("Undo last  Ctrl+Z", self.undo_last),
            ("Take out selected  Del", self.remove_selected),
            ("Reprint tag  Ctrl+R", self.reprint),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, slot=slot: slot())
            buttons.addWidget(button)
        form = QFormLayout()
        form.addRow("Action", self.action)
        form.addRow("New sack for", self.destination)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.sack_label)
        layout.addWidget(self.totals)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("In the sack (newest first)"))
        layout.addWidget(self.items)

    def activated(self) -> None:
        """The first time the bench is shown, carry on with the sack it worked on (from the journal)."""
        if self._restored:
            return
        self._restored = True
        ctx = self.ctx
        self._run(lambda: ctx.depot.working_sack(ctx.facility), self._opened, quiet_refusal=True)

    def focus_scan_target(self) -> None:
        """With no sack open, the "New sack for" box (what is typed next is where the next sack goes,
        its old text selected so typing replaces it); with a sack open, its list (Del and Ctrl+Z act on
        it). Scans need no focus."""
        if self.sack is None:
            self.destination.setFocus()
            self.destination.selectAll()
        else:
            self.items.setFocus()
            if self.items.currentRow() < 0 and self.items.count():
                self.items.setCurrentRow(0)

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
            self.ctx.feedback.bad(f"{found.id} is an item: scan sack tags to {action} them (Esc: sorting)")
        elif self.sack is None:
            self.ctx.feedback.bad("no sack open: scan a sack tag first (or F7 for a new sack)")
        else:
            sack = self.sack
            self._run(lambda: ctx.depot.sort(raw, sack, **where), self._sorted)

    def sort_mode(self) -> None:
        """Esc."""
        self._set_action("sort")

    def dispatch_mode(self) -> None:
        """F9."""
        self._set_action("dispatch")

    def receive_mode(self) -> None:
        """F10."""
        self._set_action("arrival")

    def _set_action(self, action: str) -> None:
        text = next(t for t, a in ACTIONS.items() if a == action)
        self.action.setCurrentText(text)
        self.ctx.feedback.idle(
            {"sort": self.hint, "dispatch": "dispatch: scan each sack tag leaving"}.get(
                action, "receive: scan each sack tag arriving"
            )
        )

    def new_sack(self) -> None:
        """F7: a new sack id, its open event and its tag (on the I/O thread), for the destination typed."""
        ctx, destination = self.ctx, self.destination.text().strip() or None
        if destination is None:
            self.ctx.feedback.bad(
                "a new sack needs its destination: type it in New sack for (e.g. 941), then F7"
            )
            return
        self._run(
            lambda: ctx.depot.new_sack(facility=ctx.facility, operator=ctx.operator, destination=destination),
            self._opened,
        )

    def close_sack(self) -> None:
        """F8: close the open sack; its tag shows the count and weight the journal holds."""
        if self.sack is None:
            self.ctx.feedback.bad("no sack open")
            return
        ctx, sack = self.ctx, self.sack
        self._run(lambda: ctx.depot.close(sack, facility=ctx.facility, operator=ctx.operator), self._closed)

    def undo_last(self) -> None:
        """Ctrl+Z: the last item sorted goes back out of the sack (recorded as a removal)."""
        if self.sack is None:
            self.ctx.feedback.bad("no sack open: nothing to undo")
            return
        ctx, sack = self.ctx, self.sack
        self._run(lambda: ctx.depot.undo_last(sack, facility=ctx.facility, operator=ctx.operator), self._out)

    def remove_selected(self) -> None:
        """Del: the selected item leaves the sack."""
        row = self.items.currentItem()
        if self.sack is None or row is None:
            self.ctx.feedback.bad("select an item of the open sack first")
            return
        ctx, sack, item = self.ctx, self.sack, row.text().split()[0]
        self._run(
            lambda: ctx.depot.remove(sack, item, facility=ctx.facility, operator=ctx.operator), self._out
        )

    def reprint(self) -> None:
        """Ctrl+R: the last sack tag again."""
        if self.last_tag_job is None:
            self.ctx.feedback.bad("no sack tag printed here yet")
            return
        ctx, job = self.ctx, self.last_tag_job
        self._run(
            lambda: ctx.printing.reprint(job, facility=ctx.facility, operator=ctx.operator),
            lambda outcome: None,
        )

    def _run(
        self,
        work: Callable[[], Outcome],
        shown: Callable[[Outcome], None],
        opening: str | None = None,
        *,
        quiet_refusal: bool = False,
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
                self.last_tag_job = tag.print_job
                self.ctx.preview.show_label(tag.label, f"sack tag {outcome.id}")
                self.ctx.wake_printer(self.ctx.station.config.devices.printer)
            if not outcome.ok:
                if opening is not None and self.sack == opening:
                    self.sack = None
                    self.sack_label.setText(f"Sack {opening} not opened: scan or make another sack")
                if not quiet_refusal:
                    self.ctx.feedback.bad(outcome.text)
                return
            shown(outcome)
            if "printer" in outcome.details:
                self.ctx.wake_printer(str(outcome.details["printer"]))
            self.ctx.feedback.show(outcome)

        self.ctx.background.run(job, done)

    def _show_totals(self, outcome: Outcome) -> None:
        self.count = int(outcome.details.get("items", self.count))
        self.weight_g = int(outcome.details.get("weight_g", self.weight_g))
        self.totals.setText(f"{number_of(self.count, 'item')}, {weight_in_words(self.weight_g)}")

    def _opened(self, outcome: Outcome) -> None:
        self.sack = outcome.id
        self.focus_scan_target()  # the sack's list: Ctrl+Z and Del act on it from now on
        self.items.clear()
        contents = outcome.details.get("contents")
        for item in contents if isinstance(contents, list) else []:
            self.items.insertItem(0, str(item))
        destination = outcome.details.get("destination")
        if destination:
            self.destination.setText(str(destination))
        where = f" for {sack_destinations.shown(str(destination))}" if destination else ""
        self.sack_label.setText(f"Sack {outcome.id} open{where}")
        self._show_totals(outcome)

    def _sorted(self, outcome: Outcome) -> None:
        self.items.insertItem(0, outcome.id or "")
        self.items.setCurrentRow(0)  # Del takes out the newest unless another is chosen
        self._show_totals(outcome)

    def _out(self, outcome: Outcome) -> None:
        for row in range(self.items.count()):
            if self.items.item(row).text().split()[0] == outcome.id:
                self.items.takeItem(row)
                break
        self._show_totals(outcome)

    def _closed(self, outcome: Outcome) -> None:
        self.sack = None
        self._show_totals(outcome)
        self.items.clear()
        self.sack_label.setText(f"Sack {outcome.id} closed: scan or make the next sack")
        self.focus_scan_target()

    def _moved(self, outcome: Outcome) -> None:
        self.items.insertItem(0, f"{outcome.id} {outcome.message}")
