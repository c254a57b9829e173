"""The void desk: a piece taken back at the counter; once paid for, only under a supervisor.

A line taken out of an open basket (before payment) is voided with no one's say-so. After payment,
voiding is: the supervisor's override checked -> the piece's indicia marked void in the registry ->
its postage refunded to the meter (a `refund` line; the ascending register never goes down) -> the
`override` and `void` events journalled, all in one transaction. The label is dead from then on: any
later scan of the item is refused, saying it was voided, and raises a fraud alert.
"""

from __future__ import annotations

from station.app import Station
from station.desks.operators import OperatorDesk, Supervision
from station.desks.outcome import Outcome
from station.ids.scanning import canonical_id
from station.items import containers
from station.model.events import EventKind
from station.model.states import ItemStatus
from station.office import baskets, till
from station.office.baskets import BasketState
from station.office.till import DayClosed
from station.postage.indicia import MeterKeyError, MeterKeys, mark_voided, register_mac_key
from station.postage.meter import Meter, MeterError
from station.postage.rates import money
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
    ) -> Outcome:
        """Void an accepted, paid piece (a refusal changes nothing but a wrong PIN's count)."""
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
        why = (reason.strip() or "taken out before payment") if unpaid else reason.strip()
        try:
            meter = Meter(
                station.db, meter_id, register_mac_key(self.keys.private_key(meter_id)), station.clock
            )
            with station.db.transaction() as conn:
                till.refuse_if_closed(conn, station.clock(), station.config.time_zone)
                if not mark_voided(conn, meter_id, piece, station.clock().isoformat()):
                    return Outcome.refused(
                        f"{meter_id} piece {piece} is not in the registry as unvoided", item_id
                    )
                registers = meter.refund(cents, piece)
                if allowed is not None:
                    allowed.journal(station, conn, facility)
                if unpaid and basket is not None:
                    baskets.remove_line(conn, basket.id, item_id)
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
                                {"supervisor": supervisor}
                                if allowed
                                else {"basket": basket.id if basket else None}
                            ),
                        },
                    ),
                )
        except (MeterError, MeterKeyError, DayClosed) as exc:
            return Outcome.refused(f"not voided: {exc}", item_id)
        return Outcome(
            True,
            item_id,
            message=f"voided: {money(cents)} back in meter {meter_id} ({money(registers.descending)} now)",
            stored=stored,
            details={"refund_cents": cents, "meter_piece": piece},
        )
