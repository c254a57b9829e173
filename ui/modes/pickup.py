"""Pickup: the office's shelf of held items. A carrier's returned item is put on a shelf (F7); a customer
collecting one has their notice card scanned (the item and its code in one scan) or is found by name, shows
ID (its kind and the last 4 characters are typed, never the whole number), and gives the code or signs;
F9 hands the item over."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from station.desks.outcome import Outcome
from station.desks.pickup import ID_KINDS, HeldItem, card_item
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.items.delivery import SignatureRefused
from ui.context import AppContext
from ui.modes.base import Mode
from ui.widgets.signature_pad import SignaturePad

COLUMNS = ["Shelf", "Item", "Addressee", "Since", "Until"]


class PickupMode(Mode):
    """Held items and their hand-over."""

    name, title = "pickup", "Pickup"
    hint = "scan the customer's notice card (or find them by name), check ID, F9 hands it over"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.search = QLineEdit()
        self.search.setPlaceholderText("find by the addressee's name")
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellClicked.connect(lambda row, _col: self._picked(row))
        self.current = QLabel("No item selected")
        self.current.setStyleSheet("font-size:18px;font-weight:bold")
        self.id_kind = QComboBox()
        self.id_kind.addItems(list(ID_KINDS))
        self.id_last4 = QLineEdit()
        self.id_last4.setPlaceholderText("ID: the last 4 characters of its number")
        self.id_last4.setMaxLength(4)
        self.code = QLineEdit()
        self.code.setPlaceholderText("pickup code (filled by the card's scan), or the customer signs")
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.setMaxLength(6)
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("who collects it, printed (with a signature)")
        self.pad = SignaturePad()
        self.shelf = QLineEdit()
        self.shelf.setPlaceholderText("shelf (e.g. A3), then F7 puts the scanned item on it")
        self.shelf.setMaxLength(8)
        buttons = QHBoxLayout()
        for text, slot in (("On the shelf  F7", self.put_on_shelf), ("Hand over  F9", self.hand_over)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, slot=slot: slot())
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.table)
        right = QVBoxLayout()
        right.addWidget(self.current)
        ids = QHBoxLayout()
        ids.addWidget(self.id_kind)
        ids.addWidget(self.id_last4)
        right.addLayout(ids)
        right.addWidget(self.code)
        right.addWidget(self.name_field)
        right.addWidget(self.pad)
        right.addWidget(self.shelf)
        right.addLayout(buttons)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.item: str | None = None

    def activated(self) -> None:
        """The shelf read again each time the screen is shown."""
        self.refresh()

    def refresh(self) -> None:
        """The held items (those whose addressee's name holds what is typed in Find)."""
        ctx, wanted = self.ctx, self.search.text().strip()
        desk = ctx.desks.pickup
        ctx.background.run(
            lambda: desk.find(wanted, ctx.facility) if wanted else desk.held(ctx.facility), self._show
        )

    def _show(self, held: list[HeldItem] | None, error: BaseException | None) -> None:
        if error is not None or held is None:
            self.ctx.feedback.bad(f"the shelf could not be read: {error}")
            return
        self.table.setRowCount(len(held))
        for row, h in enumerate(held):
            for col, text in enumerate((h.shelf, h.item_id, h.name, f"{h.since:%d %b}", f"{h.until:%d %b}")):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, cell)

    def _picked(self, row: int) -> None:
        cell = self.table.item(row, 1)
        if cell is not None:
            self.select(cell.text(), "")

    def handle_scan(self, raw: str) -> None:
        """A notice card (item/code) or an item's barcode: that item is the one handed over or shelved."""
        item_part, _, code = raw.strip().partition("/")
        found = classify(card_item(item_part))
        if not isinstance(found, Identified) or found.kind not in ITEM_KINDS:
            self.ctx.feedback.bad(
                found.reason if not isinstance(found, Identified) else f"{found.id}: not an item"
            )
            return
        self.select(found.id, code)
        said = (
            "card scanned: check ID (last 4), F9" if code else "item scanned: its code or a signature, ID, F9"
        )
        self.ctx.feedback.good(f"{found.id}: {said}")

    def select(self, item: str, code: str) -> None:
        """Work on `item` (its code, when a card gave it)."""
        self.item = item
        self.current.setText(item)
        self.code.setText(code)
        self.pad.clear()
        self.name_field.clear()
        self.id_last4.clear()
        self.id_last4.setFocus()

    def clear_signature(self) -> None:
        """Esc."""
        self.pad.clear()

    def focus_scan_target(self) -> None:
        """The ID's last 4 once an item is chosen, else the name search."""
        (self.id_last4 if self.item else self.search).setFocus()

    def put_on_shelf(self) -> None:
        """F7: the scanned item onto the shelf typed."""
        if self.item is None:
            self.ctx.feedback.bad("scan the item first")
            return
        ctx, item, shelf = self.ctx, self.item, self.shelf.text().strip()
        ctx.background.run(
            lambda: ctx.desks.pickup.hold(item, shelf, facility=ctx.facility, operator=ctx.operator),
            self._done,
        )

    def hand_over(self) -> None:
        """F9: ID, and the code or a signature."""
        if self.item is None:
            self.ctx.feedback.bad("scan the notice card or the item, or pick one from the shelf")
            return
        last4 = self.id_last4.text().strip()
        if len(last4) < 4:
            self.ctx.feedback.bad("check the customer's ID: type the last 4 characters of its number")
            self.id_last4.setFocus()
            return
        code = self.code.text().strip() or None
        signature = None if self.pad.is_empty() else self.pad.signature()
        if signature is not None:
            try:
                signature.check()
            except SignatureRefused as exc:
                self.ctx.feedback.bad(str(exc))
                return
        ctx, item = self.ctx, self.item
        document = f"{self.id_kind.currentText()}:{last4}"
        name = self.name_field.text()
        ctx.background.run(
            lambda: ctx.desks.pickup.release(
                item,
                id_document=document,
                code=code,
                signature=signature,
                name=name,
                facility=ctx.facility,
                operator=ctx.operator,
            ),
            self._done,
        )

    def _done(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not recorded: {error}")
            return
        self.ctx.feedback.show(outcome)
        if outcome.ok:
            self.item = None
            self.current.setText("No item selected")
            self.code.clear()
            self.id_last4.clear()
            self.pad.clear()
            self.shelf.clear()
            self.refresh()
