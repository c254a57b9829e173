"""Held for pickup: the notice card left at the door, the item put on the office's pickup shelf, the
addressee collecting it at the counter (ID checked, a signature or the pickup code), and what was not
collected in time going back to its sender.

Where an item waits and until when is the `held` event's (shelf, until): the journal says it, so the
list of held items survives anything the window does. The pickup code is `station.items.pickups`'s.
Of an identity document only its kind and last 4 characters are recorded, never the whole number.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from station.app import Station
from station.desks.outcome import Outcome
from station.desks.scan import ScanDesk
from station.errors import Refused
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.items import containers, pickups, recipients
from station.items.delivery import Receiver, Signature, SignatureImage, SignatureRefused, store_signature
from station.labels.layouts import ShippingLabelData, shipping_label
from station.labels.notice import (
    CARD_SEPARATOR,
    DOTS_58MM,
    DOTS_80MM,
    NoticeCard,
    notice_escpos,
    notice_pdf,
    notice_zpl,
)
from station.labels.render import render
from station.model.events import REASON_CODES, EventKind
from station.model.localtime import local
from station.model.states import ItemStatus
from station.notify import outbox
from station.printing.profiles import profile
from station.printing.queue import PrintQueue
from station.resources import asset
from station.store.journal import acceptance_extra, latest_of_kind

ID_KINDS = ("passport", "driving-licence", "id-card", "residence-permit", "military-id")
SHELF = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,7}$")


@cache
def _holding() -> tuple[int, int, dict[str, int]]:
    table = tomllib.loads(asset("holding.toml").read_text(encoding="utf-8"))
    services = {str(k): int(v) for k, v in table["services"].items()}
    return int(table["default_days"]), int(table["locker_days"]), services


def hold_days(service: str | None, *, locker: bool = False) -> int:
    """How long an item of `service` waits for its addressee (assets/holding.toml)."""
    default, in_locker, services = _holding()
    return in_locker if locker else services.get(service or "", default)


@dataclass(frozen=True, slots=True)
class HeldItem:
    """An item waiting for pickup here."""

    item_id: str
    shelf: str
    since: date
    until: date
    name: str  # the addressee, to find the item by name at the counter

    def age_days(self, today: date) -> int:
        """Days on the shelf."""
        return (today - self.since).days

    def overdue(self, today: date) -> bool:
        """Not collected in its holding period: for return to its sender."""
        return today > self.until


class IdRefused(Refused):
    """The identity document as typed cannot be recorded; the message shows the form."""


@dataclass(frozen=True, slots=True)
class IdDocument:
    """What is recorded of an identity document shown at the counter: its kind and last 4 characters."""

    kind: str
    last4: str

    @classmethod
    def parse(cls, text: str) -> IdDocument:
        """`passport:1234` (or the whole number: only its last 4 characters are kept)."""
        kind, _, number = text.partition(":")
        kind = kind.strip().lower()
        tail = "".join(ch for ch in number if ch.isalnum())[-4:].upper()
        if kind not in ID_KINDS:
            raise IdRefused(f"ID: the kind of document is one of {', '.join(ID_KINDS)} (e.g. passport:1234)")
        if len(tail) < 4:
            raise IdRefused("ID: type the last 4 characters of the document's number (e.g. passport:1234)")
        return cls(kind, tail)


class PickupDesk:
    """The office's pickup shelf and its counter."""

    def __init__(self, station: Station, scans: ScanDesk | None = None) -> None:
        self.station = station
        self.scans = scans or ScanDesk(station)

    # --- at the door -------------------------------------------------------------------------------
    def notice(self, item: str, reason: str, *, facility: str) -> Outcome:
        """A notice card for `item` (just attempted): a new pickup code, texted to the addressee's
        opted-in numbers and printed with the office, the days and a QR code on the carrier's receipt
        printer."""
        today = self.station.today()
        with self.station.db.reading() as conn:
            service = (acceptance_extra(conn, item) or {}).get("service")
        config = self.station.config
        with self.station.db.transaction() as conn:
            code = pickups.issue(conn, self.station.paths.keys, item, self.station.clock().isoformat())
            texted = outbox.text_code(self.station, conn, item, "pickup_code", code)
            card = NoticeCard(
                item,
                facility,
                config.office_address,
                today + timedelta(days=1),
                today + timedelta(days=hold_days(service)),
                code,
                REASON_CODES.get(reason, reason),
                config.tracking_url,
            )
            job = self._print_card(card)
        return Outcome(
            True,
            item,
            message=f"notice card printed (job {job}): collect from {card.ready_from:%a %d %b} until"
            f" {card.keep_until:%a %d %b}" + (f"; code texted to {texted}" if texted else ""),
            details={"job": job, "until": card.keep_until.isoformat(), "texted": texted},
        )

    def _print_card(self, card: NoticeCard) -> int:
        devices = self.station.config.devices
        printer = profile(devices.receipt_printer_profile)
        if printer.language == "escpos":
            data, fmt = notice_escpos(card, DOTS_58MM if "58" in printer.name else DOTS_80MM), "escpos"
        elif printer.language in ("zpl", "zpl-raster"):
            data, fmt = notice_zpl(card), "zpl"
        else:
            data, fmt = notice_pdf(card), "pdf"
        queue = PrintQueue(self.station.db, self.station.clock)
        return queue.enqueue(
            devices.receipt_printer, data, fmt, f"notice card {card.item_id}", item_id=card.item_id
        )

    # --- the shelf -------------------------------------------------------------------------------
    def hold(self, raw: str, shelf: str, *, facility: str, operator: str) -> Outcome:
        """Put the item on the pickup shelf `shelf` (A3...): journalled with the shelf and the last day it
        waits; a code is made when the item has none (and texted to opted-in numbers)."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        place = shelf.strip().upper()
        if not SHELF.match(place):
            return Outcome.refused("a shelf is a short code of letters and digits, e.g. A3", item)
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
            service = (acceptance_extra(conn, item) or {}).get("service")
            has_code = pickups.state_of(conn, item) is pickups.CodeState.ISSUED
        if known is not None and known.status in (
            ItemStatus.DELIVERED,
            ItemStatus.RETURNED,
            ItemStatus.VOIDED,
        ):
            return Outcome.refused(f"{item} is {known.status.label.lower()}: nothing to hold", item)
        until = self.station.today() + timedelta(days=hold_days(service))
        done = self.scans.record(
            item,
            EventKind.HELD,
            facility=facility,
            operator=operator,
            note=f"on pickup shelf {place}",
            extra={"shelf": place, "until": until.isoformat()},
        )
        if not done.ok:
            return done
        texted = 0
        if not has_code:
            with self.station.db.transaction() as conn:
                code = pickups.issue(conn, self.station.paths.keys, item, self.station.clock().isoformat())
                texted = outbox.text_code(self.station, conn, item, "pickup_code", code)
        return Outcome(
            True,
            item,
            message=f"on shelf {place} until {until:%a %d %b}"
            + (f"; pickup code texted to {texted}" if texted else ""),
            stored=done.stored,
            details={"shelf": place, "until": until.isoformat()},
        )

    def held(self, facility: str) -> list[HeldItem]:
        """Every item waiting on this office's shelf, oldest first."""
        with self.station.db.reading() as conn:
            rows = latest_of_kind(conn, EventKind.HELD, ItemStatus.HELD, facility)
            names = {r.item_id: r.name for r in recipients.search(conn, items=tuple(i for i, _, _ in rows))}
        zone = self.station.config.time_zone
        out = []
        for item_id, occurred_at, fields in rows:
            if "shelf" not in fields:
                continue  # in a locker: the locker lists its own
            since = local(datetime.fromisoformat(occurred_at), zone).date()
            until = date.fromisoformat(str(fields["until"]))
            out.append(HeldItem(item_id, str(fields["shelf"]), since, until, names.get(item_id, "")))
        return out

    def find(self, name: str, facility: str) -> list[HeldItem]:
        """Held items whose addressee's name holds `name` (any case)."""
        wanted = name.casefold().strip()
        return [h for h in self.held(facility) if wanted and wanted in h.name.casefold()]

    # --- at the counter ----------------------------------------------------------------------------
    def release(
        self,
        raw: str,
        *,
        id_document: str,
        facility: str,
        operator: str,
        code: str | None = None,
        signature: Signature | SignatureImage | None = None,
        name: str = "",
    ) -> Outcome:
        """Hand the item over: ID checked (its kind and last 4 characters recorded), and the pickup code
        or a signature. Wrong codes are counted (3 lock the code: then a signature)."""
        raw, _, carded = raw.strip().partition(CARD_SEPARATOR)  # the notice card: ITEM/CODE
        code = code if code is not None else (carded or None)
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        try:
            document = IdDocument.parse(id_document)
        except IdRefused as exc:
            return Outcome.refused(str(exc), item)
        if code is None and signature is None:
            return Outcome.refused("the pickup code, or the addressee's signature", item)
        if signature is not None:
            try:
                signature.check()
            except SignatureRefused as exc:
                return Outcome.refused(str(exc), item)
            if len(" ".join(name.split())) < 2:
                return Outcome.refused("type the name of who collects it, as they print it", item)
        folder = self.station.paths.signatures
        ref = store_signature(signature, folder) if signature is not None else None
        proof = "pickup code" if signature is None else "signed" if code is None else "pickup code, signed"
        who = " ".join(name.split())
        # One transaction: the item still waiting here, its code (a wrong one counted, even when refused)
        # and the hand-over, so two clerks never hand one item over twice.
        with self.station.db.transaction() as conn:
            known = containers.item_record(conn, item)
            refusal: Outcome | None = None
            if known is None or known.status is not ItemStatus.HELD or known.facility != facility:
                state = known.status.label.lower() if known else "never scanned here"
                refusal = Outcome.refused(f"{item} is not waiting for pickup here ({state})", item)
            elif code is not None:
                checked = pickups.check(conn, self.station.paths.keys, item, code)
                if not checked.ok:
                    refusal = Outcome.refused(
                        checked.reason, item, code_state=str(checked.state), tries_left=checked.left
                    )
            if refusal is None:
                stored = self.station.journal.append_in(
                    conn,
                    self.station.event(
                        item,
                        EventKind.PICKED_UP,
                        facility,
                        operator,
                        signature_ref=ref,
                        note=f"collected at the counter ({proof}, {document.kind} ID)",
                        # Under "identity": the hub's public view strips it (hub.public_extra).
                        extra={
                            "receiver": str(Receiver.ADDRESSEE),
                            "at": "counter",
                            "identity": {"kind": document.kind, "last4": document.last4, "name": who},
                            "proof": proof,
                        },
                    ),
                )
        if refusal is not None:
            for leftover in folder.glob(f"{ref}.*") if ref else []:  # refused: keep no orphan signature
                leftover.unlink(missing_ok=True)
            return refusal
        return Outcome(
            True, item, message=f"handed over ({proof}, {document.kind} ...{document.last4})", stored=stored
        )

    # --- not collected ---------------------------------------------------------------------------
    def return_to_sender(
        self, raw: str, *, facility: str, operator: str, to: tuple[str, ...] = ()
    ) -> Outcome:
        """Not collected (or refused): journalled as returned (UNCLAIMED) and a label to the sender
        printed. The sender's address is the acceptance's, or `to` for an item accepted elsewhere."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
            sender = to or recipients.sender_of(conn, item)
        if known is None or known.status in (ItemStatus.DELIVERED, ItemStatus.RETURNED, ItemStatus.VOIDED):
            state = known.status.label.lower() if known else "never scanned here"
            return Outcome.refused(f"{item} cannot go back to its sender ({state})", item)
        if not sender:
            return Outcome.refused(
                f'the sender of {item} is not known here: give their address (--to "Name, street, town ZIP")',
                item,
            )
        config = self.station.config
        label = shipping_label(
            ShippingLabelData(
                tracking=item,
                sender=tuple(x for x in (facility, config.office_address) if x),
                recipient=sender,
                service="RETURN TO SENDER",
                mailed_on=self.station.today(),
                reference="UNCLAIMED",
            ),
            profile(config.devices.printer_profile).dpi,
        )
        printer = profile(config.devices.printer_profile)
        data = render([label], printer.language)
        done = self.scans.record(
            item,
            EventKind.RETURNED,
            facility=facility,
            operator=operator,
            reason="UNCLAIMED",
            note="not collected",
        )
        if not done.ok:
            return done
        job = PrintQueue(self.station.db, self.station.clock).enqueue(
            config.devices.printer, data, printer.language, f"return label {item}", item_id=item
        )
        return Outcome(
            True, item, message=f"back to its sender: label printed (job {job})", stored=done.stored
        )


def card_item(raw: str) -> str:
    """The item of a scan of its barcode or of its notice card (ITEM/CODE)."""
    return raw.strip().partition(CARD_SEPARATOR)[0]


def _item(raw: str) -> str | Outcome:
    found = classify(card_item(raw))
    if not isinstance(found, Identified):
        return Outcome.refused(found.reason)
    if found.kind not in ITEM_KINDS:
        return Outcome.refused(f"{found.id} is not an item: scan the item's barcode or the notice card's")
    return found.id
