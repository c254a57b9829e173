"""Operators (an admin's screen): add one, enable or disable, reset a PIN, print a badge. Every act is
the operator desk's, with the signed-in admin's PIN asked each time, as on the command line."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout

from station.desks.outcome import Outcome
from station.office.operators import Operator, Role
from ui.context import AppContext
from ui.modes.base import Mode


class OperatorsMode(Mode):
    """The station's operators, each on a line; the selected one is acted on."""

    name, title = "operators", "Operators"
    hint = "F9 adds the operator typed; select one: F7 enables or disables, F8 resets the PIN, Ctrl+P badge"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.name_box = QLineEdit()
        self.name_box.setPlaceholderText("a new operator's name, e.g. ann.lee")
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(str(role), str(role))
        adder = QPushButton("Add  F9")
        adder.clicked.connect(self.add_operator)
        self.people = QListWidget()
        self._shown: list[Operator] = []
        top = QHBoxLayout()
        top.addWidget(self.name_box, 2)
        top.addWidget(self.role)
        top.addWidget(adder)
        buttons = QHBoxLayout()
        for words, act in (
            ("Enable / disable  F7", self.toggle_enabled),
            ("Reset PIN  F8", self.reset_pin),
            ("Print badge  Ctrl+P", self.print_badge),
        ):
            button = QPushButton(words)
            button.clicked.connect(act)
            buttons.addWidget(button)
        adder.setFocusPolicy(adder.focusPolicy().NoFocus)  # F9 does it
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.people, 1)
        layout.addLayout(buttons)
        # Tab from the name reaches the role, then the list (arrows choose whom F7, F8 and Ctrl+P act on).
        self.setTabOrder(self.name_box, self.role)
        self.setTabOrder(self.role, self.people)

    def activated(self) -> None:
        self.refresh()

    def focus_scan_target(self) -> None:
        """The name box, to type a new operator at once, unless the list is being worked."""
        if not self.people.hasFocus() and not self.role.hasFocus():
            self.name_box.setFocus()

    def refresh(self, keep: str | None = None) -> None:
        """Every operator, read on the I/O thread."""
        desk = self.ctx.operators
        self.ctx.background.run(desk.listing, lambda found, error: self._listed(found, error, keep))

    def _listed(self, found: list[Operator] | None, error: BaseException | None, keep: str | None) -> None:
        if error is not None or found is None:
            self.ctx.feedback.bad(f"operators not read: {error}")
            return
        selected = self._selected()
        wanted = keep or (selected.name if selected is not None else None)
        self._shown = found
        self.people.clear()
        for person in found:
            state = "enabled" if person.enabled else f"DISABLED ({person.disabled_why or 'by an admin'})"
            wrong = f", {person.wrong_pins} wrong PINs" if person.wrong_pins else ""
            self.people.addItem(f"{person.name:<20} {person.role:<11} {person.badge}  {state}{wrong}")
        for row, person in enumerate(found):
            if person.name == wanted:
                self.people.setCurrentRow(row)
        if self.people.currentRow() < 0 and found:
            self.people.setCurrentRow(0)

    def _selected(self) -> Operator | None:
        row = self.people.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _admin_pin(self, act: str) -> tuple[str | None, str | None] | None:
        """(admin, PIN) for an admin's act: the signed-in operator's PIN asked again; (None, None) at a
        station with no operators yet (its first is added without one); None when cancelled."""
        session = self.ctx.session
        if not self.ctx.staffed or session is None:
            return None, None
        pin = self.ask(f"{act}: your PIN", f"{session.name}, your PIN to {act}", secret=True)
        return None if pin is None else (session.name, pin)

    def _new_pin(self, whose: str) -> str | None:
        first = self.ask("New PIN", f"{whose}'s new PIN (4 to 12 digits, or 8+ characters)", secret=True)
        if first is None:
            return None
        again = self.ask("New PIN again", f"{whose}'s new PIN again", secret=True)
        if again is None:
            return None
        if again != first:
            self.ctx.feedback.bad("the two PINs differ: nothing was changed; type the same PIN twice")
            return None
        return first

    def add_operator(self) -> None:
        """F9: the operator typed, with the role chosen and a first PIN (they change it themselves)."""
        name, role = self.name_box.text().strip(), str(self.role.currentData())
        if not name:
            self.ctx.feedback.bad("type the new operator's name first")
            self.name_box.setFocus()
            return
        admin = self._admin_pin(f"add {name}")
        pin = self._new_pin(name) if admin is not None else None
        if admin is None or pin is None:
            return
        desk = self.ctx.operators
        self.ctx.background.run(lambda: desk.add(name, role, pin, *admin), self._done)

    def toggle_enabled(self) -> None:
        """F7: the selected operator disabled, or enabled again (after five wrong PINs too)."""
        person = self._selected()
        if person is None:
            self.ctx.feedback.bad("select an operator first (arrows)")
            return
        act = "disable" if person.enabled else "enable"
        admin = self._admin_pin(f"{act} {person.name}")
        if admin is None:
            return
        desk = self.ctx.operators
        self.ctx.background.run(lambda: desk.set_enabled(person.name, not person.enabled, *admin), self._done)

    def reset_pin(self) -> None:
        """F8: the selected operator given a new PIN (journalled)."""
        person = self._selected()
        if person is None:
            self.ctx.feedback.bad("select an operator first (arrows)")
            return
        admin = self._admin_pin(f"reset {person.name}'s PIN")
        pin = self._new_pin(person.name) if admin is not None else None
        if admin is None or pin is None:
            return
        desk = self.ctx.operators
        self.ctx.background.run(lambda: desk.reset_pin(person.name, pin, *admin), self._done)

    def print_badge(self) -> None:
        """Ctrl+P: the selected operator's badge on the label printer."""
        person = self._selected()
        if person is None:
            self.ctx.feedback.bad("select an operator first (arrows)")
            return
        desk = self.ctx.operators
        self.ctx.background.run(lambda: desk.print_badge(person.name), self._done)

    def _done(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not done: {error}")
            return
        if outcome.ok:
            self.ctx.feedback.good(outcome.text)
            if outcome.id and self.name_box.text().strip() == outcome.id:
                self.name_box.clear()
        else:
            self.ctx.feedback.bad(outcome.text)
        self.refresh(keep=outcome.id)
