"""The counter acceptance of one metered piece, all in one committed transaction.

Quote -> debit the meter -> sign the indicia -> render the label with its imprint -> queue the print
job -> journal the acceptance scan. Any failure (funds short, bad ZIP, item already accepted) rolls all
of it back: no postage is charged for a piece that was not accepted, and no piece is accepted unpaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from station.app import Station
from station.config import data_dir
from station.events import Event, EventKind, StoredEvent
from station.ids import InvalidId
from station.labels.layouts import PostageImprint, ShippingLabelData, shipping_label
from station.labels.model import Label
from station.postage.indicia import IndiciaFields, MeterKeys, sign
from station.postage.meter import Meter
from station.postage.rates import Dimensions, Quote, RateTable
from station.printing.queue import PrintQueue
from station.scanning import Identified, IdKind, classify


class AcceptanceError(ValueError):
    """The piece cannot be accepted; nothing was charged or recorded."""


@dataclass(frozen=True)
class Acceptance:
    """A completed acceptance."""

    tracking: str
    quote: Quote
    piece: int
    indicia: str
    label: Label
    label_bytes: bytes
    print_job: int
    event: StoredEvent


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


def accept(
    station: Station,
    piece: Piece,
    *,
    label_format: str,
    render: object,
    printer: str,
    facility: str,
    operator: str,
    today: date | None = None,
) -> Acceptance:
    """Accept one piece; `render(labels, format) -> bytes` draws the label."""
    assert callable(render)
    today = today or station.clock().date()
    keys = MeterKeys(station.db, data_dir())
    meter = Meter(station.db, station.config.meter_id)
    queue = PrintQueue(station.db, station.clock)
    quote = RateTable.for_date(today).quote(
        piece.service, piece.weight_g, piece.from_zip, piece.to_zip,
        dims=piece.dims, signature=piece.signature, declared_value_cents=piece.declared_value_cents,
    )  # fmt: skip
    key = keys.private_key(station.config.meter_id)
    with station.db.transaction() as conn:
        tracking, routing = _tracking(station, piece, conn)
        serial = meter.debit(quote.total_cents)
        fields = IndiciaFields(
            station.config.meter_id, serial, today, quote.total_cents, quote.category,
            piece.from_zip[:5], piece.to_zip[:5], tracking,
        )  # fmt: skip
        indicia = sign(fields, key)
        conn.execute(
            "INSERT INTO indicia_seen VALUES (?,?,?,?)",
            (fields.meter_id, serial, tracking, station.clock().isoformat()),
        )
        label = shipping_label(
            ShippingLabelData(
                tracking=tracking, sender=piece.sender, recipient=piece.recipient, service=quote.service_name,
                weight_g=piece.weight_g, mailed_on=today, reference=piece.reference, routing_zip=routing,
                postage=PostageImprint(quote.total_cents, fields.meter_id, fields.origin_zip, today, indicia,
                                       quote.category),
            ),
            203,
        )  # fmt: skip
        label_bytes = render([label], label_format)
        assert isinstance(label_bytes, bytes)
        job = queue.enqueue(printer, label_bytes, label_format, f"label {tracking}", item_id=tracking)
        event = station.journal.append_in(
            conn,
            Event.new(
                tracking, EventKind.ACCEPTANCE, facility=facility, station_id=station.station_id,
                operator=operator, at=station.clock(), weight_g=piece.weight_g,
                extra={"service": piece.service, "postage_cents": quote.total_cents,
                       "meter_id": fields.meter_id, "piece": serial, "destination_zip": piece.to_zip[:5],
                       "routing_zip": routing},
            ),
        )  # fmt: skip
    return Acceptance(tracking, quote, serial, indicia, label, label_bytes, job, event)


def _tracking(station: Station, piece: Piece, conn: object) -> tuple[str, str | None]:
    if piece.tracking is None:
        s10 = station.allocator.allocate(piece.s10_service, station.config.country)[0]
        return s10.text, None
    found = classify(piece.tracking)
    if not isinstance(found, Identified) or found.kind not in (IdKind.S10, IdKind.IMPB):
        reason = getattr(found, "reason", f"{piece.tracking} is not an item id (S10 or IMpb)")
        raise AcceptanceError(f"tracking: {reason}")
    with station.db.reading() as reader:
        row = reader.execute("SELECT accepted FROM item_status WHERE item_id=?", (found.id,)).fetchone()
    if row is not None and row[0]:
        raise AcceptanceError(f"{found.id} was already accepted: use a new label")
    routing = found.routing_zip or (piece.to_zip[:5] if found.kind is IdKind.IMPB else None)
    return found.id, routing


__all__ = ["Acceptance", "AcceptanceError", "InvalidId", "Piece", "accept"]
