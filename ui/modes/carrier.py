"""Carrier: load the round (out-for-delivery), then deliver with a signature, or record an attempt/delay.

The round is the journal's (it survives a restart) and shows each address. At the door a delivery is
the scan, the signature, the name of whoever signed (the addressee's is offered as its completion) and
F9; handed to a neighbour (their name and house, a signature or a photo) or left in a safe place (where,
and a photo). Ctrl+P takes the photo from the camera (the running camera's latest frame, else the
configured one), faces blurred before anything keeps it. An attempt prints a notice card when asked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from station.desks.carrier import DOOR_REASONS, RoundStop
from station.desks.outcome import Outcome
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.items.delivery import SignatureRefused
from station.model.events import REASON_CODES, EventKind
from ui.context import AppContext
from ui.modes.base import Mode
from ui.widgets.signature_pad import SignaturePad

ROUND_LOADING = "Load the round: scan items into the van (F7)"
DELIVERING = "At the door: scan the item, sign, F9 (F8)"
ITEM_ROLE = Qt.ItemDataRole.UserRole
HANDED = (
    ("addressee", "to the addressee (who signs)"),
    ("neighbour", "to a neighbour (name, house; signs or a photo)"),
    ("safe-place", "left in a safe place (where; a photo)"),
)


class CarrierMode(Mode):
    """The van."""

    name, title = "carrier", "Carrier"
    hint = "F7 load the round, F8 at the door: scan, sign, F9"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.stage = QComboBox()
        self.stage.addItems([ROUND_LOADING, DELIVERING])
        self.round = QListWidget()
        self.current = QLabel("No item selected")
        self.current.setStyleSheet("font-size:18px;font-weight:bold")
        self.current.setFixedHeight(30)
        self.address = QLabel("")
        self.address.setFixedHeight(24)
        self.name_field = QLineEdit()
        self.name_field.setPlaceholderText("recipient's name, printed")
        self.code_field = QLineEdit()
        self.code_field.setPlaceholderText("PIN on delivery: the code the recipient tells you (then F9)")
        self.code_field.setEchoMode(QLineEdit.EchoMode.Password)  # what the recipient says stays theirs
        self.code_field.setMaxLength(4)
        self.handed = QComboBox()
        for value, words in HANDED:
            self.handed.addItem(words, value)
        self.where_field = QLineEdit()
        self.where_field.setPlaceholderText(
            "the neighbour's house, or where it was left (e.g. behind the gate)"
        )
        self.where_field.setMaxLength(80)
        self.photo_state = QLabel("no photo (Ctrl+P takes one)")
        self.photo: bytes | None = None
        self.frame_image: object | None = None  # the running camera's latest frame
        ctx.bridge.frame.connect(self._keep_frame)
        self.pad = SignaturePad()
        self.reason = QComboBox()
        self.notice = QCheckBox("print a notice card (where it waits, the pickup code)")
        self.notice.setChecked(True)
        for code in DOOR_REASONS:  # words for the carrier; the code goes into the journal
            self.reason.addItem(REASON_CODES[code], code)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Clear Esc", self.clear_signature),
            ("Photo  ^P", self.take_photo),
            ("Delivered  F9", self.deliver),
            ("Attempted  F10", self.attempted),
            ("Delayed  ^D", self.delayed),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, slot=slot: slot())
            buttons.addWidget(button)
        self.round.currentItemChanged.connect(self._picked)
        right = QVBoxLayout()
        right.addWidget(self.current)
        right.addWidget(self.address)
        right.addWidget(self.name_field)
        right.addWidget(self.code_field)
        right.addWidget(self.pad)
        right.addWidget(self.handed)
        right.addWidget(self.where_field)
        right.addWidget(self.photo_state)
        right.addWidget(self.reason)
        right.addWidget(self.notice)
        right.addLayout(buttons)
        right.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.stage)
        self.round_title = QLabel("On the round")
        left.addWidget(self.round_title)
        left.addWidget(self.round)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self.item: str | None = None
        self.by_code = False  # the item at the door is delivered against its code
        self.stops: dict[str, RoundStop] = {}
        self.last_pod: Path | None = None
        self._restored = False

    def activated(self) -> None:
        """The first time the van is shown, the round is read back from the journal."""
        if self._restored:
            return
        self._restored = True
        ctx = self.ctx
        ctx.background.run(lambda: ctx.carrier.round(ctx.facility), self._show_round)

    def _show_round(self, stops: list[RoundStop] | None, error: BaseException | None) -> None:
        if error is not None or stops is None:
            self.ctx.feedback.bad(f"the round could not be read: {error}")
            return
        for stop in stops:
            self._add_stop(stop)

    def _add_stop(self, stop: RoundStop) -> None:
        if stop.item_id in self.stops:
            return
        self.stops[stop.item_id] = stop
        chose = f"\n   customer chose: {stop.choice}" if stop.choice else ""
        row = QListWidgetItem(f"{stop.item_id}\n   {stop.address}{chose}")
        row.setData(ITEM_ROLE, stop.item_id)
        self.round.addItem(row)
        self.round_title.setText(f"On the round ({self.round.count()})")

    def focus_scan_target(self) -> None:
        """At the door: the code field for a PIN-on-delivery item, the place for a safe place, else the
        name field (typing replaces the offered name); else the round."""
        if self.stage.currentText() == DELIVERING and self.item is not None:
            if self.by_code:
                self.code_field.setFocus()
            elif str(self.handed.currentData()) == "safe-place":
                self.where_field.setFocus()
            else:
                self.name_field.setFocus()
        else:
            self.round.setFocus()

    def loading_stage(self) -> None:
        """F7."""
        self.stage.setCurrentText(ROUND_LOADING)
        self.ctx.feedback.idle("loading: scan each item going into the van")

    def door_stage(self) -> None:
        """F8."""
        self.stage.setCurrentText(DELIVERING)
        self.ctx.feedback.idle("at the door: scan the item, sign, then F9")

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
            carrier = self.ctx.carrier
            self.ctx.background.run(lambda: carrier.at_door(found.id), self._at_door)

    def _at_door(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not read: {error}")
            return
        if not outcome.ok or outcome.id is None:
            self.ctx.feedback.bad(outcome.text)
            return
        if outcome.id not in self.stops:  # delivered off the round: its address from the journal
            self.stops[outcome.id] = RoundStop(
                outcome.id,
                str(outcome.details["address"]),
                str(outcome.details["name"]),
                str(outcome.details.get("choice") or ""),
            )
        self.select(outcome.id)
        chosen = str(outcome.details.get("chosen") or "")
        if chosen in ("safe-place", "neighbour"):  # the customer's choice, filled in for the carrier
            self.handed.setCurrentIndex(self.handed.findData(chosen))
            self.where_field.setText(str(outcome.details.get("chosen_where") or ""))
            if chosen == "neighbour":
                self.name_field.setText(str(outcome.details.get("chosen_name") or ""))
            self.focus_scan_target()
        self.by_code = bool(outcome.details.get("by_code"))
        if self.by_code:
            self.code_field.setFocus()  # PIN on delivery: the code the recipient says, then F9
        self.ctx.feedback.show(outcome)

    def _picked(self, row: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if row is not None:
            self.select(str(row.data(ITEM_ROLE)))

    def select(self, item: str) -> None:
        """Work on this item: its address shown, its addressee offered as the printed name."""
        if not item or item == self.item:
            return
        self.item = item
        self.by_code = False
        stop = self.stops.get(item)
        self.current.setText(item)
        chose = f"\nTHE CUSTOMER CHOSE: {stop.choice}" if stop and stop.choice else ""
        self.address.setText((stop.address if stop else "not on this round") + chose)
        self.pad.clear()
        self.photo = None
        self.photo_state.setText("no photo (Ctrl+P takes one)")
        self.where_field.clear()
        self.handed.setCurrentIndex(0)  # the addressee, unless the customer chose otherwise
        # Offered, never assumed: the name is typed by whoever signed (a neighbour signs for many); the
        # addressee's is a completion the first letters bring up.
        self.name_field.clear()
        addressee = stop.name if stop else ""
        self.name_field.setPlaceholderText(
            f"who signed? (the addressee: {addressee})" if addressee else "who signed? their name, printed"
        )
        completer = QCompleter([addressee] if addressee else [], self.name_field)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.name_field.setCompleter(completer)
        self.name_field.setFocus()

    def clear_signature(self) -> None:
        """Esc."""
        self.pad.clear()

    def next_handed(self) -> None:
        """Ctrl+N: handed to the addressee, a neighbour, or left in a safe place (the next of the three);
        the keyboard goes to what that needs next."""
        self.handed.setCurrentIndex((self.handed.currentIndex() + 1) % self.handed.count())
        handed = str(self.handed.currentData())
        self.ctx.feedback.idle(f"delivered {self.handed.currentText()}")
        (self.where_field if handed == "safe-place" else self.name_field).setFocus()

    def _keep_frame(self, result: object) -> None:
        self.frame_image = getattr(result, "image", None)

    def take_photo(self) -> None:
        """Ctrl+P: a photo of the parcel at the door, from the running camera's latest frame or the
        configured camera; its faces blurred and its size cut in the background."""
        if self.item is None:
            self.ctx.feedback.bad("scan the item first (F8: at the door)")
            return
        frame, url = self.frame_image, self.ctx.station.config.devices.camera
        self.photo_state.setText("taking the photo...")

        def taken() -> tuple[bytes, int]:
            from hardware.camera.photo import door_photo, take_photo

            photo = door_photo(frame if frame is not None else take_photo(url))  # type: ignore[arg-type]
            return photo.jpeg, len(photo.faces)

        self.ctx.background.run(taken, self._photo_taken)

    def _photo_taken(self, result: tuple[bytes, int] | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self.photo = None
            self.photo_state.setText("no photo (Ctrl+P takes one)")
            self.ctx.feedback.bad(f"no photo: {error}")
            return
        self.photo, faces = result
        blurred = f", {faces} face(s) blurred" if faces else ""
        self.photo_state.setText(f"photo taken ({len(self.photo) // 1000} KB{blurred})")
        self.ctx.feedback.good(f"photo taken{blurred}: F9 when delivered")

    def back_at_the_office(self) -> None:
        """Ctrl+Shift+B: the round ends; what was not delivered is back at the delivery office."""
        ctx = self.ctx
        ctx.background.run(
            lambda: ctx.carrier.back_at_the_office(facility=ctx.facility, operator=ctx.operator), self._back
        )

    def _back(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not recorded: {error}")
            return
        items = outcome.details.get("items")
        for item in items if isinstance(items, list) else []:
            self._remove(str(item))
        self.ctx.feedback.show(outcome)

    def deliver(self, who: tuple[str, str, str] | None = None) -> None:
        """F9: delivered against the recipient's code (PIN on delivery), else with signature and printed
        name; the carrier desk keeps the proof of delivery."""
        if self.item is None:
            self.ctx.feedback.bad("scan the item first (F8: at the door)")
            return
        code = self.code_field.text().strip()
        if code:
            self.code_field.clear()
            ctx, item = self.ctx, self.item
            ctx.background.run(
                lambda: ctx.carrier.deliver_by_code(item, code, facility=ctx.facility, operator=ctx.operator),
                self._delivered,
            )
            return
        handed = str(self.handed.currentData())
        name = self.name_field.text().strip()
        where = self.where_field.text().strip()
        if handed != "safe-place" and len(name) < 2:
            self.ctx.feedback.bad("type the name of whoever signed (the addressee's, if it was them)")
            return
        signature = (
            None
            if handed == "safe-place" or (handed == "neighbour" and self.pad.is_empty())
            else (self.pad.signature())
        )
        if signature is not None:
            try:
                signature.check()  # said at once; the desk checks again
            except SignatureRefused as exc:
                self.ctx.feedback.bad(str(exc))
                return
        ctx, item, photo = self.ctx, self.item, self.photo
        supervisor, pin, reason = who if who else (None, None, "")
        ctx.background.run(
            lambda: ctx.carrier.deliver(
                item,
                signature,
                name,
                facility=ctx.facility,
                operator=ctx.operator,
                photo=photo,
                safe_place=where if handed == "safe-place" else "",
                neighbour_house=where if handed == "neighbour" else "",
                supervisor=supervisor,
                pin=pin,
                reason=reason,
            ),
            lambda outcome, error: self._delivered(outcome, error, asked=who is not None),
        )

    def _delivered(
        self, outcome: Outcome | None, error: BaseException | None, *, asked: bool = False
    ) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not recorded: {error}")
            return
        if not outcome.ok:
            self.ctx.feedback.bad(outcome.text)
            self.supervised_retry(outcome, asked, "deliver again", "delivered again", self.deliver)
            return
        proof = outcome.details.get("proof_of_delivery")
        self.last_pod = Path(proof) if proof else None
        self._remove(outcome.id)
        self.ctx.feedback.good(f"{outcome.id} delivered; proof of delivery saved" if proof else outcome.text)

    def attempted(self) -> None:
        """F10."""
        self.not_delivered(EventKind.ATTEMPTED)

    def delayed(self) -> None:
        """Ctrl+D."""
        self.not_delivered(EventKind.DELAYED)

    def not_delivered(self, kind: EventKind) -> None:
        """Attempted or delayed, with the chosen reason."""
        if self.item is None:
            self.ctx.feedback.bad("scan the item first (F8: at the door)")
            return
        ctx, item, reason = self.ctx, self.item, str(self.reason.currentData())
        if kind is EventKind.ATTEMPTED:
            notice = self.notice.isChecked()
            ctx.background.run(
                lambda: ctx.carrier.attempt(
                    item, reason, facility=ctx.facility, operator=ctx.operator, notice=notice
                ),
                self._recorded,
            )
            return
        ctx.background.run(
            lambda: ctx.carrier.delay(item, reason, facility=ctx.facility, operator=ctx.operator),
            self._recorded,
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
        if kind is EventKind.OUT_FOR_DELIVERY and outcome.id:
            address, name = outcome.details.get("address", ""), outcome.details.get("name", "")
            chose = str(outcome.details.get("choice") or "")
            self._add_stop(RoundStop(outcome.id, str(address), str(name), chose))
            doubts = outcome.details.get("doubts") or []
            # The customer's choice first: it is what the carrier must not miss at the door.
            said = f" · CUSTOMER CHOSE: {chose}" if chose else ""
            if doubts:  # loaded, and said in red: another office's parcel, or one never received here
                self.ctx.feedback.bad(f"{outcome.id} LOADED{said}, but CHECK IT: {'; '.join(doubts)}")
            else:
                self.ctx.feedback.good(f"{outcome.id} on the round ({self.round.count()}){said}: {address}")
        else:
            self._remove(outcome.id)
            self.ctx.feedback.show(outcome)

    def _remove(self, item: str | None) -> None:
        for row in range(self.round.count()):
            if self.round.item(row).data(ITEM_ROLE) == item:
                self.round.takeItem(row)
                break
        self.stops.pop(item or "", None)
        self.round_title.setText(f"On the round ({self.round.count()})")
        self.item = None
        self.current.setText("No item selected")
        self.address.setText("")
        self.name_field.clear()
        self.where_field.clear()
        self.code_field.clear()
        self.pad.clear()
        self.photo = None
        self.photo_state.setText("no photo (Ctrl+P takes one)")
