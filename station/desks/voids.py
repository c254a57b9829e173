"""The void desk: a piece taken back at the counter; once paid for, only under a supervisor.

A line taken out of an open basket (before payment) is voided with no one's say-so. After payment,
voiding is: the supervisor's override checked -> the piece's indicia marked void in the registry ->
its postage refunded to the meter (a `refund` line; the ascending register never goes down) -> the
`override` and `void` events journalled, and the customer paid back the way they paid (cash from the
drawer, or to the card with the terminal's refund reference; a refund receipt printed), all in one
transaction. A piece never paid for (accepted outside a basket, or in one not paid yet) refunds the
meter only. The label is dead from then on: any later scan of the item is refused, saying it was
voided, and raises a fraud alert.
"""

from __future__ import annotations

import sqlite3

from station.app import Station
from station.desks.operators import OperatorDesk, Supervision
from station.desks.outcome import Outcome
from station.ids.scanning import canonical_id
from station.items import containers
from station.model.events import EventKind
from station.model.localtime import local
from station.model.states import ItemStatus
from station.office import baskets, in_flight, refunds, till
from station.office.baskets import Basket, BasketState, Payment
from station.office.refunds import HowRefunded, RefundRefused
from station.office.till import DayClosed
from station.postage.indicia import MeterKeyError, MeterKeys, mark_voided, register_mac_key
from station.postage.meter import Meter, MeterError
from station.postage.rates import money
from station.postage.receipt import document_escpos, document_pdf
from station.printing.profiles import profile
from station.printing.queue import PrintQueue
from station.store.journal import events_of


