"""What a screen is: a widget that may take scans, with its hotkey actions (see ui.keymap)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from station.desks.outcome import Outcome
from ui.context import AppContext


class Mode(QWidget):
    """One screen of the main window."""

    name = ""
    title = ""
    hint = "ready"  # what the screen waits for, shown in the banner when it comes to the front

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def always_in_view(self) -> dict[str, QWidget]:
        """What the clerk must see on this screen whatever the screen's size (checked by the window)."""
        return {}

    def handle_scan(self, raw: str) -> None:
        """A scan arrived while this screen is shown (default: refuse it, saying where scans go)."""
        self.ctx.feedback.bad("this screen does not take scans: switch to Counter, Depot, Carrier or Track")

    def activated(self) -> None:
        """The screen was just shown."""

    def ask_supervisor(self, action: str, reason: str = "") -> tuple[str, str, str] | None:
        """(supervisor, PIN, reason) from the supervisor at the clerk's window; None when cancelled.
        A badge scanned while the question is open goes into it."""
        from ui.widgets.supervisor_dialog import SupervisorDialog

        dialog = SupervisorDialog(self, action, reason)
        return dialog.answer() if self._answered(dialog, dialog.take_scan) else None

    def ask(
        self, title: str, label: str, *, for_an_id: bool = False, secret: bool = False, text: str = ""
    ) -> str | None:
        """A one-line question; its answer, or None when cancelled. A scan while it is open never goes
        to the screen behind it: it answers a question about an id, and is refused by any other.
        `secret`: a PIN, never shown."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        if secret:
            dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setTextValue(text)  # what Enter takes as it is (the last item, for a reprint)

        def take_scan(text: str) -> None:
            if for_an_id:
                dialog.setTextValue(text.strip())
                dialog.accept()
            else:
                self.ctx.feedback.bad(f"scan not taken: answer the {title!r} question or press Esc first")

        return dialog.textValue() if self._answered(dialog, take_scan) else None

    def _answered(self, dialog: QDialog, take_scan: Callable[[str], None]) -> bool:
        """Run a modal question with every scan going to `take_scan`; True when it was answered. The
        window has the keys back afterwards."""
        self.ctx.scan_sink = take_scan
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            self.ctx.scan_sink = None
            self.back_from_dialog()

    def supervised_retry(
        self,
        refusal: Outcome,
        asked: bool,
        action: str,
        reason: str,
        again: Callable[[tuple[str, str, str]], None],
    ) -> bool:
        """A refusal a supervisor can lift (`asked`: one was asked already): ask them, and with their
        answer do it `again`. True when the supervisor was asked."""
        if asked or not self.ctx.staffed or not refusal.details.get("needs_supervisor"):
            return False
        who = self.ask_supervisor(action, reason)
        if who is not None:
            again(who)
        return True

    def back_from_dialog(self) -> None:
        """After a modal question: the main window active again, the keyboard where it was going."""
        self.window().activateWindow()
        self.focus_scan_target()

    def focus_scan_target(self) -> None:
        """Where the keyboard goes after every action (scans need no focus: the wedge filter takes them)."""
        self.setFocus()
