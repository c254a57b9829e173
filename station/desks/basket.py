"""The basket desk: one customer's pieces, one total, one payment, one receipt.

Pieces are accepted into an open basket one by one (each charged to the meter and labelled as it is
added); a piece taken out before payment is voided with no one's say-so; payment is cash (what was
tendered, the change to give) or card (the terminal's reference, typed or scanned: no card data is
kept). The receipt is printed once, at payment, with every line, the total and the payment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from station.app import Station
from station.desks import receipt_lines as receipt_lines_of
from station.desks.counter import Acceptance, CounterDesk, Piece
from station.desks.operators import OperatorDesk
from station.desks.outcome import Outcome
from station.desks.voids import VoidDesk
from station.errors import Refused
from station.ids.scanning import canonical_id
from station.model.localtime import local
from station.model.words import number_of
from station.office import baskets, in_flight, operators, till
from station.office.baskets import CARD_REF_MAX, Basket, BasketState, Payment
from station.postage.rates import money
from station.postage.receipt import Receipt, receipt_escpos, receipt_pdf
from station.printing.profiles import profile
from station.printing.queue import PrintQueue
from station.store.journal import events_of

_CARD_REF = re.compile(rf"^[A-Za-z0-9-]{{4,{CARD_REF_MAX}}}$")
_CARD_NUMBER = re.compile(r"^\d{13,19}$")


@dataclass(frozen=True)
class Paid:
    """A basket paid: the total, the change to hand over, the receipt job."""

    basket: Basket
    receipt_job: int | None

    ok = True
    reason: str | None = None
    warning: str | None = None

    @property
    def line(self) -> str:
        """What `station basket pay` prints."""
        b = self.basket
        change = f"  change {money(b.change_cents or 0)}" if b.method in (Payment.CASH, Payment.SPLIT) else ""
        if b.method is Payment.SPLIT:
            parts = b.paid_by
            return (
                f"PAID basket {b.id}: {number_of(len(b.live_lines), 'piece')}, {money(b.total_cents)}:"
                f" {money(parts[Payment.CARD])} by card, {money(parts[Payment.CASH])} in cash{change}"
            )
        pieces = number_of(len(b.live_lines), "piece")
        return f"PAID basket {b.id}: {pieces}, {money(b.total_cents)} by {b.method}{change}"

    @property
    def text(self) -> str:
        """The banner."""
        return self.line.removeprefix("PAID ")

    def to_json(self) -> dict[str, object]:
        """`--json`."""
        b = self.basket
        return {
            "ok": True,
            "basket": b.id,
            "pieces": [line.item_id for line in b.live_lines],
            "total_cents": b.total_cents,
            "method": str(b.method),
            "tendered_cents": b.tendered,
            "change_cents": b.change_cents,
            "card_ref": b.card_ref,
            "receipt_job": self.receipt_job,
        }


MAX_TENDERED_CENTS = 10_000_000  # $100,000 handed over at a post office counter is a typing error


class AbandonRefused(Refused):
    """A piece of the basket could not be voided: nothing of the basket was."""


@dataclass(frozen=True)
class Settlement:
    """How a basket is paid, worked out on its total as it is when the payment is taken."""

    method: Payment
    lines: tuple[str, ...]
    tendered: int | None = None
    change: int | None = None
    card_ref: str | None = None
    card_cents: int | None = None  # split tender: the card's part


def _card_ref(reference: str) -> str | Outcome:
    """The terminal's reference, or why it is not one (a card number is refused: never kept)."""
    ref = reference.strip()
    if _CARD_NUMBER.match(ref.replace(" ", "")):
        return Outcome.refused("that looks like a card number: type the terminal's reference")
    if not _CARD_REF.match(ref):
        return Outcome.refused(
            f"card reference: 4 to {CARD_REF_MAX} letters, digits or '-', from the terminal's slip"
        )
    return ref