class VoidDesk:
    """Voids at one counter."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self.keys = MeterKeys(station.db, station.paths.keys)

    def void(
        self,
        item: str,
        *,
        supervisor: str | None,
        pin: str | None,
        reason: str,
        facility: str,
        operator: str,
        refund: str | None = None,
    ) -> Outcome:
        """Void an accepted piece (a refusal changes nothing but a wrong PIN's count). `refund`: how a
        customer who paid for it is paid back, `cash` or `card:REF`, the way they paid."""
        station = self.station
        item_id = canonical_id(item)
        with station.db.reading() as conn:
            record = containers.item_record(conn, item_id)
            accepted = [e for e in events_of(conn, item_id) if e.kind is EventKind.ACCEPTANCE]
            basket = baskets.basket_of(conn, item_id)
        if record is None or not accepted:
            return Outcome.refused(f"{item_id} was not accepted here: nothing to void", item_id)
        if record.status is ItemStatus.VOIDED:
            return Outcome.refused(f"{item_id} is voided already", item_id)
        if record.status is ItemStatus.DELIVERED:
            return Outcome.refused(f"{item_id} was delivered: it cannot be voided", item_id)
        paid = accepted[0].extra
        meter_id, piece, cents = str(paid["meter_id"]), int(paid["piece"]), int(paid["postage_cents"])
        unpaid = basket is not None and basket.state is BasketState.OPEN
        allowed: Supervision | None = None
        if not unpaid:  # taken out of an open basket, before payment, needs no one's say-so
            checked = OperatorDesk(station).supervise(supervisor, pin, "void", operator, item_id, reason)
            if not isinstance(checked, Supervision):
                return checked
            allowed = checked
        paid_basket = basket if basket is not None and basket.state is BasketState.PAID else None
        how = None
        if paid_basket is not None:
            try:
                how = self._how_refunded(paid_basket, refund)
            except RefundRefused as exc:
                return Outcome.refused(str(exc), item_id)
        elif refund:
            return Outcome.refused(f"{item_id} was not paid for: no refund to give", item_id)
        owed = 0
        if paid_basket is not None:
            owed = next((line.cents for line in paid_basket.live_lines if line.item_id == item_id), 0)
        why = (reason.strip() or "taken out before payment") if unpaid else reason.strip()
        try:
            meter = Meter(
                station.db, meter_id, register_mac_key(self.keys.private_key(meter_id)), station.clock
            )
            basket_id = basket.id if basket is not None else None
            with (
                in_flight.tracked(station.db, "void", item_id, basket_id, operator, station.clock) as mark,
                station.db.transaction() as conn,
            ):
                till.refuse_if_closed(conn, station.clock(), station.config.time_zone)
                over = _beyond_the_part(conn, paid_basket, how, owed)
                if over is not None:  # read and refused inside the void's transaction: no race
                    return Outcome.refused(over, item_id)
                if not mark_voided(conn, meter_id, piece, station.clock().isoformat()):
                    return Outcome.refused(
                        f"{meter_id} piece {piece} is not in the registry as unvoided", item_id
                    )
                registers = meter.refund(cents, piece)
                if allowed is not None:
                    allowed.journal(station, conn, facility)
                if unpaid and basket is not None:
                    baskets.remove_line(conn, basket.id, item_id)
                at = station.clock().isoformat()
                by = allowed.supervisor if allowed is not None else None
                refunded = how is not None and paid_basket is not None and owed > 0
                if refunded and how is not None and paid_basket is not None:
                    refunds.record(conn, item_id, paid_basket.id, how, owed, at, operator, by)
                    lines = _refund_receipt(station, item_id, paid_basket.id, how, owed, operator, by)
                else:  # the customer's slip of a void too: what was voided, why, by whom, nothing owed
                    lines = _void_slip(station, item_id, basket_id, why, operator, by)
                data, fmt = (
                    (document_pdf(f"{'Refund' if refunded else 'Void'} {item_id}", lines), "pdf")
                    if profile(station.config.devices.receipt_printer_profile).language == "pdf"
                    else (document_escpos(lines), "escpos")
                )
                PrintQueue(station.db, station.clock).enqueue(
                    station.config.devices.receipt_printer,
                    data,
                    fmt,
                    f"{'refund receipt' if refunded else 'void slip'} {item_id}",
                    item_id=item_id,
                )
                stored = station.journal.append_in(
                    conn,
                    station.event(
                        item_id,
                        EventKind.VOID,
                        facility,
                        operator,
                        note=why[:500],
                        extra={
                            "meter_id": meter_id,
                            "piece": piece,
                            "refund_cents": cents,
                            **(
                                {
                                    "customer_refund_cents": owed,
                                    "customer_refund": str(how.method),
                                    **({"card_ref": how.card_ref} if how.card_ref else {}),
                                }
                                if how is not None and owed > 0
                                else {}
                            ),
                            **(
                                {"supervisor": supervisor}
                                if allowed
                                else {"basket": basket.id if basket else None}
                            ),
                        },
                    ),
                )
                mark(
                    conn,
                    f"voided, {money(cents)} back in the meter"
                    + (f", {money(owed)} refunded" if owed else ""),
                )
        except (MeterError, MeterKeyError, DayClosed) as exc:
            return Outcome.refused(f"not voided: {exc}", item_id)
        customer = f"; {money(owed)} refunded {how.words}" if how is not None and owed > 0 else ""
        return Outcome(
            True,
            item_id,
            message=f"voided: {money(cents)} back in meter {meter_id} ({money(registers.descending)} now)"
            + customer,
            stored=stored,
            details={
                "refund_cents": cents,
                "meter_piece": piece,
                "customer_refund_cents": owed if how is not None else 0,
                "customer_refund": str(how.method) if how is not None else None,
            },
        )

    @staticmethod
    def _how_refunded(basket: Basket, refund: str | None) -> HowRefunded:
        """The customer is paid back the way they paid, and the clerk must say how."""
        paid_by = basket.method or Payment.CASH
        if not refund:
            way = "--refund cash" if paid_by is Payment.CASH else "--refund card:REF (the terminal's refund)"
            raise RefundRefused(f"basket {basket.id} was paid by {paid_by}: say how it is refunded ({way})")
        how = HowRefunded.parse(refund)
        if paid_by is Payment.SPLIT:  # part card, part cash: either way back, as the customer asks
            return how
        if how.method is not paid_by:
            raise RefundRefused(
                f"basket {basket.id} was paid by {paid_by}: its refund goes back the same way,"
                f" not by {how.method}"
            )
        return how


def _beyond_the_part(
    conn: sqlite3.Connection, basket: Basket | None, how: HowRefunded | None, owed: int
) -> str | None:
    """Why a refund from a split basket would give back more by card (or in cash) than came in that
    way, or None: the till must never hand out money the payment did not bring."""
    if basket is None or how is None or basket.method is not Payment.SPLIT or owed <= 0:
        return None
    part = basket.paid_by[how.method]
    given = refunds.refunded_from(conn, basket.id, how.method)
    if given + owed <= part:
        return None
    other = Payment.CASH if how.method is Payment.CARD else Payment.CARD
    room = basket.paid_by[other] - refunds.refunded_from(conn, basket.id, other)
    way = (
        f"refund it {'in cash' if other is Payment.CASH else 'to the card'}"
        if owed <= room
        else (
            f"neither part has {money(owed)} left ({money(part - given)} by {how.method}, {money(room)} by"
            f" {other}): a supervisor settles it with the customer and holds it in suspense"
        )
    )
    return (
        f"basket {basket.id} was paid {money(part)} by {how.method} and {money(given)} of it is refunded"
        f" already: {money(owed)} more cannot go back that way; {way}"
    )


def _void_slip(
    station: Station, item_id: str, basket_id: int | None, why: str, operator: str, supervisor: str | None
) -> list[str]:
    """The slip of a void with nothing to refund (a piece never paid for)."""
    config = station.config
    when = local(station.clock(), config.time_zone)
    return [
        config.facility,
        *([config.office_address] if config.office_address else []),
        f"{when:%Y-%m-%d %H:%M %Z}".strip(),
        "VOID",
        item_id + (f"  (basket {basket_id})" if basket_id is not None else ""),
        f"why: {why[:60]}",
        "not paid for: nothing to refund; its label is dead",
        f"clerk {operator}" + (f", authorised by {supervisor}" if supervisor else ""),
    ]


def _refund_receipt(
    station: Station,
    item_id: str,
    basket_id: int,
    how: HowRefunded,
    cents: int,
    operator: str,
    supervisor: str | None,
) -> list[str]:
    """The customer's refund receipt."""
    config = station.config
    when = local(station.clock(), config.time_zone)
    return [
        f"{config.facility}",
        *([config.office_address] if config.office_address else []),
        f"{when:%Y-%m-%d %H:%M %Z}".strip(),
        "VOID AND REFUND",
        f"{item_id}  (basket {basket_id})",
        f"AMOUNT {money(cents)}",
        "CASH" if how.method is Payment.CASH else f"CARD refund ref {how.card_ref}",
        f"clerk {operator}" + (f", authorised by {supervisor}" if supervisor else ""),
    ]
