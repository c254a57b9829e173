"""The counter desk: price a piece, and accept it, all in one committed transaction.

Accepting is: quote -> the item's id (scanned, or a new S10) -> debit the meter -> sign the indicia ->
render the label in the printer profile's language and dpi -> queue the label job -> render and queue
the receipt -> journal the acceptance scan -> subscribe the customer's phone to the item's texts. Any
refusal (funds short, bad ZIP, item already accepted, bad phone number) rolls all of it back: no postage
is charged for a piece that was not accepted, and no piece is accepted unpaid.

An item abroad (`Piece.abroad`) is checked first by `desks.abroad` (address, product, customs
declaration); its CN 22 / CN 23 pages print in the label's job and its declaration is journalled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from station.abroad.addresses import Address
from station.app import Station
from station.desks.abroad import AbroadPlan, AbroadRefused, CustomsPapers, plan, unprintable
from station.desks.operators import OperatorDesk, Supervision
from station.desks.outcome import Outcome
from station.desks.receipt_lines import expected as expected_day
from station.desks.receipt_lines import name_and_town
from station.errors import Refused
from station.ids import InvalidId
from station.ids.impb import issued_under
from station.ids.scanning import ITEM_KINDS, Identified, IdKind, canonical_id, classify
from station.items import containers, recipients
from station.labels.layouts import PostageImprint, ShippingLabelData, shipping_label
from station.labels.model import Label, label_to_dict
from station.labels.render import render
from station.model.events import EventKind, StoredEvent
from station.model.inputs import address_zip
from station.model.localtime import local
from station.model.states import ItemStatus
from station.network.port import HubPort, accepted_elsewhere
from station.notify.consent import subscribe
from station.notify.phone import InvalidPhone, to_e164
from station.office import baskets, in_flight, operators, senders, till
from station.office.baskets import BasketState
from station.office.till import DayClosed
from station.postage.indicia import (
    IndiciaFields,
    MeterKeyError,
    MeterKeys,
    record_piece_use,
    register_mac_key,
    sign,
)
from station.postage.international import InternationalTable, journal_service
from station.postage.meter import Meter, MeterError
from station.postage.rates import Dimensions, Quote, RateError, RateTable, money
from station.postage.receipt import Receipt, ReceiptLine, receipt_escpos, receipt_pdf
from station.printing.profiles import ProfileError, profile
from station.printing.queue import PrintQueue
from station.store.serials import SerialSpaceExhausted


class AcceptanceError(Refused):
    """The piece cannot be accepted; nothing was charged or recorded."""


@dataclass(frozen=True)
class Abroad:
    """What an item to another country adds to a piece: the addressee in the country's own form, the
    international product, and the customs declaration (its JSON text or parsed object), if any."""

    address: Address
    product: str = "parcel"  # a product of the international rate table
    customs: str | bytes | dict[str, Any] | None = None


@dataclass(frozen=True)
class Piece:
    """What the clerk entered."""

    weight_g: int
    from_zip: str
    to_zip: str
    service: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    tracking: str | None = None  # None: allocate a new S10
    s10_service: str = "CP"
    dims: Dimensions | None = None
    signature: bool = False
    declared_value_cents: int = 0
    reference: str = ""
    weight_reason: str | None = None  # why the weight was typed, not read from a stable scale
    pin_delivery: bool = False  # delivered only against the code texted to the recipient
    no_choices: bool = False  # the sender forbids the addressee's delivery choices (hold, redirect...)
    abroad: Abroad | None = None  # an item to another country (to_zip and recipient are then unused)


@dataclass(frozen=True)
class Acceptance:
    """A completed acceptance: everything the clerk, the printer and the customer get."""

    tracking: str
    quote: Quote
    piece: int
    indicia: str
    label: Label
    label_format: str
    label_bytes: bytes
    print_job: int
    receipt: Receipt
    receipt_job: int | None
    event: StoredEvent
    sms: str | None  # the customer's SMS consent state after the opt-in, if a phone was given
    customs: CustomsPapers | None = None  # the declaration of an item abroad and the form it travels with

    ok = True  # an acceptance is always a success; a refusal is an Outcome
    reason: str | None = None
    warning: str | None = None

    @property
    def line(self) -> str:
        """What `station accept` prints first."""
        return f"ACCEPTED {self.tracking}  postage {money(self.quote.total_cents)}  meter piece {self.piece}"

    @property
    def text(self) -> str:
        """The banner."""
        return f"{self.tracking} accepted, {money(self.quote.total_cents)}: label printing"

    def to_json(self) -> dict[str, Any]:
        """The `--json` answer."""
        return {
            "ok": True,
            "id": self.tracking,
            "postage_cents": self.quote.total_cents,
            "postage": money(self.quote.total_cents),
            "service": self.quote.service_name,
            "meter_piece": self.piece,
            "label_format": self.label_format,
            "print_job": self.print_job,
            "receipt_job": self.receipt_job,
            "sms": self.sms,
            "event_seq": self.event.seq,
            **({"customs": self.customs.to_json()} if self.customs else {}),
        }


def price(piece: Piece, on: date, home: str = "US") -> Quote:
    """The piece's price on a day, broken down (RateError names what is wrong with the piece)."""
    if piece.abroad is not None:
        return InternationalTable.for_date(on).quote(
            piece.abroad.product, piece.weight_g, piece.abroad.address.country, home=home
        )
    return RateTable.for_date(on).quote(
        piece.service,
        piece.weight_g,
        piece.from_zip,
        piece.to_zip,
        dims=piece.dims,
        signature=piece.signature,
        declared_value_cents=piece.declared_value_cents,
    )


