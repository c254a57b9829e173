"""The customs declaration of an item abroad, as the CN 22 / CN 23 asks it: the category, then one row
per kind of content. The counter desk checks it (vague words, HS codes, weights); this only collects.

Worked by keyboard: a grid of plain text fields (no table editors to open, so no key is lost while one
opens), Tab going cell to cell along a row and on to the next, Ctrl+Enter taking the declaration, Esc
leaving it unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from station.abroad.customs import Category

COLUMNS = (
    ("description", "Detailed description"),
    ("quantity", "Qty"),
    ("value", "Value"),
    ("weight_g", "Net g"),
    ("hs_code", "HS code"),
    ("origin_country", "Origin"),
)
ROWS = 6
AT_FAULT = "border:2px solid #b3261e"
FIELD_WORDS = {key: words for key, words in COLUMNS} | {"weight_g": "net weight (g)", "currency": "currency"}


def in_form_words(problem: str) -> str:
    """A desk's problem in this form's words: its rows and column headings, not the JSON keys a file
    on the command line uses ("line 2: hs_code must be" is "row 2: HS code must be")."""
    said = re.sub(r"^line (\d+):", r"row \1:", problem)
    for key, words in FIELD_WORDS.items():
        said = said.replace(f": {key} ", f": {words} ").replace(f": {key},", f": {words},")
    return said


CATEGORY_WORDS = {
    Category.GIFT: "Gift",
    Category.DOCUMENTS: "Documents",
    Category.SALE: "Sale of goods",
    Category.RETURNED: "Returned goods",
    Category.SAMPLE: "Commercial sample",
    Category.OTHER: "Other",
}


class CustomsDialog(QDialog):
    """`declaration()` gives the JSON-shaped dict the counter desk checks (None when no row is filled)."""

    def __init__(
        self,
        parent: QWidget | None,
        current: dict[str, Any] | None = None,
        *,
        faults: list[tuple[int, str]] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customs declaration (CN 22 / CN 23)")
        self.category = QComboBox()
        for category, words in CATEGORY_WORDS.items():
            self.category.addItem(words, str(category))
        self.currency = QLineEdit("USD")
        self.currency.setMaxLength(3)
        self.invoice = QLineEdit()
        self.invoice.setPlaceholderText("invoice number (sale of goods)")
        grid = QGridLayout()
        for column, (_key, words) in enumerate(COLUMNS):
            grid.addWidget(QLabel(words), 0, column)
        self.cells = [[QLineEdit() for _column in COLUMNS] for _row in range(ROWS)]
        for row, fields in enumerate(self.cells):
            for column, field in enumerate(fields):
                grid.addWidget(field, row + 1, column)
        grid.setColumnStretch(0, 4)
        form = QFormLayout()
        form.addRow("Category", self.category)
        form.addRow("Currency", self.currency)
        form.addRow("Invoice", self.invoice)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(grid)
        self.problems = QLabel("\n".join(in_form_words(problem) for problem in problems or []))
        self.problems.setWordWrap(True)  # every problem, whole: none cut off at the edge
        self.problems.setStyleSheet("color:#b3261e")
        layout.addWidget(self.problems)
        layout.addWidget(QLabel("Ctrl+Enter: take the declaration    Esc: leave it"))
        self.resize(820, 420)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.accept)
        if current:
            self._fill(current)
        self._mark(faults or [])
        self.category.setFocus()

    def _mark(self, faults: list[tuple[int, str]]) -> None:
        """A red frame on each cell a problem is about (line 0: the whole declaration's field)."""
        keys = [key for key, _words in COLUMNS]
        for line, key in faults:
            if key == "category":
                self.category.setStyleSheet(AT_FAULT)
            elif key == "currency":
                self.currency.setStyleSheet(AT_FAULT)
            elif key == "invoice":
                self.invoice.setStyleSheet(AT_FAULT)
            elif key in keys:
                rows = [line - 1] if line > 0 else [r for r in range(ROWS) if self._cell(r, 0)]
                for row in rows:
                    if 0 <= row < ROWS:
                        self.cells[row][keys.index(key)].setStyleSheet(AT_FAULT)

    def _fill(self, current: dict[str, Any]) -> None:
        index = self.category.findData(current.get("category"))
        self.category.setCurrentIndex(max(index, 0))
        self.invoice.setText(str(current.get("invoice", "")))
        for row, item in enumerate(current.get("items", [])[:ROWS]):
            self.currency.setText(str(item.get("currency", "USD")))
            for column, (key, _words) in enumerate(COLUMNS):
                self.cells[row][column].setText(str(item.get(key, "")))

    def declaration(self) -> dict[str, Any] | None:
        """The rows filled in, as the desk reads a declaration file; numbers that are not numbers are
        passed on as typed, so the desk's refusal names them."""
        items = []
        for row in range(ROWS):
            cells = {key: self._cell(row, column) for column, (key, _words) in enumerate(COLUMNS)}
            if not any(cells.values()):
                continue
            items.append(
                {
                    "description": cells["description"],
                    "quantity": _whole(cells["quantity"] or "1"),
                    "value": cells["value"],
                    "currency": self.currency.text().strip().upper(),
                    "weight_g": _whole(cells["weight_g"]),
                    "hs_code": cells["hs_code"],
                    "origin_country": cells["origin_country"].upper(),
                }
            )
        if not items:
            return None
        declaration: dict[str, Any] = {"category": self.category.currentData(), "items": items}
        if self.invoice.text().strip():
            declaration["invoice"] = self.invoice.text().strip()
        return declaration

    def _cell(self, row: int, column: int) -> str:
        return self.cells[row][column].text().strip()


def _whole(text: str) -> int | str:
    return int(text) if text.isascii() and text.isdigit() else text
