"""The carrier desk: load the round, then at each door deliver (signature and printed name), record an
attempt or a delay with its reason, or bring the item back to the delivery office.

A delivery keeps its proof: the signature (strokes as JSON and a PNG, or the PNG a pad produced) under
the signatures folder, referenced from the delivered event, and a proof-of-delivery PDF per item.
Neither is ever overwritten, and an item already delivered is not delivered again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from station.app import Station
from station.desks.choices import ChoicesDesk, load_refusal
from station.desks.operators import OperatorDesk, Supervision
from station.desks.outcome import Outcome
from station.desks.scan import ScanDesk
from station.ids.scanning import ITEM_KINDS, Identified, classify
from station.items import choices, containers, delivery_pins, photos, recipients
from station.items.delivery import (
    Receiver,
    Signature,
    SignatureImage,
    SignatureRefused,
    proof_of_delivery_pdf,
    store_signature,
)
from station.model.events import REASON_CODES, Event, EventKind
from station.model.localtime import local
from station.model.states import ItemStatus
from station.model.words import number_of
from station.paths import write_new_private
from station.store.journal import events_of

# The reasons a carrier can give at a door (the rest are depot and customer-service reasons).
DOOR_REASONS = (
    "ADDRESSEE_ABSENT",
    "ADDRESS_INCORRECT",
    "REFUSED",
    "NO_ACCESS",
    "BUSINESS_CLOSED",
    "ADDRESSEE_MOVED",
    "DAMAGED",
    "WEATHER",
)


@dataclass(frozen=True, slots=True)
class RoundStop:
    """An item on the round and where it goes."""

    item_id: str
    address: str
    name: str = ""  # the addressee, offered as the printed name at the door
    choice: str = ""  # the customer's delivery choice, in words (safe place, neighbour ...), if any


class CarrierDesk:
    """One carrier's round."""

    def __init__(self, station: Station, scans: ScanDesk | None = None) -> None:
        self.station = station
        self.scans = scans or ScanDesk(station)

    def round(self, facility: str) -> list[RoundStop]:
        """What is out for delivery from this facility now, oldest load first, with each address: the
        round is the journal's, so it survives a restart of the window."""
        with self.station.db.reading() as conn:
            rows = conn.execute(
                "SELECT item_id FROM item_status WHERE status = ? AND facility = ? ORDER BY changed_at",
                (ItemStatus.OUT_FOR_DELIVERY, facility),
            ).fetchall()
            return [_stop(conn, item) for (item,) in rows]

    def at_door(self, raw: str | bytes) -> Outcome:
        """The item scanned at a door: its addressee, or a refusal when it cannot be delivered (already
        delivered, returned), said before the recipient signs."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
            stop = _stop(conn, item)
            by_code = delivery_pins.state_of(conn, item) is delivery_pins.PinState.ISSUED
        if known is not None and known.status is ItemStatus.DELIVERED:
            return Outcome.refused(
                f"{item} was already delivered (at {known.facility}): not delivered again", item
            )
        if known is not None and known.status is ItemStatus.RETURNED:
            return Outcome.refused(f"{item} was returned to the sender: do not deliver it", item)
        choice = ChoicesDesk(self.station).in_force(item)
        refusal = load_refusal(choice, self.station.today(), self.station.config.facility)
        if refusal is not None:
            return Outcome.refused(refusal, item)
        chosen = f"the customer chose: {choice.words()}; " if choice is not None else ""
        return Outcome(
            True,
            item,
            message=chosen
            + ("ask for the delivery code, type it, F9" if by_code else "sign, then F9 (Delivered)"),
            details={
                "address": stop.address,
                "name": stop.name,
                "by_code": by_code,
                "choice": choice.words() if choice is not None else None,
                # What the door screen fills in for the carrier: the choice, the place or the neighbour.
                "chosen": choice.choice if choice is not None else None,
                "chosen_where": str(choice.detail.get("place") or choice.detail.get("house") or "")
                if choice is not None
                else "",
                "chosen_name": str(choice.detail.get("name") or "") if choice is not None else "",
            },
        )

    def load(self, raw: str | bytes, *, facility: str, operator: str) -> Outcome:
        """The item goes on the round (out for delivery), unless the customer chose otherwise on the
        tracking page (hold, redirect, another day): then it is refused with the choice in words, and the
        choice is journalled here, where it takes effect."""
        desk = ChoicesDesk(self.station)
        item = _item(raw)
        if isinstance(item, str):
            refusal = load_refusal(desk.in_force(item), self.station.today(), facility)
            if refusal is not None:
                with self.station.db.transaction() as conn:
                    desk.take_in(conn, item, facility, operator)
                return Outcome.refused(refusal, item)
        with self.station.db.reading() as conn:
            # Its place in the round as loaded: the tracking page's delivery window counts from it.
            place = 1 + int(
                conn.execute(
                    "SELECT count(*) FROM item_status WHERE status = ? AND facility = ?",
                    (ItemStatus.OUT_FOR_DELIVERY, facility),
                ).fetchone()[0]
            )
        done = self.scans.record(
            raw, EventKind.OUT_FOR_DELIVERY, facility=facility, operator=operator, extra={"stop": place}
        )
        if not done.ok or done.id is None:
            return done
        with self.station.db.transaction() as conn:
            choice = desk.take_in(conn, done.id, facility, operator)
        with self.station.db.reading() as conn:
            stop = _stop(conn, done.id)
            known = containers.item_record(conn, done.id)
            this = done.stored.event.event_id if done.stored is not None else ""
            before = [e for e in events_of(conn, done.id) if e.event_id != this]
        doubts = [said for said in (self._not_ours(known), _never_here(before, facility)) if said]
        chosen = f"; the customer chose: {choice.words()}" if choice is not None else ""
        return Outcome(
            True,
            done.id,
            message="on the round" + (", but CHECK IT: " + "; ".join(doubts) if doubts else "") + chosen,
            stored=done.stored,
            warning=done.warning,
            details={
                "address": stop.address,
                "name": stop.name,
                "doubts": doubts,
                "choice": choice.words() if choice is not None else None,
            },
        )

    def _not_ours(self, known: containers.ItemRecord | None) -> str:
        """Said when the item is addressed to another delivery office's area (its ZIP's first three
        digits are not this office's): a van loaded with another office's parcel drives it around."""
        ours = self.station.config.origin_zip[:3]
        theirs = (known.destination_zip or "")[:3] if known is not None else ""
        if not theirs or theirs == ours:
            return ""
        return f"addressed to {theirs}xx, not this office's {ours}xx"

    def deliver(
        self,
        raw: str,
        signature: Signature | SignatureImage | None,
        name: str,
        *,
        facility: str,
        operator: str,
        photo: bytes | None = None,
        safe_place: str = "",
        neighbour_house: str = "",
        supervisor: str | None = None,
        pin: str | None = None,
        reason: str = "",
    ) -> Outcome:
        """Delivered, with its proof: to the addressee `name`, who signed (a photo too, if taken); to a
        neighbour `name` at `neighbour_house` (who signed, or a photo); or left at `safe_place` (in words,
        with the photo, nobody signs). The signature, the photo (its SHA-256 in the event) and a proof of
        delivery are kept. An item delivered already is delivered again only under a supervisor's
        override."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        door = _door(signature, name, photo, safe_place, neighbour_house)
        if isinstance(door, str):
            return Outcome.refused(door, item)
        receiver, said = door
        if signature is not None:
            try:
                signature.check()
            except SignatureRefused as exc:
                return Outcome.refused(str(exc), item)
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
            code_state = delivery_pins.state_of(conn, item)
        if code_state is delivery_pins.PinState.ISSUED:
            return Outcome.refused(
                f"{item} is delivered against the code texted to the recipient: ask for it"
                f" ({delivery_pins.MAX_WRONG} tries, then a signature)",
                item,
            )
        allowed: Supervision | None = None
        if known is not None and known.status is ItemStatus.DELIVERED:
            if supervisor is None:
                return Outcome.refused(
                    f"{item} was already delivered (at {known.facility}): not delivered again",
                    item,
                    needs_supervisor=True,
                )
            checked = OperatorDesk(self.station).supervise(
                supervisor, pin, "deliver again", operator, item, reason or "delivered again"
            )
            if not isinstance(checked, Supervision):
                return checked
            allowed = checked
        folder = self.station.paths.signatures
        ref = store_signature(signature, folder) if signature is not None else None
        try:
            kept = photos.keep(photo, self.station.paths.photos) if photo is not None else None
        except photos.PhotoNotKept as exc:
            _forget(folder, ref, None)
            return Outcome.refused(str(exc), item)
        extra: dict[str, object] = {"receiver": str(receiver), **(kept.extra() if kept else {})}
        if receiver is Receiver.SAFE_PLACE:
            extra["safe_place"] = safe_place.strip()
        if receiver is Receiver.NEIGHBOUR:
            # Under "neighbour": the hub's public view strips it (hub.public_extra), it is personal data.
            extra["neighbour"] = {"name": " ".join(name.split()), "house": neighbour_house.strip()}
        done = self.scans.record(
            item,
            EventKind.DELIVERED,
            facility=facility,
            operator=operator,
            signature_ref=ref,
            note=_public_words(receiver, said, photo is not None)[:200],
            extra=extra,
            supervised=allowed,
        )
        if not done.ok or done.stored is None:  # refused after all: keep no orphan signature or photo
            _forget(folder, ref, kept.ref if kept else None, self.station.paths.photos)
            return done
        pdf = proof_of_delivery_pdf(
            item,
            said,
            local(done.stored.event.occurred_at, self.station.config.time_zone),
            facility,
            operator,
            (folder / f"{ref}.png").read_bytes() if ref else None,
            photo,
        )
        pod = _write_new(self.station.paths.proofs_of_delivery, item, pdf)
        return Outcome(
            True,
            item,
            message=(
                f"delivered to {' '.join(name.split())}"
                if receiver is Receiver.ADDRESSEE
                else f"delivered: {said}"
            )
            + f"; proof of delivery {pod}",
            stored=done.stored,
            details={
                "signature_ref": ref,
                "photo": kept.ref if kept else None,
                "photo_sha256": kept.sha256 if kept else None,
                "receiver": str(receiver),
                "proof_of_delivery": str(pod),
            },
        )

    def deliver_by_code(self, raw: str, code: str, *, facility: str, operator: str) -> Outcome:
        """Delivered against the code the recipient tells the carrier (three wrong: a signature)."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
        if known is not None and known.status is ItemStatus.DELIVERED:
            return Outcome.refused(f"{item} was already delivered (at {known.facility})", item)
        with self.station.db.transaction() as conn:  # a wrong code is counted even when refused
            checked = delivery_pins.check(conn, self.station.paths.keys, item, code)
        if not checked.ok:
            return Outcome.refused(
                checked.reason, item, code_state=str(checked.state), tries_left=checked.left
            )
        done = self.scans.record(
            item,
            EventKind.DELIVERED,
            facility=facility,
            operator=operator,
            note="delivered against the recipient's delivery code",
            extra={"proof": "delivery code"},
        )
        if not done.ok:
            return done
        return Outcome(True, item, message="delivered: the recipient gave the code", stored=done.stored)

    def attempt(
        self, raw: str | bytes, reason: str, *, facility: str, operator: str, notice: bool = False
    ) -> Outcome:
        """Could not deliver, for `reason` (a reason code); with `notice`, a notice card is printed for the
        door (where and until when the item waits, its pickup code, a QR code to the tracking page)."""
        done = self._not_delivered(raw, EventKind.ATTEMPTED, reason, facility, operator)
        if not notice or not done.ok or done.id is None:
            return done
        from station.desks.pickup import PickupDesk

        card = PickupDesk(self.station, self.scans).notice(done.id, reason, facility=facility)
        return Outcome(
            True,
            done.id,
            message=f"{done.message}; {card.message}",
            stored=done.stored,
            warning=done.warning,
            details=card.details,
        )

    def delay(self, raw: str | bytes, reason: str, *, facility: str, operator: str) -> Outcome:
        """Held back, for `reason` (a reason code)."""
        return self._not_delivered(raw, EventKind.DELAYED, reason, facility, operator)

    def return_to_depot(self, raw: str | bytes, *, facility: str, operator: str) -> Outcome:
        """Brought back undelivered: the item is at the delivery office again, off the round."""
        item = _item(raw)
        if isinstance(item, Outcome):
            return item
        with self.station.db.reading() as conn:
            known = containers.item_record(conn, item)
        if known is None or known.status not in (ItemStatus.OUT_FOR_DELIVERY, ItemStatus.ATTEMPTED):
            state = known.status.label.lower() if known else "never scanned here"
            return Outcome.refused(f"{item} is not on a round ({state})", item)
        done = self.scans.record(
            item,
            EventKind.DELIVERY_OFFICE,
            facility=facility,
            operator=operator,
            note="returned by the carrier",
        )
        return _said(done, "back at the delivery office")

    def back_at_the_office(self, *, facility: str, operator: str) -> Outcome:
        """The end of a round: every item the carrier took out from `facility` and did not deliver (still
        loaded, or attempted) is back at the delivery office and off the round."""
        with self.station.db.reading() as conn:
            rows = conn.execute(
                "SELECT item_id FROM item_status WHERE status IN (?, ?) AND facility = ? ORDER BY changed_at",
                (ItemStatus.OUT_FOR_DELIVERY, ItemStatus.ATTEMPTED, facility),
            ).fetchall()
        items = [str(item) for (item,) in rows]
        if not items:
            return Outcome.refused("nothing is out on a round from here: nothing to bring back")
        back = [self.return_to_depot(item, facility=facility, operator=operator) for item in items]
        refused = [done for done in back if not done.ok]
        count = len(items) - len(refused)
        words = number_of(count, "item") + " back at the delivery office"
        if refused:
            return Outcome.refused(f"{words}; not taken back: {refused[0].reason}")
        return Outcome(True, None, message=words, details={"items": items})

    def _not_delivered(
        self, raw: str | bytes, kind: EventKind, reason: str, facility: str, operator: str
    ) -> Outcome:
        if reason not in REASON_CODES:
            return Outcome.refused(f"unknown reason {reason!r}: use one of {', '.join(REASON_CODES)}")
        done = self.scans.record(raw, kind, facility=facility, operator=operator, reason=reason)
        return _said(done, f"{kind}: {REASON_CODES[reason].lower()}")


def _door(
    signature: Signature | SignatureImage | None,
    name: str,
    photo: bytes | None,
    safe_place: str,
    neighbour_house: str,
) -> tuple[Receiver, str] | str:
    """Who received the item and how the event says it, or what is missing (said to the carrier)."""
    name = " ".join(name.split())
    where = " ".join(safe_place.split())
    house = " ".join(neighbour_house.split())
    if where and house:
        return "a safe place or a neighbour, not both"
    if where:
        if photo is None:
            return "left in a safe place needs a photo of the parcel where it was left"
        if len(where) < 3 or len(where) > 80 or not where.isprintable():
            return "say where it was left in a few words (3 to 80 characters), e.g. 'behind the side gate'"
        return Receiver.SAFE_PLACE, f"left in a safe place: {where} (photo)"
    if len(name) < 2 or len(name) > 80 or not name.isprintable():
        return "type the recipient's name as they print it"
    if house:
        if signature is None and photo is None:
            return "a neighbour signs, or take a photo of the parcel handed over"
        if len(house) > 80 or not house.isprintable():
            return "the neighbour's house in a few words (at most 80 characters)"
        proof = "signed" if signature is not None else "photo"
        return Receiver.NEIGHBOUR, f"received by a neighbour, {name} at {house} ({proof})"
    if signature is None:
        return "the addressee signs: ask them to sign (or leave it with a neighbour or in a safe place)"
    return Receiver.ADDRESSEE, f"received by {name}" + (" (signed, photo)" if photo is not None else "")


def _public_words(receiver: Receiver, said: str, photo: bool) -> str:
    """The event's note: a neighbour's name and house and the words of a safe place stay in `extra`,
    which the hub keeps from other stations (the note is shown to them)."""
    taken = " (photo)" if photo else ""
    if receiver is Receiver.SAFE_PLACE:
        return f"left in a safe place{taken}"
    if receiver is Receiver.NEIGHBOUR:
        return "received by a neighbour" + (" (signed)" if not photo else taken)
    return said


def _forget(
    folder: Path, signature_ref: str | None, photo_ref: str | None, photos_at: Path | None = None
) -> None:
    """Remove a signature and a photo kept for a delivery that was refused after all."""
    leftovers = list(folder.glob(f"{signature_ref}.*")) if signature_ref else []
    if photo_ref and photos_at is not None:
        leftovers.append(photos.path_of(photos_at, photo_ref))
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            leftover.unlink()


def _never_here(history: list[Event], facility: str) -> str:
    """Said when the item was never scanned at this office before it went on the round (not received,
    not accepted here): a parcel from somewhere else, or one whose arrival scan was missed."""
    if not history or any(e.facility == facility for e in history):
        return ""
    return f"never received here (last scanned at {history[-1].facility})"


def _stop(conn: sqlite3.Connection, item: str) -> RoundStop:
    """Where the item goes, as the counter that accepted it here wrote it."""
    addressee = recipients.of(conn, item)
    chosen = choices.in_force(conn, item)
    said = chosen.words() if chosen is not None else ""
    if addressee is None:
        return RoundStop(item, "address not known here", choice=said)
    return RoundStop(item, addressee.one_line, addressee.name, said)


def _item(raw: str | bytes) -> str | Outcome:
    found = classify(raw)
    if not isinstance(found, Identified):
        return Outcome.refused(found.reason)
    if found.kind not in ITEM_KINDS:
        return Outcome.refused(
            f"{found.id} is not an item (S10, IMpb or USPS 20-digit): scan the item's tracking barcode"
        )
    return found.id


def _said(done: Outcome, message: str) -> Outcome:
    if not done.ok:
        return done
    return Outcome(True, done.id, message=message, stored=done.stored, warning=done.warning)


def _write_new(folder: Path, item: str, data: bytes) -> Path:
    """Write `<item>.pdf`, or `<item>-2.pdf`... when one exists: a proof is never overwritten."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = folder / (f"{item}.pdf" if n == 1 else f"{item}-{n}.pdf")
        try:
            write_new_private(path, data)
        except FileExistsError:
            continue
        return path
    raise OSError(f"too many proofs of delivery for {item} in {folder}")