def _check_domestic(piece: Piece) -> None:
    """A domestic piece's address agrees with its ZIP and can be printed (AcceptanceError if not)."""
    written = address_zip(piece.recipient)
    if written is not None and written != piece.to_zip.strip()[:5]:
        raise AcceptanceError(
            f"the recipient's address says ZIP {written}, the piece is priced for"
            f" {piece.to_zip or 'no ZIP'}: correct one of them"
        )
    for lines, what in ((piece.recipient, "the recipient's address"), (piece.sender, "the sender")):
        if not all(line.isprintable() for line in lines):  # U+200D, U+202E ...: unsearchable, or reversed
            raise AcceptanceError(
                f"{what} holds invisible or direction characters (a joiner, a right-to-left mark):"
                " type it again"
            )
        reason = unprintable(lines, what)
        if reason:
            raise AcceptanceError(reason)


# Items past selling: what the clerk is told when one is scanned at the counter.
_NO_SALE = {
    ItemStatus.VOIDED: "was voided: its label is no good; leave Item empty for a new label",
    ItemStatus.DELIVERED: "was delivered already: nothing to sell",
    ItemStatus.RETURNED: "was returned to its sender: nothing to sell",
}


class CounterDesk:
    """Acceptance at one counter."""

    def __init__(self, station: Station, hub: HubPort | None = None) -> None:
        self.station = station
        self.hub = hub  # with a hub, an item accepted at another office is refused while online
        self.keys = MeterKeys(station.db, station.paths.keys)
        self.queue = PrintQueue(station.db, station.clock)

    def meter(self) -> Meter:
        """The station's meter, its registers sealed with its key (MeterKeyError when the key is not here)."""
        meter_id = self.station.config.meter_id
        return Meter(self.station.db, meter_id, self.keys.mac_key(meter_id), self.station.clock)

    def init_meter(self) -> Outcome:
        """The explicit set-up step: the meter's signing key made (or kept) and enrolled, registers sealed."""
        meter_id = self.station.config.meter_id
        try:
            _key, created = self.keys.init(meter_id)
            meter = self.meter()
            registers = meter.registers()
            problem = None if registers.control_ok else "control sum failed"
            if problem is None:
                registers = meter.seal()
        except (MeterKeyError, MeterError) as exc:
            return Outcome.refused(str(exc), meter_id)
        if problem is not None:
            return Outcome.refused(f"meter {meter_id}: {problem}; the registers were not sealed", meter_id)
        what = "signing key created and enrolled" if created else "signing key enrolled"
        return Outcome(
            True,
            meter_id,
            message=f"{what}; registers sealed, {money(registers.descending)} available",
            details={"created": created, "descending_cents": registers.descending},
        )

    def credit(
        self,
        cents: int,
        *,
        supervisor: str | None = None,
        pin: str | None = None,
        operator: str = "",
        facility: str = "",
    ) -> Outcome:
        """Funds added to the meter (a postage purchase): a supervisor's act once the station has
        operators, journalled as an override naming both people."""
        meter_id = self.station.config.meter_id
        allowed = self._supervised(
            supervisor, pin, "meter credit", operator, meter_id, f"credit {money(cents)}"
        )
        if isinstance(allowed, Outcome):
            return allowed
        try:
            with self.station.db.transaction() as conn:
                registers = self.meter().credit(cents)
                if allowed is not None:
                    allowed.journal(self.station, conn, facility or self.station.config.facility)
        except (MeterKeyError, MeterError) as exc:
            return Outcome.refused(str(exc), meter_id)
        return Outcome(
            True,
            meter_id,
            message=f"credited {money(cents)}; funds available {money(registers.descending)}",
            details={"descending_cents": registers.descending},
        )

    def _supervised(
        self, supervisor: str | None, pin: str | None, action: str, operator: str, subject: str, reason: str
    ) -> Supervision | Outcome | None:
        """None on a station without operators (nobody to ask); else the checked override."""
        with self.station.db.reading() as conn:
            if not operators.any_operators(conn):
                return None
        return OperatorDesk(self.station).supervise(supervisor, pin, action, operator or "-", subject, reason)

    def balance(self) -> Outcome:
        """Funds left in the meter (refused, saying what to do, when the meter is not set up)."""
        meter_id = self.station.config.meter_id
        try:
            registers = self.meter().registers()
        except (MeterKeyError, MeterError) as exc:
            return Outcome.refused(f"meter {meter_id} not set up: {exc}", meter_id)
        return Outcome(
            True,
            meter_id,
            message=f"{money(registers.descending)} in the meter",
            details={"descending_cents": registers.descending},
        )

    def on_the_counter(self, raw: str) -> Outcome:
        """What a scan at the counter is, said at the scan rather than at F9: a new piece to address
        (ok), or why it is no sale here: accepted, voided or delivered already, or a label already paid
        for with another postage provider (an IMpb of another Mailer ID: a drop-off, nothing to charge)."""
        found = classify(raw)
        if not isinstance(found, Identified):
            return Outcome.refused(found.reason)
        if found.kind not in ITEM_KINDS:
            return Outcome.refused(f"{found.id} is not an item id (S10, IMpb or USPS 20-digit)", found.id)
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, found.id)
        if known is not None and known.status in _NO_SALE:
            return Outcome.refused(f"{found.id} {_NO_SALE[known.status]}", found.id)
        if known is not None and known.accepted:
            where = f" at {known.facility}" if known.facility else ""
            return Outcome.refused(
                f"{found.id} was accepted already{where} ({known.status.label.lower()}): nothing to sell;"
                " Track (F5) shows where it is",
                found.id,
            )
        if found.kind is IdKind.IMPB and not self._own_impb(found.id):
            # Another postage provider's label: a drop-off, nothing to sell or charge.
            return Outcome(True, found.id, message="prepaid: F9 takes it in", details={"prepaid": True})
        return Outcome(
            True, found.id, message="address it, then F9", details={"routing_zip": found.routing_zip}
        )

    def _own_impb(self, tracking: str) -> bool:
        """An IMpb this station issues (its Mailer ID)."""
        return issued_under(tracking, self.station.config.mailer_id)

    def quote(self, piece: Piece, on: date | None = None) -> Quote:
        """The price, broken down (RateError names what is wrong with the piece)."""
        return price(piece, on or self.station.today(), self.station.config.country)

    def accept(
        self,
        piece: Piece,
        *,
        facility: str,
        operator: str,
        phone: str | None = None,
        label_format: str | None = None,
        print_receipt: bool = True,
        deliver: Callable[[Acceptance], None] | None = None,
        basket: int | None = None,
        supervisor: str | None = None,
        pin: str | None = None,
    ) -> Acceptance | Outcome:
        """Accept one piece (see the module's docstring); a refusal names why and changes nothing.

        A weight typed in place of a scale reading (`piece.weight_reason`) needs a supervisor's
        override once the station has operators.

        `deliver(acceptance)` runs inside the transaction, before it commits: if it fails (a label file
        that cannot be written), the debit, the label job and the scan roll back with it.
        """
        allowed: Supervision | None = None
        if piece.weight_reason:
            checked = self._supervised(
                supervisor, pin, "typed weight", operator, piece.tracking or "new item", piece.weight_reason
            )
            if isinstance(checked, Outcome):
                return checked
            allowed = checked
        try:
            return self._accept(
                piece, facility, operator, phone, label_format, print_receipt, deliver, basket, allowed
            )
        except (
            AcceptanceError,
            RateError,
            MeterError,
            InvalidId,
            SerialSpaceExhausted,
            InvalidPhone,
            ProfileError,
            MeterKeyError,
            DayClosed,
        ) as exc:
            return Outcome.refused(str(exc), piece.tracking)
        except AbroadRefused as exc:  # each problem and the customs cells at fault, for the form to mark
            return Outcome.refused(str(exc), piece.tracking, problems=exc.problems, faults=exc.faults)

    def _accept(
        self,
        piece: Piece,
        facility: str,
        operator: str,
        phone_text: str | None,
        label_format: str | None,
        print_receipt: bool,
        deliver: Callable[[Acceptance], None] | None,
        basket: int | None = None,
        allowed: Supervision | None = None,
    ) -> Acceptance:
        station, config = self.station, self.station.config
        phone = to_e164(phone_text) if phone_text else None  # a bad number is refused before charging
        if self.hub is not None and piece.tracking:
            elsewhere = accepted_elsewhere(self.hub, canonical_id(piece.tracking), station.station_id)
            if elsewhere is not None:
                raise AcceptanceError(
                    f"{piece.tracking} was already accepted at station {elsewhere}: not accepted again"
                )
        today = station.today()
        abroad: AbroadPlan | None = None
        if piece.abroad is not None:
            if len([line for line in piece.sender if line.strip()]) < 2:
                # Most posts refuse it: the customs form names the sender, and a refused item goes back.
                raise AcceptanceError(
                    "an item abroad needs its sender: their name and address (the customs form names them,"
                    " and a refused item goes back to them)"
                )
            abroad = plan(
                piece.abroad.address,
                piece.abroad.product,
                piece.abroad.customs,
                weight_g=piece.weight_g,
                sender=piece.sender,
                config=config,
                on=today,
            )
        else:
            _check_domestic(piece)
        printer = profile(config.devices.printer_profile)
        fmt = label_format or printer.language
        quote = self.quote(piece, today)
        key = self.keys.private_key(config.meter_id)  # read and checked once: it signs and seals
        meter = Meter(station.db, config.meter_id, register_mac_key(key), station.clock)
        meter.ensure_sound()
        subject = piece.tracking or "a new item"
        with (
            in_flight.tracked(station.db, "acceptance", subject, basket, operator, station.clock) as mark,
            station.db.transaction() as conn,
        ):
            till.refuse_if_closed(conn, station.clock(), config.time_zone)
            if basket is not None:
                found_basket = baskets.get(conn, basket)
                if found_basket is None or found_basket.state is not BasketState.OPEN:
                    raise AcceptanceError(f"basket {basket} is not open: start a new customer")
            tracking, routing = self._tracking(piece, conn, abroad)
            destination = abroad.address.country.upper() if abroad else piece.to_zip[:5]
            serial = meter.debit(quote.total_cents)
            fields = IndiciaFields(
                config.meter_id,
                serial,
                today,
                quote.total_cents,
                quote.category,
                piece.from_zip[:5],
                destination,
                tracking,
            )
            indicia = sign(fields, key)
            record_piece_use(conn, fields.meter_id, serial, tracking, station.clock().isoformat())
            papers: CustomsPapers | None = None
            if abroad is not None:
                papers = abroad.forms(
                    tracking,
                    piece.sender,
                    piece.weight_g,
                    today,
                    facility,
                    money(quote.total_cents),
                    printer.dpi,
                )
            label = shipping_label(
                ShippingLabelData(
                    tracking=tracking,
                    sender=piece.sender,
                    recipient=abroad.recipient_lines if abroad else piece.recipient,
                    country=abroad.country_line if abroad else "",
                    customs_note=f"CUSTOMS {papers.form}" if papers and papers.form else "",
                    service=quote.service_name,
                    weight_g=piece.weight_g,
                    mailed_on=today,
                    reference=piece.reference,
                    routing_zip=routing,
                    postage=PostageImprint(
                        quote.total_cents, fields.meter_id, fields.origin_zip, today, indicia, quote.category
                    ),
                ),
                printer.dpi,
            )
            pages = list(papers.pages) if papers else []  # a CN 22 / CN 23 prints with its label
            label_bytes = render([label, *pages], fmt)
            source: dict[str, Any] = {"label": label_to_dict(label)}
            if pages:
                source["forms"] = [label_to_dict(page) for page in pages]
            job = self.queue.enqueue(
                config.devices.printer,
                label_bytes,
                fmt,
                f"label {tracking}",
                item_id=tracking,
                source=source,  # a reprint is rendered again, marked REPRINT n
            )
            receipt = Receipt(
                facility,
                operator,
                local(station.clock(), config.time_zone),  # the customer's own time on paper
                (
                    ReceiptLine(
                        tracking,
                        quote.service_name,
                        piece.weight_g,
                        quote.total_cents,
                        config.meter_id,
                        serial,
                        f"{abroad.address.name}, {abroad.country_line}"
                        if abroad
                        else name_and_town(piece.recipient),
                        None if abroad else expected_day(piece.service, station.clock(), config.time_zone),
                    ),
                ),
                office_address=config.office_address,
                track_url=config.tracking_url,
            )
            receipt_job = None
            if print_receipt:
                receipt_printer = profile(config.devices.receipt_printer_profile)
                data, receipt_fmt = (
                    (receipt_pdf(receipt), "pdf")
                    if receipt_printer.language == "pdf"
                    else (receipt_escpos(receipt), "escpos")
                )
                receipt_job = self.queue.enqueue(
                    config.devices.receipt_printer, data, receipt_fmt, f"receipt {tracking}", item_id=tracking
                )
            event = station.journal.append_in(
                conn,
                station.event(
                    tracking,
                    EventKind.ACCEPTANCE,
                    facility,
                    operator,
                    weight_g=piece.weight_g,
                    extra={
                        "service": journal_service(abroad.product.key) if abroad else piece.service,
                        "postage_cents": quote.total_cents,
                        "meter_id": fields.meter_id,
                        "piece": serial,
                        **(
                            abroad.journal(piece.sender, piece.weight_g)
                            if abroad
                            else {"destination_zip": piece.to_zip[:5]}
                        ),
                        "routing_zip": routing,
                        **({"weight_typed": piece.weight_reason} if piece.weight_reason else {}),
                        **({"basket": basket} if basket is not None else {}),
                        **({"pin_delivery": True} if piece.pin_delivery else {}),
                        **({"no_choices": True} if piece.no_choices else {}),
                    },
                ),
            )
            if basket is not None:
                baskets.add_line(conn, basket, tracking, quote.service_name, quote.total_cents)
            if allowed is not None:  # named for the item it turned out to be
                replace(allowed, item_id=tracking).journal(station, conn, facility)
            if abroad is not None:
                block = (*abroad.recipient_lines, abroad.country_line)
                recipients.record(
                    conn,
                    tracking,
                    block,
                    None,
                    station.clock(),
                    facility,
                    name=abroad.address.name,
                    sender=piece.sender,
                )
            else:
                recipients.record(
                    conn,
                    tracking,
                    piece.recipient,
                    piece.to_zip.strip()[:5] or None,
                    station.clock(),
                    facility,
                    sender=piece.sender,
                )
            senders.used(conn, piece.sender, station.clock())  # a known sender is offered sooner next time
            sms = str(subscribe(station, tracking, phone)) if phone else None  # joins this transaction
            done = Acceptance(
                tracking,
                quote,
                serial,
                indicia,
                label,
                fmt,
                label_bytes,
                job,
                receipt,
                receipt_job,
                event,
                sms,
                papers,
            )
            if deliver is not None:
                try:
                    deliver(done)  # e.g. the label file the clerk asked for: not written, not charged
                except OSError as exc:
                    raise AcceptanceError(
                        f"could not write {getattr(exc, 'filename', '') or 'the output'}:"
                        f" {exc.strerror or exc}; nothing was charged"
                    ) from None
            mark(conn, f"{tracking} accepted, {money(quote.total_cents)} charged to the meter")
        return done

    def _tracking(self, piece: Piece, conn: Any, abroad: AbroadPlan | None = None) -> tuple[str, str | None]:
        service = abroad.product.s10_service if abroad else piece.s10_service
        if piece.tracking is None:
            s10 = self.station.allocator.allocate(service, self.station.config.country)[0]
            return s10.text, None
        found = classify(piece.tracking)
        if not isinstance(found, Identified) or found.kind not in ITEM_KINDS:
            reason = getattr(
                found, "reason", f"{piece.tracking} is not an item id (S10, IMpb or USPS 20-digit)"
            )
            raise AcceptanceError(f"tracking: {reason}")
        if abroad is not None and found.kind is not IdKind.S10:
            raise AcceptanceError(f"an item abroad carries a UPU S10 label, not {found.kind} {found.id}")
        if abroad is not None and found.id[:2] != service:
            raise AcceptanceError(
                f"{found.id} is an S10 label of service {found.id[:2]}; {abroad.product.name} items"
                f" carry {service} labels: use one"
            )
        known = containers.item_record(conn, found.id)
        if known is not None and known.accepted:
            raise AcceptanceError(f"{found.id} was already accepted: use a new label")
        routing = found.routing_zip or (piece.to_zip[:5] if found.kind is IdKind.IMPB else None)
        return found.id, routing
