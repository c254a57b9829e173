"""What a screen is: a widget that may take scans."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import AppContext


class Mode(QWidget):
    """One screen of the main window."""

    name = ""
    title = ""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def handle_scan(self, raw: str) -> None:
        """A scan arrived while this screen is shown (default: look it up)."""
        self.ctx.feedback.bad("this screen does not take scans: switch to Counter, Depot, Carrier or Track")

    def activated(self) -> None:
        """The screen was just shown."""
