"""Carrier: load the round (out-for-delivery), then deliver with a signature, or record an attempt/delay."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from station.delivery import SignatureRefused
from station.desks.carrier import DOOR_REASONS
from station.desks.outcome import Outcome
from station.events import REASON_CODES, EventKind
from station.scanning import ITEM_KINDS, Identified, classify
from ui.context import AppContext
from ui.modes.base import Mode
from ui.widgets.signature_pad import SignaturePad

ROUND_LOADING = "Load the round (out for delivery)"
DELIVERING = "Deliver (scan the item at the door)"


class CarrierMode(Mode):
    """The van."""

    name, title = "carrier", "Carrier"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.stage = QComboBox()
        self.stage.addItems([ROUND_LOADING, DELIVERING])
        self.round = QListWidget()
        self.current = QLabel("No item selected")
        self.current.setStyleSheet("font-size:18px;font-weight:bold")
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("recipient's name, printed")
        self.pad = SignaturePad()
        clear = QPushButton("Clear")
        clear.clicked.connect(self.pad.clear)
        delivered = QPushButton("Delivered")
        delivered.clicked.connect(self.deliver)
        self.reason = QComboBox()
        for code in DOOR_REASONS:  # words for the carrier; the code goes into the journal
            self.reason.addItem(REASON_CODES[code], code)
        attempted = QPushButton("Attempted")
        attempted.clicked.connect(lambda: self.not_delivered(EventKind.ATTEMPTED))
        delayed = QPushButton("Delayed")
        delayed.clicked.connect(lambda: self.not_delivered(EventKind.DELAYED))
        self.round.currentTextChanged.connect(self.select)
        buttons = QHBoxLayout()
        for b in (clear, delivered):
            buttons.addWidget(b)
        other = QHBoxLayout()
        other.addWidget(self.reason)
        other.addWidget(attempted)
        other.addWidget(delayed)
        right = QVBoxLayout()
        right.addWidget(self.current)
        right.addWidget(self.name_field)
        right.addWidget(self.pad)
        right.addLayout(buttons)
        right.addLayout(other)
        right.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.stage)
        left.addWidget(QLabel("On the round"))
        left.addWidget(self.round)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)
        self.item: str | None = None
        self.last_pod: Path | None = None

    def handle_scan(self, raw: str) -> None:
        """Loading: out-for-delivery scan. At the door: select the item."""
        found = classify(raw)
        if not isinstance(found, Identified) or found.kind not in ITEM_KINDS:
            self.ctx.feedback.bad(
                found.reason if not isinstance(found, Identified) else f"{found.id}: not an item"
            )
            return
        if self.stage.currentText() == ROUND_LOADING:
            self._load(found.id)
        else:
            self.select(found.id)
            self.ctx.feedback.good(f"{found.id}: sign, then Delivered")

    def select(self, item: str) -> None:
        """Work on this item."""
        if item:
            self.item = item
            self.current.setText(item)
            self.pad.clear()
            self.name_field.clear()

    def deliver(self) -> None:
        """Delivered with signature and printed name: the carrier desk keeps the proof of delivery."""
        if self.item is None:
            self.ctx.feedback.bad("select or scan the item first")
            return
        name = self.name_field.text().strip()
        if len(name) < 2:
            self.ctx.feedback.bad("type the recipient's name")
            return
        signature = self.pad.signature()
        try:
            signature.check()  # said at once; the desk checks again
        except SignatureRefused as exc:
            self.ctx.feedback.bad(str(exc))
            return
        ctx, item = self.ctx, self.item
        ctx.background.run(
            lambda: ctx.carrier.deliver(item, signature, name, facility=ctx.facility, operator=ctx.operator),
            self._delivered,
        )

    def _delivered(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not recorded: {error}")
            return
        if not outcome.ok:
            self.ctx.feedback.bad(outcome.text)
            return
        self.last_pod = Path(outcome.details["proof_of_delivery"])
        self._remove(outcome.id)
        self.ctx.feedback.good(f"{outcome.id} delivered; proof of delivery saved")

    def not_delivered(self, kind: EventKind) -> None:
        """Attempted or delayed, with the chosen reason."""
        if self.item is None:
            self.ctx.feedback.bad("select or scan the item first")
            return
        ctx, item, reason = self.ctx, self.item, str(self.reason.currentData())
        act = ctx.carrier.attempt if kind is EventKind.ATTEMPTED else ctx.carrier.delay
        ctx.background.run(
            lambda: act(item, reason, facility=ctx.facility, operator=ctx.operator), self._recorded
        )

    def _load(self, item: str) -> None:
        ctx = self.ctx
        ctx.background.run(
            lambda: ctx.carrier.load(item, facility=ctx.facility, operator=ctx.operator), self._recorded
        )

    def _recorded(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None or not outcome.ok:
            self.ctx.feedback.bad(str(error) if error else (outcome.text if outcome else "refused"))
            return
        kind = outcome.stored.event.kind if outcome.stored else None
        if kind is EventKind.OUT_FOR_DELIVERY:
            self.round.addItem(outcome.id or "")
            self.ctx.feedback.good(f"{outcome.id} on the round ({self.round.count()})")
        else:
            self._remove(outcome.id)
            self.ctx.feedback.show(outcome)

    def _remove(self, item: str | None) -> None:
        for row in range(self.round.count()):
            if self.round.item(row).text() == item:
                self.round.takeItem(row)
                break
        self.item = None
        self.current.setText("No item selected")
        self.pad.clear()
