"""Counter: scan (or create) the item, weigh it, address it, accept and print.

A repeat acceptance is the scan, the recipient's text and F9: the scan puts the cursor in the recipient
box, Tab leaves it for the phone, the scale fills the weight when it is stable, and the ZIP is read
from the address. Nothing of the previous customer's carries over, no scan wipes a form being filled,
and F9 accepts once however often it is pressed.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hardware.protocols import WeightReading
from station.abroad.addresses import Address
from station.desks.basket import Paid
from station.desks.counter import Abroad, Acceptance, Piece, price
from station.desks.dropoff import TakenIn
from station.desks.outcome import Outcome
from station.desks.quotes import Offer
from station.ids.countries import ISO_3166_ALPHA2, latin_name
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.model.inputs import address_zip, parse_cents, parse_weight_g
from station.model.words import number_of
from station.notify.phone import to_e164
from station.office.baskets import Basket
from station.office.senders import Sender
from station.office.till import DayReport
from station.postage.international import InternationalTable
from station.postage.rates import RateError, money
from ui.context import AppContext
from ui.fit import lines_high, scrolling
from ui.modes.base import Mode
from ui.widgets.customs_dialog import in_form_words

SERVICES = {
    "Ground Advantage": "ground",
    "Priority Mail": "priority",
    "Priority Mail Express": "express",
    "First-Class Letter": "letter",
}
WEIGHT_REASONS = ("scale out of order", "too big for the scale", "weighed on another scale", "letter")
LOW_FUNDS_CENTS = 2000
BUSY = "finish (F9) or cancel (Esc) the current item first"
REPEAT_F9_S = 1.5  # an F9 on the emptied form this soon after an acceptance is the same press, twice


class CounterMode(Mode):
    """Acceptance at the counter."""

    name, title = "counter", "Counter"
    hint = "scan the item (or type the recipient for a new label), then F9"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText("scan the item, or leave empty for a new S10 label")
        self.recipient = QPlainTextEdit()
        self.recipient.setPlaceholderText("recipient: name, street, city ZIP (Tab: next field)")
        self.recipient.setTabChangesFocus(True)
        self.recipient.setFixedHeight(lines_high(self.recipient, 5))  # an address of five lines, all shown
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("mobile for SMS updates (optional)")
        self.to_zip = QLineEdit()
        self.to_zip.setPlaceholderText("read from the address")
        # An item abroad: the country (ISO 3166 code) and the parts of the address its rules ask for;
        # the recipient box then holds the name and the street lines, in the addressee's own script.
        self.country = QLineEdit()
        self.country.setPlaceholderText("e.g. DE")
        self.country.setMaxLength(2)
        self.country_name = QLabel("")
        self.city = QLineEdit()
        self.area = QLineEdit()
        self.area.setPlaceholderText("state, province or region (where the country has them)")
        self.district = QLineEdit()
        self.district.setPlaceholderText("district (where the country uses one)")
        self.postcode = QLineEdit()
        self.customs: dict[str, object] | None = None  # the declaration typed in the Customs form
        self.customs_draft: dict[str, object] | None = None  # typed, not yet taken (Esc, or the lock)
        self.customs_faults: list[tuple[int, str]] = []  # (line, field) the last refusal was about
        self.customs_problems: list[str] = []
        self.customs_state = QLabel("")
        self.service = QComboBox()
        self._domestic_services()
        self.signature = QCheckBox("signature on delivery")
        self.weight = QLineEdit()
        self.weight.setPlaceholderText("from the scale, or Ctrl+W to type e.g. 1.2kg")
        self.weight_reason = QComboBox()
        self.weight_reason.addItem("(weight from the scale)", "")
        for reason in WEIGHT_REASONS:
            self.weight_reason.addItem(f"typed: {reason}", reason)
        self.scale = QLabel("scale: no reading")
        self.known_sender = QLineEdit()
        self.known_sender.setPlaceholderText(
            "a known sender: type their name or account, choose (Ctrl+Shift+S)"
        )
        self.known_sender_lines: dict[str, tuple[str, ...]] = {}
        self.sender_completer = QCompleter([], self.known_sender)
        self.sender_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.sender_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.known_sender.setCompleter(self.sender_completer)
        self.sender_completer.activated.connect(self._sender_chosen)
        self.sender_box = QPlainTextEdit()
        self.sender_box.setPlaceholderText("sender: one line each (needed abroad; kept for the basket)")
        self.sender_box.setTabChangesFocus(True)
        self.sender_box.setFixedHeight(lines_high(self.sender_box, 3))
        self.price = QLabel("—")
        self.price.setFixedHeight(40)
        self.meter = QLabel("meter: …")
        self.basket: int | None = None  # the customer's visit: pieces accepted, paid at the end
        self.basket_lines = QListWidget()
        self.basket_lines.setMinimumHeight(96)
        self.basket_total = QLabel("basket: empty")
        self.basket_total.setStyleSheet("font-size:16px;font-weight:bold")
        for label in (self.basket_total, self.meter):  # long words wrap: never widen the column
            label.setWordWrap(True)
        self.accept_button = QPushButton("Accept and print  (F9)")
        self.accept_button.setStyleSheet("font-size:18px;padding:10px")
        self.accept_button.clicked.connect(self.accept_piece)
        self.last: Acceptance | None = None
        self._accepting = False
        self._accepted_at = 0.0
        self._weight_typed = False
        self._scale_stable = False
        self._scale_grams: int | None = None
        self._zip_from_scan = False
        self.prepaid: str | None = None  # a prepaid piece scanned: F9 takes it in
        self.visit: list[TakenIn] = []  # the prepaid pieces taken in for this customer (F8: one receipt)
        weight_row = QHBoxLayout()
        weight_row.addWidget(self.weight, 1)
        weight_row.addWidget(self.weight_reason)
        form = QFormLayout()  # in Tab order: what a clerk fills, most used first
        form.addRow("Item", self.tracking)
        form.addRow("Recipient", self.recipient)
        form.addRow("Mobile", self.phone)
        country_row = QHBoxLayout()
        country_row.addWidget(self.country)
        country_row.addWidget(self.country_name, 1)
        form.addRow("Country", country_row)
        self.abroad_rows = []
        for words, field in (
            ("City", self.city),
            ("Region", self.area),
            ("District", self.district),
            ("Postcode", self.postcode),
            ("Customs", self.customs_state),
        ):
            form.addRow(words, field)
            self.abroad_rows.append(form.rowCount() - 1)
        form.addRow("To ZIP", self.to_zip)
        self.zip_row = form.rowCount() - 1
        self.form = form
        form.addRow("Service", self.service)
        form.addRow("", self.signature)
        form.addRow("Weight", weight_row)
        form.addRow("", self.scale)
        form.addRow("Known sender", self.known_sender)
        form.addRow("Sender", self.sender_box)
        # Two columns: the form scrolls inside its own area (an address abroad adds five rows), while
        # the price, Accept and the basket stay in view beside it however small the screen.
        self.form_area = scrolling(form)
        till = QVBoxLayout()
        till.addWidget(self.price, alignment=Qt.AlignmentFlag.AlignRight)
        till.addWidget(self.meter)
        till.addWidget(self.accept_button)
        till.addWidget(self.basket_total)
        till.addWidget(self.basket_lines, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.form_area, 3)
        layout.addLayout(till, 2)
        for first, second in (
            # The basket just before the recipient box: Shift+Tab from where the clerk types reaches
            # it, the arrows choose a piece, Del takes it out. (Each pair moves its second widget: the
            # basket's pair comes first so the rest of the chain is laid after it.)
            (self.basket_lines, self.recipient),
            (self.recipient, self.phone),
            (self.phone, self.country),
            (self.country, self.city),
            (self.city, self.area),
            (self.area, self.district),
            (self.district, self.postcode),
            (self.postcode, self.to_zip),
            (self.to_zip, self.service),
            (self.service, self.signature),
            (self.signature, self.weight),
            (self.weight, self.weight_reason),
            (self.weight_reason, self.known_sender),
            (self.known_sender, self.sender_box),
            (self.sender_box, self.tracking),
        ):
            self.setTabOrder(first, second)
        for field in (self.weight, self.to_zip):
            field.textChanged.connect(self.update_price)
        self.weight.textEdited.connect(self._weight_edited)  # the clerk's keys only, not the scale's
        self.recipient.textChanged.connect(self._address_changed)
        self.service.currentIndexChanged.connect(self.update_price)
        self.signature.toggled.connect(self.update_price)
        self.country.textChanged.connect(self._country_changed)
        ctx.bridge.weight.connect(self.on_weight)
        self._country_changed("")
        self.update_price()

    # --- scans and the form -------------------------------------------------------------------

    def always_in_view(self) -> dict[str, QWidget]:
        return {"Accept": self.accept_button, "basket": self.basket_lines, "price": self.price}

    def has_input(self) -> bool:
        """The clerk has typed something for the current item."""
        return bool(
            self.recipient.toPlainText().strip()
            or self.country.text().strip()
            or self.customs is not None
            or self.phone.text().strip()
            or self.sender_box.toPlainText().strip()
            or self._weight_typed
        )

    def handle_scan(self, raw: str) -> None:
        """An item id fills the item field; a form being filled for another item is never wiped."""
        found = classify(raw)
        if not isinstance(found, Identified) or found.kind not in ITEM_KINDS:
            reason = found.reason if not isinstance(found, Identified) else f"{found.id} is not an item id"
            self.ctx.feedback.bad(reason)
            return
        if self._accepting:
            self.ctx.feedback.bad("the acceptance in progress is being saved: scan again in a moment")
            return
        if found.id == self.tracking.text().strip():
            self.ctx.feedback.good(f"{found.id} is on the counter: address it, then F9")
            return
        if self.has_input():
            self.ctx.feedback.bad(f"{found.id} not taken: {BUSY}")
            return
        # What the item is (new, sold already, voided, prepaid elsewhere) is read on the I/O thread and
        # said at the scan, not at F9.
        counter = self.ctx.counter
        self.ctx.background.run(
            lambda: counter.on_the_counter(raw), lambda told, error: self._looked_up(found, told, error)
        )

    def _looked_up(self, found: Identified, told: Outcome | None, error: BaseException | None) -> None:
        if error is not None or told is None:
            self.ctx.feedback.bad(f"{found.id} not looked up: {error}")
            return
        if not told.ok:
            self.ctx.feedback.bad(told.reason or "")
            return
        if told.details.get("prepaid"):  # labelled and paid elsewhere: F9 takes it in, nothing to address
            self._clear_form()
            self.prepaid = found.id
            self.tracking.setText(found.id)
            self.ctx.feedback.good(f"{found.id}: {told.message}")
            return
        if found.id == self.tracking.text().strip():
            return  # scanned twice in a row: the first answer stands
        if not self.has_input():  # nothing was typed meanwhile: the form is the new item's
            self._clear_form()
            self.to_zip.setText(found.routing_zip[:5] if found.routing_zip else "")
            self._zip_from_scan = bool(
                found.routing_zip
            )  # the barcode's routing ZIP is checked, not replaced
            self.recipient.setFocus()
        self.tracking.setText(found.id)
        self.ctx.feedback.good(f"{found.id}: address it, then F9")

    def cancel_item(self) -> None:
        """Esc: the form is emptied for the next customer."""
        self._clear_form()
        self.ctx.feedback.idle("item cancelled: scan the next item")

    def focus_scan_target(self) -> None:
        """The recipient box: what the clerk types next. The mobile, weight and sender boxes keep the
        keyboard while an item is being worked; with no item (after Esc, F9 or a sign-in) the next
        customer starts in the recipient box."""
        working = self.has_input() or bool(self.tracking.text().strip())
        keeps = (self.phone, self.weight, self.sender_box, self.known_sender)
        if not (working and any(field.hasFocus() for field in keeps)):
            self.recipient.setFocus()

    def activated(self) -> None:
        """Show the meter's funds; the known senders read again for their completions."""
        self.refresh_meter()
        self.ctx.background.run(lambda: self.ctx.desks.senders.find(""), self._senders_read)

    def _senders_read(self, found: list[Sender] | None, error: BaseException | None) -> None:
        if error is not None or found is None:
            return
        self.known_sender_lines = {
            (f"{s.one_line}  [{s.account}]" if s.account else s.one_line): s.lines for s in found
        }
        self.sender_completer.setModel(QStringListModel(list(self.known_sender_lines), self.sender_completer))

    def _sender_chosen(self, text: str) -> None:
        lines = self.known_sender_lines.get(text)
        if lines:
            self.sender_box.setPlainText("\n".join(lines))
            self.known_sender.clear()
            self.ctx.feedback.idle(f"sender: {lines[0]}")

    def focus_sender(self) -> None:
        """Ctrl+Shift+S: the sender (a known one chosen by name or account, or typed below it); the
        known senders read again, so one added meanwhile is offered."""
        self.ctx.background.run(lambda: self.ctx.desks.senders.find(""), self._senders_read)
        self.known_sender.setFocus()

    def _take_in_prepaid(self, item: str) -> None:
        """F9 on a prepaid piece: taken in, nothing charged; it joins this visit's drop-off receipt (F8)."""
        ctx = self.ctx
        weight = self._scale_grams if self._scale_stable else None
        self._accepting = True
        ctx.background.run(
            lambda: ctx.desks.dropoff.take_in(
                item, facility=ctx.facility, operator=ctx.operator, weight_g=weight
            ),
            self._taken_in,
        )

    def _taken_in(self, outcome: Outcome | None, error: BaseException | None) -> None:
        self._accepting = False
        if error is not None or outcome is None or not outcome.ok or outcome.id is None:
            self.ctx.feedback.bad(str(error) if error else (outcome.text if outcome else "not taken in"))
            return
        weight = outcome.details.get("weight_g")
        self.visit.append(
            TakenIn(outcome.id, str(outcome.details["postage"]), weight if isinstance(weight, int) else None)
        )
        self.prepaid = None
        self._clear_form()
        self.ctx.feedback.good(
            f"{outcome.id} taken in, nothing charged ({len(self.visit)} in this visit: F8 prints the receipt)"
        )

    def dropoff_receipt(self) -> None:
        """F8: one drop-off receipt for the prepaid pieces this visit handed over."""
        if not self.visit:
            self.ctx.feedback.bad("no prepaid piece was taken in: scan one, then F9")
            return
        ctx, pieces = self.ctx, list(self.visit)
        ctx.background.run(
            lambda: ctx.desks.dropoff.receipt(pieces, clerk=ctx.operator), self._receipt_printed
        )

    def _receipt_printed(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None or not outcome.ok:
            self.ctx.feedback.bad(str(error) if error else (outcome.text if outcome else "no receipt"))
            return
        self.visit = []
        self.ctx.feedback.show(outcome)

    def _clear_form(self) -> None:
        for line in (
            self.tracking,
            self.phone,
            self.to_zip,
            self.country,
            self.city,
            self.area,
            self.district,
            self.postcode,
        ):
            line.clear()
            line.setModified(False)  # clear() marks it modified, as if the clerk had typed
        self.customs = self.customs_draft = None
        self.customs_faults, self.customs_problems = [], []
        self._show_customs()
        self.recipient.clear()
        if self.basket is None:  # the customer's sender stays for every piece of their basket
            self.sender_box.clear()
        self.known_sender.clear()
        self.signature.setChecked(False)
        self.service.setCurrentIndex(0)
        self._weight_typed = False
        self._zip_from_scan = False
        self.weight_reason.setCurrentIndex(0)
        if not self._scale_stable:
            self.weight.clear()

    def _domestic_services(self) -> None:
        self._offers_for: object = None
        self._service_names: dict[str, str] = {}
        self.service.clear()
        for words, key in SERVICES.items():
            self.service.addItem(words, key)
            self._service_names[key] = words

    def _country_changed(self, text: str) -> None:
        """An item abroad shows the parts of an address abroad and the international products."""
        code = text.strip().upper()
        abroad = bool(code)
        for row in self.abroad_rows:
            self.form.setRowVisible(row, abroad)
        self.form.setRowVisible(self.zip_row, not abroad)
        was_abroad = self.service.findData("parcel") >= 0
        if abroad and not was_abroad:
            self.service.clear()
            for product in InternationalTable.for_date(self.ctx.station.today()).products.values():
                self.service.addItem(product.name, product.key)
                self._service_names[product.key] = product.name
            self.service.setCurrentIndex(max(self.service.findData("parcel"), 0))
        elif not abroad and was_abroad:
            self._domestic_services()
        if len(code) == 2:
            known = code in ISO_3166_ALPHA2
            self.country_name.setText(latin_name(code) if known else f"{code}: not a country code")
            self.country_name.setStyleSheet("" if known else "color:#b3261e")
        else:
            self.country_name.setText("" if code else "empty for a domestic item; abroad: its country code")
            self.country_name.setStyleSheet("color:#666")
        self.update_price()

    def edit_customs(self) -> None:
        """F7: the customs declaration of the item abroad (a CN 22 or CN 23 is chosen by its value)."""
        from ui.widgets.customs_dialog import CustomsDialog

        if not self.country.text().strip():
            self.ctx.feedback.bad("a customs declaration is for an item abroad: type its country first")
            self.country.setFocus()
            return
        dialog = CustomsDialog(
            self,
            self.customs_draft or self.customs,
            faults=self.customs_faults,
            problems=[in_form_words(problem) for problem in self.customs_problems],
        )
        try:
            taken = dialog.exec() == CustomsDialog.DialogCode.Accepted
        finally:
            self.back_from_dialog()
        # Left with Esc, or put away by the lock: what was typed is kept for the next F7, never lost.
        self.customs_draft = None if taken else dialog.declaration()
        if taken:
            self.customs = dialog.declaration()
            self._show_customs()
            self.ctx.feedback.good("customs declaration taken: F9 accepts (it is checked then)")

    def _show_customs(self) -> None:
        if self.customs is None:
            self.customs_state.setText("none yet: F7 (needed for parcels and for goods)")
            return
        items = self.customs.get("items")
        rows = len(items) if isinstance(items, list) else 0
        self.customs_state.setText(
            f"{self.customs.get('category')}: {rows} kind(s) of content (F7 to change)"
        )

    def _address_changed(self) -> None:
        if self.country.text().strip():
            return  # a ZIP is a domestic thing; abroad the postcode has its own field
        written = address_zip(tuple(self.recipient.toPlainText().splitlines()))
        if written and not self.to_zip.isModified() and not self._zip_from_scan:
            self.to_zip.setText(written)  # the ZIP comes from the address unless the clerk typed one

    # --- weight -------------------------------------------------------------------------------

    def on_weight(self, reading: WeightReading) -> None:
        """Live scale reading: a stable weight fills the field unless the clerk typed one."""
        self._scale_stable = bool(reading.usable and reading.grams is not None)
        self._scale_grams = reading.grams if self._scale_stable else None
        if self._scale_stable and reading.grams is not None:
            self.scale.setText(f"scale: {reading.grams / 1000:.3f} kg STABLE")
            self.scale.setStyleSheet("color:#1b7f3b;font-weight:bold")
            text = f"{reading.grams}g"
            if not self._weight_typed and self.weight.text() != text:
                self.weight.setText(text)
        else:
            self.scale.setText(f"scale: {reading.detail or reading.status} (not stable)")
            self.scale.setStyleSheet("color:#b3261e")

    def _weight_edited(self, _text: str) -> None:
        self._weight_typed = True  # from now on the scale does not overwrite it

    def type_weight(self) -> None:
        """Ctrl+W: the weight field, selected, for a typed weight."""
        self.weight.setFocus()
        self.weight.selectAll()

    def zero_scale(self) -> None:
        """Ctrl+0."""
        self._scale_command("zero")

    def tare_scale(self) -> None:
        """Ctrl+T."""
        self._scale_command("tare")

    def _scale_command(self, name: str) -> None:
        if self.ctx.scale is None:
            self.ctx.feedback.bad(f"no scale to {name}: set one on the Devices screen")
            return
        self.ctx.feedback.good(self.ctx.scale.command(name))

    # --- price, meter, acceptance -------------------------------------------------------------

    def update_price(self) -> None:
        """Price as the clerk types (rates are local data read once: fast enough for the UI thread)."""
        country = self.country.text().strip().upper()
        service = str(self.service.currentData() or "")
        try:
            piece = Piece(
                weight_g=parse_weight_g(self.weight.text() or "0"),
                from_zip=self.ctx.station.config.origin_zip,
                to_zip=self.to_zip.text().strip(),
                service=service,
                sender=(),
                recipient=(),
                signature=self.signature.isChecked(),
                abroad=Abroad(Address(country, "", ""), service) if country else None,
            )
            config = self.ctx.station.config
            quote = price(piece, self.ctx.station.today(), config.country)
        except (RateError, ValueError) as exc:
            self._plain_service_names()  # no piece to price: no other customer's prices in the list
            where = self.to_zip.text() or len(country) == 2
            if self.weight.text() and where:  # a price that cannot be made: why, in red
                self.price.setText(str(exc)[:60])
                self.price.setStyleSheet("font-size:14px;color:#b3261e")
            else:  # nothing to price yet: a quiet placeholder, not an error
                self.price.setText("price: weight and destination first")
                self.price.setStyleSheet("font-size:14px;color:#666")
            return
        self.price.setText(money(quote.total_cents))
        self.price.setStyleSheet("font-size:26px;font-weight:bold")
        self._offer_every_service(piece)

    def _plain_service_names(self) -> None:
        self._offers_for = None
        for index in range(self.service.count()):
            name = self._service_names.get(str(self.service.itemData(index)))
            if name and self.service.itemText(index) != name:
                self.service.setItemText(index, name)

    def _offer_every_service(self, piece: Piece) -> None:
        """Every service side by side in the service list (price, expected day, cheapest and fastest),
        read on the I/O thread (the learned days are in the journal's database); arrows choose."""
        quotes = self.ctx.desks.quotes
        wanted = (piece.weight_g, piece.to_zip, piece.abroad.address.country if piece.abroad else "")
        self._offers_for = wanted
        self.ctx.background.run(
            lambda: quotes.side_by_side(piece), lambda offers, error: self._show_offers(wanted, offers, error)
        )

    def _show_offers(self, wanted: object, offers: list[Offer] | None, error: BaseException | None) -> None:
        if error is not None or offers is None or wanted != self._offers_for:
            return  # an older piece's offers, or none: the names stay as they are
        for offer in offers:
            index = self.service.findData(offer.service)
            if index < 0:
                continue
            if offer.quote is None:
                self.service.setItemText(index, f"{offer.name} - not for this piece")
                continue
            day = f"  {offer.expected:%a %d %b}" if offer.expected else ""
            marks = "".join(
                mark for mark, on in (("  CHEAPEST", offer.cheapest), ("  FASTEST", offer.fastest)) if on
            )
            self.service.setItemText(index, f"{offer.name}  {money(offer.quote.total_cents)}{day}{marks}")

    def refresh_meter(self) -> None:
        """The meter's funds, read on the I/O thread."""
        counter = self.ctx.counter
        self.ctx.background.run(counter.balance, self._show_meter)

    def _show_meter(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None or not outcome.ok:
            self.meter.setText("METER NOT SET UP: Ctrl+M after `station meter init`")
            self.meter.setStyleSheet("color:#b3261e;font-weight:bold")
            return
        cents = int(outcome.details["descending_cents"])
        low = cents < LOW_FUNDS_CENTS
        self.meter.setText(f"meter: {money(cents)}" + ("  LOW FUNDS: Ctrl+M adds funds" if low else ""))
        self.meter.setStyleSheet("color:#b3261e;font-weight:bold" if low else "color:#333")

    def add_funds(self, amount: str | None = None) -> None:
        """Ctrl+M: funds bought for the meter."""
        if amount is None:
            amount = self.ask("Add funds to the meter", "Amount (e.g. 200.00):")
            if amount is None:
                return
        try:
            cents = parse_cents(amount)
        except ValueError as exc:
            self.ctx.feedback.bad(str(exc))
            return
        counter, ctx = self.ctx.counter, self.ctx
        who: tuple[str, str, str] | None = None
        if ctx.staffed:
            who = self.ask_supervisor("meter credit", f"funds bought: {money(cents)}")
            if who is None:
                self.ctx.feedback.idle("funds not added: no supervisor")
                return
        supervisor, pin = (who[0], who[1]) if who else (None, None)
        self.ctx.background.run(
            lambda: counter.credit(
                cents, supervisor=supervisor, pin=pin, operator=ctx.operator, facility=ctx.facility
            ),
            self._credited,
        )

    def _credited(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"funds not added: {error}")
            return
        self.ctx.feedback.show(outcome)
        self.refresh_meter()

    def _piece(self) -> Piece:
        reason = str(self.weight_reason.currentData() or "")
        if self._weight_typed and not reason:
            raise ValueError("a typed weight needs a reason: Tab to the box beside it, then the arrow keys")
        if not self._weight_typed and not self._scale_stable:
            raise ValueError("the scale is not stable: wait for STABLE, or type the weight (Ctrl+W)")
        grams = parse_weight_g(self.weight.text() or "0")
        sender = tuple(line for line in self.sender_box.toPlainText().splitlines() if line.strip())
        recipient = tuple(line for line in self.recipient.toPlainText().splitlines() if line.strip())
        if len(recipient) < 2:
            raise ValueError("recipient needs at least a name and a street and city line")
        country = self.country.text().strip().upper()
        abroad = None
        if country:
            address = Address(
                country,
                recipient[0],
                "\n".join(recipient[1:]),
                self.city.text().strip(),
                self.area.text().strip(),
                self.district.text().strip(),
                self.postcode.text().strip(),
            )
            abroad = Abroad(address, str(self.service.currentData()), self.customs)
        return Piece(
            weight_g=grams,
            from_zip=self.ctx.station.config.origin_zip,
            to_zip="" if country else self.to_zip.text().strip(),
            abroad=abroad,
            service=str(self.service.currentData()),
            sender=sender,
            recipient=recipient,
            tracking=self.tracking.text().strip() or None,
            signature=self.signature.isChecked(),
            weight_reason=reason if self._weight_typed else None,
        )

    def accept_piece(self) -> None:
        """The counter desk's acceptance, on the I/O thread (one transaction); once per item however
        fast F9 is pressed."""
        if self._accepting:
            return  # the first press is being accepted: a second one must not accept (and charge) again
        if self.prepaid and self.prepaid == self.tracking.text().strip():
            self._take_in_prepaid(self.prepaid)
            return
        if (
            time.monotonic() - self._accepted_at < REPEAT_F9_S
            and not self.has_input()
            and not self.tracking.text()
        ):
            return  # F9 pressed twice: the first accepted the piece and cleared the form; no red for it
        try:
            piece = self._piece()
            phone = self.phone.text().strip() or None
            if phone:
                to_e164(phone)  # said at once, before the clerk waits for anything
        except (ValueError, RateError) as exc:
            self.ctx.feedback.bad(str(exc))
            return
        ctx = self.ctx
        supervisor = pin = None
        if piece.weight_reason and ctx.staffed:
            who = self.ask_supervisor("typed weight", piece.weight_reason)
            if who is None:
                ctx.feedback.idle("not accepted: a typed weight needs a supervisor")
                return
            supervisor, pin, _reason = who
        self._accepting = True
        self.accept_button.setEnabled(False)
        basket, baskets = self.basket, ctx.baskets

        def accept() -> tuple[int, Acceptance | Outcome]:  # on the I/O thread
            number = basket if basket is not None else int(baskets.open(ctx.operator).details["basket"])
            done = ctx.counter.accept(
                piece,
                facility=ctx.facility,
                operator=ctx.operator,
                phone=phone,
                print_receipt=False,  # one receipt for the whole basket, at payment
                basket=number,
                supervisor=supervisor,
                pin=pin,
            )
            return number, done

        ctx.background.run(accept, self._accepted)

    def _accepted(self, answer: tuple[int, Acceptance | Outcome] | None, error: BaseException | None) -> None:
        self._accepting = False
        self.accept_button.setEnabled(True)
        if error is not None or answer is None:
            self.ctx.feedback.bad(f"not accepted: {error}")
            return
        self.basket, done = answer
        if not isinstance(done, Acceptance):
            self._refused(done)
            return
        self.last = done
        self._accepted_at = time.monotonic()
        self.refresh_basket()
        self.ctx.preview.show_label(done.label, f"label {done.tracking}")
        self.ctx.wake_printer(self.ctx.station.config.devices.printer)
        self.ctx.wake_printer(self.ctx.station.config.devices.receipt_printer)
        self.ctx.feedback.good(done.text)
        self._clear_form()
        self.refresh_meter()
        self.recipient.setFocus()

    def _refused(self, done: Outcome) -> None:
        """Every problem said whole (the banner has the first, the tray each one), in the form's words;
        the customs cells at fault are marked the next time F7 opens the form."""
        problems = [in_form_words(problem) for problem in done.details.get("problems") or []]
        self.customs_faults = list(done.details.get("faults") or [])
        self.customs_problems = list(done.details.get("problems") or [])
        if len(problems) < 2 and not self.customs_faults:
            self.ctx.feedback.bad(f"not accepted: {done.reason}")
            return
        where = ": F7 shows the customs form, each cell at fault marked" if self.customs_faults else ""
        self.ctx.feedback.bad(f"not accepted, {number_of(len(problems), 'problem')}{where}. {problems[0]}")
        for problem in reversed(problems):  # the tray's newest line first: the first problem on top
            self.ctx.feedback.tray.add_reject(problem, counted=False)

    def reprint(
        self, who: tuple[str, str, str] | None = None, *, item: str = "", receipt: bool = False
    ) -> None:
        """Ctrl+R: any item's label again, the item scanned or typed (Enter: the last one); after the
        item's first scan the supervisor is asked. A voided item's label comes as a VOID copy."""
        what = "receipt" if receipt else "label"
        if not item:
            last = self.last.tracking if self.last is not None else ""
            asked = self.ask(
                f"Reprint a {what}",
                f"scan or type the item whose {what} to print again",
                for_an_id=True,
                text=last,
            )
            if not asked or not asked.strip():
                return
            item = asked.strip()
        ctx = self.ctx
        supervisor, pin, reason = who if who else (None, None, "")

        def work() -> Outcome:
            job = ctx.printing.job_of(item, receipt=receipt)
            if job is None:
                return Outcome.refused(f"no {what} printed here for {item}", item)
            return ctx.printing.reprint(
                job,
                facility=ctx.facility,
                operator=ctx.operator,
                supervisor=supervisor,
                pin=pin,
                reason=reason,
            )

        ctx.background.run(
            work,
            lambda outcome, error: self._reprinted(
                outcome, error, asked=who is not None, item=item, receipt=receipt
            ),
        )

    def reprint_receipt(self) -> None:
        """Ctrl+Shift+R: any item's receipt (its own, or its basket's) again."""
        self.reprint(receipt=True)

    def _reprinted(
        self,
        outcome: Outcome | None,
        error: BaseException | None,
        *,
        asked: bool = False,
        item: str = "",
        receipt: bool = False,
    ) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not reprinted: {error}")
            return
        self.ctx.feedback.show(outcome)
        if outcome.ok:
            self.ctx.wake_printer(str(outcome.details.get("printer", "")))
        else:
            self.supervised_retry(
                outcome,
                asked,
                "reprint",
                "label damaged",
                lambda who: self.reprint(who, item=item, receipt=receipt),
            )

    # --- the basket and its payment -------------------------------------------------------------

    def refresh_basket(self) -> None:
        """The basket's lines and total, read on the I/O thread."""
        if self.basket is None:
            self.basket_lines.clear()
            self.basket_total.setText("basket: empty")
            return
        number, baskets = self.basket, self.ctx.baskets
        self.ctx.background.run(lambda: baskets.get(number), self._show_basket)

    def _show_basket(self, basket: Basket | None, error: BaseException | None) -> None:
        self.basket_lines.clear()
        if error is not None or basket is None:
            self.basket_total.setText("basket: empty")
            return
        for line in basket.live_lines:
            self.basket_lines.addItem(f"{line.item_id}   {line.service}   {money(line.cents)}")
        self.basket_lines.setCurrentRow(self.basket_lines.count() - 1)  # the newest piece, for Del
        n = len(basket.live_lines)
        self.basket_total.setText(
            f"basket {basket.id}: {n} piece{'s' if n != 1 else ''}, TOTAL {money(basket.total_cents)}"
            "   F10 cash, Ctrl+K card; Shift+Tab, arrows and Del take a piece out"
        )

    def pay_cash(self, tendered: str | None = None) -> None:
        """F10: the cash the customer hands over; the change is shown."""
        if self.basket is None:
            self.ctx.feedback.bad("the basket is empty: accept a piece first (F9)")
            return
        if tendered is None:
            tendered = self.ask("Cash", f"{self.basket_total.text().split('   ')[0]}\nTendered:")
            if tendered is None:
                return
        try:
            cents = parse_cents(tendered)
        except ValueError as exc:
            self.ctx.feedback.bad(str(exc))
            return
        number, ctx = self.basket, self.ctx
        ctx.background.run(
            lambda: ctx.baskets.pay_cash(number, cents, facility=ctx.facility, operator=ctx.operator),
            self._paid,
        )

    def pay_card(self, reference: str | None = None) -> None:
        """Ctrl+K: the card terminal's reference (never the card number)."""
        if self.basket is None:
            self.ctx.feedback.bad("the basket is empty: accept a piece first (F9)")
            return
        if reference is None:
            reference = self.ask(
                "Card", f"{self.basket_total.text().split('   ')[0]}\nTerminal reference (from its slip):"
            )
            if reference is None:
                return
        number, ctx = self.basket, self.ctx
        ctx.background.run(
            lambda: ctx.baskets.pay_card(number, reference, facility=ctx.facility, operator=ctx.operator),
            self._paid,
        )

    def pay_split(self) -> None:
        """Ctrl+Shift+K: part by card (its amount and the terminal's reference), the rest in cash."""
        if self.basket is None:
            self.ctx.feedback.bad("the basket is empty: accept a piece first (F9)")
            return
        total = self.basket_total.text().split("   ")[0]
        amount = self.ask("Split: the card's part", f"{total}\nHow much on the card:")
        reference = self.ask("Split: card", "Terminal reference (from its slip):") if amount else None
        tendered = self.ask("Split: cash", "Cash tendered for the rest:") if reference else None
        if amount is None or reference is None or tendered is None:
            return
        try:
            card_cents, tendered_cents = parse_cents(amount), parse_cents(tendered)
        except ValueError as exc:
            self.ctx.feedback.bad(f"not paid: {exc}")
            return
        number, ctx = self.basket, self.ctx
        ctx.background.run(
            lambda: ctx.baskets.pay_split(
                number, card_cents, reference, tendered_cents, facility=ctx.facility, operator=ctx.operator
            ),
            self._paid,
        )

    def _paid(self, paid: Paid | Outcome | None, error: BaseException | None) -> None:
        if error is not None or paid is None:
            self.ctx.feedback.bad(f"not paid: {error}")
            return
        if not isinstance(paid, Paid):
            self.ctx.feedback.bad(f"not paid: {paid.reason}")
            return
        self.basket = None
        self.refresh_basket()
        self.ctx.wake_printer(self.ctx.station.config.devices.receipt_printer)
        self.ctx.feedback.good(paid.text)

    def remove_line(self) -> None:
        """Del: the selected piece taken out before payment (voided, its postage back in the meter)."""
        row = self.basket_lines.currentItem()
        if self.basket is None or row is None:
            self.ctx.feedback.bad(
                "choose the piece in the basket first (Shift+Tab to the basket, the arrows), then Del"
            )
            return
        item, number, ctx = row.text().split()[0], self.basket, self.ctx
        ctx.background.run(
            lambda: ctx.baskets.remove(number, item, facility=ctx.facility, operator=ctx.operator),
            self._removed,
        )

    def _removed(self, outcome: Outcome | None, error: BaseException | None) -> None:
        if error is not None or outcome is None:
            self.ctx.feedback.bad(f"not taken out: {error}")
            return
        self.ctx.feedback.show(outcome)
        self.refresh_basket()
        self.refresh_meter()

    def close_till(self, counted: str | None = None) -> None:
        """Ctrl+Shift+T: the day closed (the cash in the drawer counted); its copy printed."""
        if counted is None:
            counted = self.ask("Close the till", "Cash counted in the drawer:")
            if counted is None:
                return
        try:
            cents = parse_cents(counted)
        except ValueError as exc:
            self.ctx.feedback.bad(str(exc))
            return
        ctx = self.ctx
        ctx.background.run(lambda: ctx.till.close(None, cents, ctx.operator), self._closed)

    def _closed(self, report: DayReport | Outcome | None, error: BaseException | None) -> None:
        if not isinstance(report, DayReport):
            self.ctx.feedback.bad(f"till not closed: {error or (report.reason if report else '')}")
            return
        self.ctx.wake_printer(self.ctx.station.config.devices.receipt_printer)
        difference = money(report.cash_difference_cents or 0)
        if report.suspense_opened is not None:
            difference += f", held in suspense (item {report.suspense_opened}) until a supervisor clears it"
        if report.reconciled:
            self.ctx.feedback.good(f"till of {report.day} closed: reconciled; cash difference {difference}")
        else:
            self.ctx.feedback.bad(
                f"till of {report.day} closed: NOT RECONCILED: {'; '.join(report.problems)}"
            )

    def void_item(self, item: str | None = None) -> None:
        """Ctrl+Shift+V: a paid piece voided, under a supervisor."""
        if item is None:
            item = self.ask("Void a paid piece", "Tracking number (scan or type):", for_an_id=True)
            if item is None or not item.strip():
                return
        who = self.ask_supervisor(f"void {item.strip()}")
        if who is None:
            return
        refund = self.ask(
            "Refund to the customer",
            "Paid for? Give it back the way it was paid: cash, or card:REF (the terminal's refund"
            " reference). Empty when nothing was paid.",
        )
        if refund is None:
            return
        ctx = self.ctx
        supervisor, pin, reason = who
        ctx.background.run(
            lambda: ctx.voids.void(
                item.strip(),
                supervisor=supervisor,
                pin=pin,
                reason=reason,
                facility=ctx.facility,
                operator=ctx.operator,
                refund=refund.strip() or None,
            ),
            self._removed,
        )
