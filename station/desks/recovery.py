"""The recovery desk: what a stop (a crash, a power cut, SIGKILL) left in flight, told and settled.

Each counter transaction is written down before it starts and marked finished inside the transaction
that does it (`station.office.in_flight`), so after a stop the station knows, for each one, whether it
happened. `recover` says so in words, prints a recovery receipt for each payment (the customer may have
paid: the receipt says whether the station recorded it) and settles them as reported.
"""

from __future__ import annotations

from station.app import Station
from station.model.localtime import local
from station.office import baskets, in_flight
from station.office.in_flight import Flight
from station.postage.rates import money
from station.postage.receipt import document_escpos, document_pdf
from station.printing.profiles import profile
from station.printing.queue import PrintQueue


class RecoveryDesk:
    """After a stop."""

    def __init__(self, station: Station) -> None:
        self.station = station

    def stopped(self) -> list[Flight]:
        """The transactions a stopped process left in flight (none while all is well)."""
        with self.station.db.reading() as conn:
            return in_flight.stopped(conn)

    def recover(self) -> list[str]:
        """Each transaction left in flight, what became of it, and a recovery receipt for a payment;
        all settled as reported. The lines for the operator (empty when there was nothing)."""
        station, config = self.station, self.station.config
        lines = []
        with station.db.transaction() as conn:
            for flight in in_flight.stopped(conn):
                lines.append(flight.line(config.time_zone))
                if flight.kind == "payment" and flight.basket_id is not None:
                    basket = baskets.get(conn, flight.basket_id)
                    if flight.committed and basket is not None:
                        change = f", change {money(basket.change_cents or 0)}" if basket.change_cents else ""
                        paid = f"{money(basket.total_cents)} by {basket.method}{change}"
                        said = f"basket {basket.id} WAS PAID: {paid}"
                    else:
                        said = (
                            f"basket {flight.basket_id}: the payment was NOT recorded; the basket is still"
                            " open: take the payment again, or give back what was handed over"
                        )
                    receipt = [
                        config.facility,
                        f"{local(station.clock(), config.time_zone):%Y-%m-%d %H:%M}",
                        "RECOVERY AFTER A STOP",
                        said,
                        f"clerk {flight.operator}, started {flight.started_at[:19]}",
                    ]
                    printer = profile(config.devices.receipt_printer_profile)
                    data, fmt = (
                        (document_pdf("Recovery receipt", receipt), "pdf")
                        if printer.language == "pdf"
                        else (document_escpos(receipt), "escpos")
                    )
                    PrintQueue(station.db, station.clock).enqueue(
                        config.devices.receipt_printer,
                        data,
                        fmt,
                        f"recovery receipt basket {flight.basket_id}",
                    )
                    lines.append(f"  recovery receipt printed: {said}")
                in_flight.settle(conn, flight.id, "reported after a stop", station.clock())
        return lines
