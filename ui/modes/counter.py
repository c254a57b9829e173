"""Counter: scan (or create) the item, weigh it, pick the service, address it, accept and print."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from hardware.protocols import WeightReading
from station.desks.counter import Acceptance, Piece, price
from station.desks.outcome import Outcome
from station.inputs import address_zip, parse_weight_g
from station.notify.phone import to_e164
from station.postage.rates import RateError, money
from station.scanning import ITEM_KINDS, Identified, classify
from ui.context import AppContext
from ui.modes.base import Mode

SERVICES = {
    "Ground Advantage": "ground",
    "Priority Mail": "priority",
    "Priority Mail Express": "express",
    "First-Class Letter": "letter",
}


class CounterMode(Mode):
    """Acceptance at the counter: after the scan, at most three actions (service, recipient, F9)."""

    name, title = "counter", "Counter"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText("scan the item, or leave empty for a new S10 label")
        self.weight = QLineEdit()
        self.weight.setPlaceholderText("from the scale, or type e.g. 1.2kg")
        self.scale = QLabel("scale: no reading")
        self.service = QComboBox()
        self.service.addItems(list(SERVICES))
        self.to_zip = QLineEdit()
        self.to_zip.setPlaceholderText("destination ZIP")
        self.signature = QCheckBox("signature on delivery")
        self.sender_box = QPlainTextEdit()
        self.sender_box.setPlaceholderText("sender: one line each")
        self.recipient = QPlainTextEdit()
        self.recipient.setPlaceholderText("recipient: name, street, city ZIP")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("mobile for SMS updates (optional)")
        self.price = QLabel("—")
        self.price.setStyleSheet("font-size:26px;font-weight:bold")
        self.accept_button = QPushButton("Accept and print  (F9)")
        self.accept_button.setStyleSheet("font-size:18px;padding:10px")
        self.accept_button.clicked.connect(self.accept_piece)
        QShortcut(QKeySequence("F9"), self, self.accept_piece)
        self.last: Acceptance | None = None
        self._accepting = False
        form = QFormLayout()
        form.addRow("Item", self.tracking)
        form.addRow("Weight", self.weight)
        form.addRow("", self.scale)
        form.addRow("Service", self.service)
        form.addRow("To ZIP", self.to_zip)
        form.addRow("", self.signature)
        grid = QGridLayout()
        grid.addWidget(QLabel("Sender"), 0, 0)
        grid.addWidget(QLabel("Recipient"), 0, 1)
        grid.addWidget(self.sender_box, 1, 0)
        grid.addWidget(self.recipient, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(grid)
        layout.addWidget(self.phone)
        layout.addWidget(self.price, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.accept_button)
        for field in (self.weight, self.to_zip):
            field.textChanged.connect(self.update_price)
        self.service.currentIndexChanged.connect(self.update_price)
        self.signature.toggled.connect(self.update_price)
        ctx.bridge.weight.connect(self.on_weight)

    def handle_scan(self, raw: str) -> None:
        """An item id fills the item field (and starts a new transaction)."""
        found = classify(raw)
        if not isinstance(found, Identified) or found.kind not in ITEM_KINDS:
            reason = found.reason if not isinstance(found, Identified) else f"{found.id} is not an item id"
            self.ctx.feedback.bad(reason)
            return
        if self._accepting:
            self.ctx.feedback.bad("finish the acceptance in progress first")
            return
        # A new item starts from a clean form: nothing of the previous customer's carries over.
        self.tracking.setText(found.id)
        self.to_zip.setText(found.routing_zip[:5] if found.routing_zip else "")
        self.recipient.clear()
        self.phone.clear()
        self.ctx.feedback.good(f"{found.id}: weigh, address, F9")
        self.recipient.setFocus()

    def on_weight(self, reading: WeightReading) -> None:
        """Live scale reading: stable weights fill the weight field; motion is shown as such."""
        if reading.usable and reading.grams is not None:
            self.scale.setText(f"scale: {reading.grams / 1000:.3f} kg STABLE")
            self.scale.setStyleSheet("color:#1b7f3b;font-weight:bold")
            text = f"{reading.grams}g"
            if self.weight.text() != text:
                self.weight.setText(text)
        else:
            self.scale.setText(f"scale: {reading.detail or reading.status} (not stable)")
            self.scale.setStyleSheet("color:#b3261e")

    def _piece(self) -> Piece:
        grams = parse_weight_g(self.weight.text() or "0")
        sender = tuple(line for line in self.sender_box.toPlainText().splitlines() if line.strip())
        recipient = tuple(line for line in self.recipient.toPlainText().splitlines() if line.strip())
        if len(recipient) < 2:
            raise ValueError("recipient needs at least a name and a street and city line")
        return Piece(
            weight_g=grams,
            from_zip=self.ctx.station.config.origin_zip,
            to_zip=self.to_zip.text().strip(),
            service=SERVICES[self.service.currentText()],
            sender=sender,
            recipient=recipient,
            tracking=self.tracking.text().strip() or None,
            signature=self.signature.isChecked(),
        )

    def update_price(self) -> None:
        """Price as the clerk types (rates are local data read once: fast enough for the UI thread)."""
        try:
            piece = Piece(
                weight_g=parse_weight_g(self.weight.text() or "0"),
                from_zip=self.ctx.station.config.origin_zip,
                to_zip=self.to_zip.text().strip(),
                service=SERVICES[self.service.currentText()],
                sender=(),
                recipient=(),
                signature=self.signature.isChecked(),
            )
            quote = price(piece, self.ctx.station.clock().date())
        except (RateError, ValueError) as exc:
            self.price.setText(str(exc) if self.weight.text() and self.to_zip.text() else "—")
            self.price.setStyleSheet("font-size:14px;color:#b3261e")
            return
        self.price.setText(money(quote.total_cents))
        self.price.setStyleSheet("font-size:26px;font-weight:bold")

    def accept_piece(self) -> None:
        """The counter desk's acceptance, on the I/O thread (one transaction); once per item however
        fast F9 is pressed."""
        if self._accepting:
            return  # the first press is being accepted: a second one must not accept (and charge) again
        if not self.to_zip.text().strip():  # read from the address when not typed
            written = address_zip(tuple(self.recipient.toPlainText().splitlines()))
            if written:
                self.to_zip.setText(written)
        try:
            piece = self._piece()
            phone = self.phone.text().strip() or None
            if phone:
                to_e164(phone)  # said at once, before the clerk waits for anything
        except (ValueError, RateError) as exc:
            self.ctx.feedback.bad(str(exc))
            return
        ctx = self.ctx
        self._accepting = True
        self.accept_button.setEnabled(False)
        ctx.background.run(
            lambda: ctx.counter.accept(piece, facility=ctx.facility, operator=ctx.operator, phone=phone),
            self._accepted,
        )

    def _accepted(self, done: Acceptance | Outcome | None, error: BaseException | None) -> None:
        self._accepting = False
        self.accept_button.setEnabled(True)
        if error is not None or done is None:
            self.ctx.feedback.bad(f"not accepted: {error}")
            return
        if not isinstance(done, Acceptance):
            self.ctx.feedback.bad(f"not accepted: {done.reason}")
            return
        self.last = done
        self.ctx.preview.show_label(done.label, f"label {done.tracking}")
        self.ctx.wake_printer(self.ctx.station.config.devices.printer)
        self.ctx.wake_printer(self.ctx.station.config.devices.receipt_printer)
        self.phone.clear()
        self.ctx.feedback.good(done.text)
        self.tracking.clear()
        self.recipient.clear()
        self.to_zip.clear()
