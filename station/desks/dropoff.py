"""Prepaid drop-offs (issue 34, item 1): a parcel that arrives labelled and paid is taken in with an
acceptance scan and no charge. A label of another postage provider (an IMpb of another Mailer ID) is
recorded as declared; this network's own postage is the signed indicia beside the tracking barcode,
verified (signature, meter, piece not used before, mailing date) before the piece is taken in. The
pieces of one visit get one drop-off receipt listing them and the time.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.app import Station
from station.desks.outcome import Outcome
from station.desks.postage_checks import verify_indicia
from station.desks.scan import ScanDesk
from station.ids.impb import issued_under
from station.ids.scanning import ITEM_KINDS, Identified, IdKind, classify
from station.items import containers
from station.model.events import EventKind
from station.model.localtime import local
from station.postage.receipt import Receipt, ReceiptLine, receipt_escpos, receipt_pdf
from station.printing.profiles import profile
from station.printing.queue import PrintQueue

DECLARED = "prepaid, another provider's label (as declared)"
VERIFIED = "prepaid, this network's postage (indicia verified)"


@dataclass(frozen=True, slots=True)
class TakenIn:
    """One piece of the visit."""

    item_id: str
    postage: str
    weight_g: int | None


class DropoffDesk:
    """Prepaid pieces at the counter."""

    def __init__(self, station: Station, scans: ScanDesk | None = None) -> None:
        self.station = station
        self.scans = scans or ScanDesk(station)

    def take_in(
        self,
        raw: str,
        *,
        facility: str,
        operator: str,
        weight_g: int | None = None,
        indicia: str | None = None,
    ) -> Outcome:
        """Take one prepaid piece in: its tracking barcode (another provider's IMpb), or this network's
        indicia (`raw` itself, or `indicia` beside the item's barcode). Nothing is charged."""
        payload = raw if indicia is None else indicia
        found = classify(raw)
        if (isinstance(found, Identified) and found.kind is IdKind.INDICIA) or indicia is not None:
            return self._ours(payload, None if indicia is None else raw, facility, operator, weight_g)
        if not isinstance(found, Identified):
            return Outcome.refused(found.reason)
        if found.kind not in ITEM_KINDS:
            return Outcome.refused(f"{found.id} is not an item: scan the parcel's tracking barcode", found.id)
        if not (found.kind is IdKind.IMPB and not issued_under(found.id, self.station.config.mailer_id)):
            return Outcome.refused(
                f"{found.id} is this network's number: scan its postage indicia (the square code) to check"
                " it was paid",
                found.id,
            )
        return self._record(found.id, DECLARED, facility, operator, weight_g, {"postage": "declared"})

    def _ours(
        self, payload: str, item: str | None, facility: str, operator: str, weight_g: int | None
    ) -> Outcome:
        report = verify_indicia(
            self.station,
            payload,
            today=self.station.today(),
            item_id=item,
            measured_weight_g=weight_g,
            record_use=True,
        )
        if report.fields is None or report.problems:
            said = "; ".join(report.problems) or "not this network's postage"
            return Outcome.refused(
                f"postage not taken: {said}", item or (report.fields.tracking if report.fields else None)
            )
        fields = report.fields
        extra = {
            "postage": "indicia",
            "meter_id": fields.meter_id,
            "piece": fields.piece,
            "category": fields.category,
        }
        return self._record(fields.tracking, VERIFIED, facility, operator, weight_g, extra)

    def _record(
        self,
        item: str,
        postage: str,
        facility: str,
        operator: str,
        weight_g: int | None,
        extra: dict[str, object],
    ) -> Outcome:
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
        if known is not None and known.accepted:
            return Outcome.refused(f"{item} was taken in already (at {known.facility}): not again", item)
        done = self.scans.record(
            item,
            EventKind.ACCEPTANCE,
            facility=facility,
            operator=operator,
            weight_g=weight_g,
            note="drop-off: " + postage,
            extra={"dropoff": True, **extra},
        )
        if not done.ok:
            return done
        return Outcome(
            True,
            item,
            message=f"taken in: {postage}; nothing charged",
            stored=done.stored,
            details={"postage": postage, "weight_g": weight_g},
        )

    def receipt(self, pieces: list[TakenIn], *, clerk: str) -> Outcome:
        """One drop-off receipt for the visit's pieces, on the receipt printer."""
        if not pieces:
            return Outcome.refused("no piece was taken in: nothing to put on a receipt")
        config = self.station.config
        receipt = Receipt(
            config.facility,
            clerk,
            local(self.station.clock(), config.time_zone),
            tuple(ReceiptLine(p.item_id, p.postage, p.weight_g or 0, 0, "", 0) for p in pieces),
            office_address=config.office_address,
            track_url=config.tracking_url,
            dropoff=True,
        )
        printer = profile(config.devices.receipt_printer_profile)
        data, fmt = (
            (receipt_pdf(receipt), "pdf")
            if printer.language == "pdf"
            else (receipt_escpos(receipt), "escpos")
        )
        job = PrintQueue(self.station.db, self.station.clock).enqueue(
            config.devices.receipt_printer,
            data,
            fmt,
            f"drop-off receipt ({len(pieces)})",
            item_id=pieces[0].item_id,
        )
        return Outcome(
            True,
            None,
            message=f"drop-off receipt for {len(pieces)} piece(s) printed (job {job})",
            details={"job": job},
        )