class BasketDesk:
    """Baskets at one counter."""

    def __init__(self, station: Station, counter: CounterDesk | None = None) -> None:
        self.station = station
        self.counter = counter or CounterDesk(station)
        self.queue = PrintQueue(station.db, station.clock)

    def open(self, operator: str) -> Outcome:
        """A new customer."""
        with self.station.db.transaction() as conn:
            basket = baskets.open_basket(conn, operator, self.station.clock().isoformat())
        return Outcome(True, str(basket), message="basket open", details={"basket": basket})

    def get(self, basket_id: int) -> Basket | None:
        """The basket as it stands."""
        with self.station.db.reading() as conn:
            return baskets.get(conn, basket_id)

    def add(
        self,
        basket_id: int,
        piece: Piece,
        *,
        facility: str,
        operator: str,
        phone: str | None = None,
        deliver: Callable[[Acceptance], None] | None = None,
    ) -> Acceptance | Outcome:
        """Accept one piece into the basket (no receipt yet: one for the whole basket at payment)."""
        return self.counter.accept(
            piece,
            facility=facility,
            operator=operator,
            phone=phone,
            print_receipt=False,
            deliver=deliver,
            basket=basket_id,
        )

    def remove(self, basket_id: int, item: str, *, facility: str, operator: str) -> Outcome:
        """Take a piece out before payment: voided, its postage back in the meter, no one's say-so. A
        basket whose last piece is taken out closes itself (it blocks neither the till nor anyone)."""
        item_id = canonical_id(item)
        with self.station.db.transaction():  # the check, the void and the closing: one transaction
            basket = self.get(basket_id)
            if basket is None or basket.state is not BasketState.OPEN:
                return Outcome.refused(f"basket {basket_id} is not open", item_id)
            if item_id not in {line.item_id for line in basket.live_lines}:
                return Outcome.refused(f"{item_id} is not in basket {basket_id}", item_id)
            done = VoidDesk(self.station).void(
                item_id,
                supervisor=None,
                pin=None,
                reason="taken out before payment",
                facility=facility,
                operator=operator,
            )
            if done.ok:
                with self.station.db.reading() as conn:
                    emptied = baskets.close_if_empty(conn, basket_id)
                if emptied:
                    return replace(done, message=f"{done.message}; basket {basket_id} is empty and closed")
            return done

    def abandon(
        self,
        basket_id: int,
        *,
        supervisor: str | None,
        pin: str | None,
        reason: str,
        facility: str,
        operator: str,
    ) -> Outcome:
        """Give up a basket: an empty one closes with no one's say-so; one with unpaid pieces only under
        a supervisor (once the station has operators), its pieces voided, all in one transaction."""
        basket = self.get(basket_id)
        if basket is None or basket.state is not BasketState.OPEN:
            return Outcome.refused(f"basket {basket_id} is not open", str(basket_id))
        if not basket.live_lines:
            with self.station.db.transaction() as conn:
                baskets.close_if_empty(conn, basket_id)
            return Outcome(True, str(basket_id), message=f"basket {basket_id} was empty: closed")
        with self.station.db.reading() as conn:
            staffed = operators.any_operators(conn)
        allowed = None
        if staffed:
            checked = OperatorDesk(self.station).supervise(
                supervisor, pin, "basket abandon", operator or "-", f"BASKET-{basket_id}", reason
            )
            if isinstance(checked, Outcome):
                return checked
            allowed = checked
        with self.station.db.transaction() as conn:
            again = baskets.get(conn, basket_id)  # as it is now, under the write lock
            if again is None or again.state is not BasketState.OPEN:
                return Outcome.refused(f"basket {basket_id} is not open", str(basket_id))
            for line in again.live_lines:
                done = VoidDesk(self.station).void(
                    line.item_id,
                    supervisor=None,
                    pin=None,
                    reason=f"basket {basket_id} abandoned: {reason}".strip(),
                    facility=facility,
                    operator=operator,
                )
                if not done.ok:
                    raise AbandonRefused(f"{line.item_id}: {done.text}")
                if allowed is not None:
                    replace(allowed, item_id=line.item_id).journal(self.station, conn, facility)
            baskets.abandon(conn, basket_id)
        pieces = len(again.live_lines)
        return Outcome(
            True,
            str(basket_id),
            message=f"basket {basket_id} abandoned: {number_of(pieces, 'piece')} voided,"
            f" {money(again.total_cents)} back in the meter",
        )

    def pay_cash(
        self, basket_id: int, tendered_cents: int, *, facility: str, operator: str
    ) -> Paid | Outcome:
        """Cash: what the customer handed over must cover the total; the change is worked out on the
        basket as it is when the payment is taken (inside the payment's transaction)."""
        if not 0 <= tendered_cents <= MAX_TENDERED_CENTS:
            return Outcome.refused(f"tendered: between $0.00 and {money(MAX_TENDERED_CENTS)}", str(basket_id))

        def settle(basket: Basket) -> Settlement | Outcome:
            if tendered_cents < basket.total_cents:
                return Outcome.refused(
                    f"{money(tendered_cents)} tendered, the basket is {money(basket.total_cents)}:"
                    f" {money(basket.total_cents - tendered_cents)} short",
                    str(basket_id),
                )
            change = tendered_cents - basket.total_cents
            return Settlement(
                Payment.CASH,
                (f"CASH {money(tendered_cents)}", f"CHANGE {money(change)}"),
                tendered=tendered_cents,
                change=change,
            )

        return self._pay(basket_id, settle, facility, operator)

    def pay_card(self, basket_id: int, reference: str, *, facility: str, operator: str) -> Paid | Outcome:
        """Card: the terminal's reference for the payment (never the card number)."""
        ref = _card_ref(reference)
        if isinstance(ref, str):
            settlement = Settlement(Payment.CARD, (f"CARD ref {ref}",), card_ref=ref)
            return self._pay(basket_id, lambda _basket: settlement, facility, operator)
        return Outcome.refused(ref.reason or "", str(basket_id))

    def pay_split(
        self,
        basket_id: int,
        card_cents: int,
        reference: str,
        tendered_cents: int,
        *,
        facility: str,
        operator: str,
    ) -> Paid | Outcome:
        """Split tender: `card_cents` on the card (the terminal's reference), the rest in cash, with the
        cash tendered and its change, all worked out on the basket's total under the payment's lock."""
        ref = _card_ref(reference)
        if not isinstance(ref, str):
            return Outcome.refused(ref.reason or "", str(basket_id))
        if not 0 <= tendered_cents <= MAX_TENDERED_CENTS:
            return Outcome.refused(f"tendered: between $0.00 and {money(MAX_TENDERED_CENTS)}", str(basket_id))

        def settle(basket: Basket) -> Settlement | Outcome:
            if not 0 < card_cents < basket.total_cents:
                return Outcome.refused(
                    f"the card's part: more than $0.00 and less than the total {money(basket.total_cents)}"
                    " (all of it: pay by card)",
                    str(basket_id),
                )
            cash = basket.total_cents - card_cents
            if tendered_cents < cash:
                return Outcome.refused(
                    f"{money(tendered_cents)} tendered for the cash part {money(cash)}:"
                    f" {money(cash - tendered_cents)} short",
                    str(basket_id),
                )
            change = tendered_cents - cash
            return Settlement(
                Payment.SPLIT,
                (
                    f"CARD {money(card_cents)} ref {ref}",
                    f"CASH {money(tendered_cents)} for {money(cash)}",
                    f"CHANGE {money(change)}",
                ),
                tendered=tendered_cents,
                change=change,
                card_ref=ref,
                card_cents=card_cents,
            )

        return self._pay(basket_id, settle, facility, operator)

    def _pay(
        self,
        basket_id: int,
        settle: Callable[[Basket], Settlement | Outcome],
        facility: str,
        operator: str,
    ) -> Paid | Outcome:
        """One write transaction over what it reads: the basket re-read under the write lock (a piece
        added or taken out a moment before is in its total, and one cannot come in between), the day's
        till, the settlement worked out on that total, the payment recorded once (a second payment of
        the same basket is refused), the receipt queued."""
        station, config = self.station, self.station.config
        with (
            in_flight.tracked(
                station.db, "payment", f"basket {basket_id}", basket_id, operator, station.clock
            ) as mark,
            station.db.transaction() as conn,
        ):
            basket = baskets.get(conn, basket_id)
            if basket is None:
                return Outcome.refused(f"no basket {basket_id}", str(basket_id))
            if basket.state is not BasketState.OPEN:
                return Outcome.refused(
                    f"basket {basket_id} is {basket.state}: not paid again", str(basket_id)
                )
            if not basket.live_lines:
                return Outcome.refused(f"basket {basket_id} is empty: nothing to pay", str(basket_id))
            if till.closed(conn, till.local_day(station.clock(), config.time_zone)):
                return Outcome.refused(
                    "the till is closed for today: no more payments dated today", str(basket_id)
                )
            settled = settle(basket)
            if isinstance(settled, Outcome):
                return settled
            receipt_lines = []
            for line in basket.live_lines:
                accepted = next(e for e in events_of(conn, line.item_id) if str(e.kind) == "acceptance")
                receipt_lines.append(
                    receipt_lines_of.line(
                        conn,
                        line.item_id,
                        line.service,
                        accepted.weight_g or 0,
                        line.cents,
                        accepted.extra,
                        accepted.occurred_at,
                        config.time_zone,
                    )
                )
            receipt = Receipt(
                facility,
                operator,
                local(station.clock(), config.time_zone),
                tuple(receipt_lines),
                settled.lines,
                basket=basket.id,
                office_address=config.office_address,
                track_url=config.tracking_url,
            )
            if not baskets.record_payment(
                conn,
                basket.id,
                settled.method,
                station.clock().isoformat(),
                tendered=settled.tendered,
                change=settled.change,
                card_ref=settled.card_ref,
                card_cents=settled.card_cents,
                total=basket.total_cents,
            ):
                return Outcome.refused(f"basket {basket_id} was paid already: not paid again", str(basket_id))
            printer = profile(config.devices.receipt_printer_profile)
            data, fmt = (
                (receipt_pdf(receipt), "pdf")
                if printer.language == "pdf"
                else (receipt_escpos(receipt), "escpos")
            )
            job = self.queue.enqueue(config.devices.receipt_printer, data, fmt, f"receipt basket {basket.id}")
            paid = baskets.get(conn, basket.id)
            mark(conn, f"paid {money(basket.total_cents)} by {settled.method}")
        assert paid is not None
        return Paid(paid, job)
