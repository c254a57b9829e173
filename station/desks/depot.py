"""The depot desk: sacks from their first tag to their arrival, and the items sorted into them.

A new sack gets an SSCC (GS1 AI 00) from this station's allocator, a `sack-open` event naming its
destination ZIP prefix, and a tag on the label printer, in one transaction. Sorting goes through the
scan desk, which applies the sack's state and destination rule. A closed sack's tag shows what the
journal holds (count and weight), never what a screen counted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from station.app import Station
from station.desks.outcome import Outcome
from station.desks.scan import ScanDesk
from station.ids.scanning import ITEM_KINDS, Identified, IdKind, canonical_id, classify
from station.items import containers, sack_destinations
from station.items.tracking import network_events, track
from station.labels.layouts import SackTagData, sack_tag
from station.labels.model import Label, label_to_dict
from station.labels.render import render
from station.model.events import EventKind
from station.model.states import SackState
from station.model.words import number_of, weight_in_words
from station.network.port import HubPort
from station.office import baskets
from station.office.baskets import BasketState
from station.printing.profiles import profile
from station.printing.queue import PrintQueue
from station.store import journal
from station.store.serials import SsccAllocator

NOT_A_DESTINATION = (
    "not a sack destination: a ZIP prefix (1 to 5 digits, e.g. 941) or, for an exchange sack, a country"
    " code (e.g. DE)"
)


@dataclass(frozen=True)
class SackTag:
    """A tag sent to the printer."""

    label: Label
    print_job: int


class DepotDesk:
    """The sorting bench of one station."""

    def __init__(self, station: Station, scans: ScanDesk | None = None, hub: HubPort | None = None) -> None:
        self.station = station
        self.hub = hub  # a sack from another depot: its contents come from the network
        self.scans = scans or ScanDesk(station)
        self.queue = PrintQueue(station.db, station.clock)
        self.allocator = SsccAllocator(
            station.db,
            station.station_id,
            station.config.gs1_company_prefix,
            networked=bool(station.config.hub),
        )
        self.last_tag: SackTag | None = None

    def new_sack(self, *, facility: str, operator: str, destination: str | None = None) -> Outcome:
        """A new sack: its SSCC, its open event (with the destination ZIP prefix) and its tag printed."""
        typed = (destination or "").strip()
        prefix = sack_destinations.parse(typed) if typed else ""
        if prefix is None:
            return Outcome.refused(f"destination {typed!r} is {NOT_A_DESTINATION}")
        with self.station.db.transaction() as conn:
            sscc = self.allocator.allocate().text
            event = self.scans.event(
                sscc, EventKind.SACK_OPEN, facility, operator, extra={"destination": prefix} if prefix else {}
            )
            stored = self.station.journal.append_in(conn, event)
            record = containers.sack_record(conn, sscc)
            assert record is not None  # the journal hook has just made it
            tag = self._print_tag(record, facility, closed=False)
        where = f" for {sack_destinations.shown(prefix)}" if prefix else ""
        return Outcome(
            True,
            sscc,
            message=f"new sack{where}: tag printing",
            stored=stored,
            details={"destination": prefix or None, "print_job": tag.print_job},
        )

    def open_sack(self, raw: str, *, facility: str, operator: str, destination: str | None = None) -> Outcome:
        """Work on a sack whose tag was scanned: an open sack, or a refusal naming its state.

        A tag never seen before (pre-printed tags) is opened here, for `destination` when one is given.
        """
        sscc = self._sscc(raw)
        if isinstance(sscc, Outcome):
            return sscc
        typed = (destination or "").strip()
        prefix = sack_destinations.parse(typed) if typed else ""
        if prefix is None:
            return Outcome.refused(f"destination {typed!r} is {NOT_A_DESTINATION}", sscc)
        with self.station.db.transaction() as conn:
            record = containers.sack_record(conn, sscc)
            if record is None:
                event = self.scans.event(
                    sscc,
                    EventKind.SACK_OPEN,
                    facility,
                    operator,
                    extra={"destination": prefix} if prefix else {},
                )
                self.station.journal.append_in(conn, event)
                record = containers.sack_record(conn, sscc)
                assert record is not None
        if record.state is not SackState.OPEN:
            return Outcome.refused(
                f"sack {sscc} is {record.state} ({_items(record.items)}): use a new sack", sscc
            )
        where = f" for {sack_destinations.shown(record.destination)}" if record.destination else ""
        return Outcome(
            True,
            sscc,
            message=f"sack open{where}, {_items(record.items)}: scan items",
            details=_sack_details(record),
        )

    def working_sack(self, facility: str) -> Outcome:
        """The open sack this bench worked on last (its latest open or sort-in here), so a restarted
        window carries on with it; refused when no sack is open here."""
        with self.station.db.reading() as conn:
            sack = journal.latest_sack_scanned(conn, facility, containers.sacks_in(conn, SackState.OPEN))
            record = containers.sack_record(conn, sack) if sack else None
            inside = containers.contents(conn, sack) if sack else []
        if record is None:
            return Outcome.refused("no sack open here")
        where = f" for {sack_destinations.shown(record.destination)}" if record.destination else ""
        return Outcome(
            True,
            record.container_id,
            message=f"sack open{where}, {_items(record.items)}: scan items",
            details={**_sack_details(record), "contents": inside},
        )

    def undo_last(self, sack: str, *, facility: str, operator: str) -> Outcome:
        """Take the item sorted last into the open sack back out (the journal records the removal)."""
        sscc = self._sscc(sack)
        if isinstance(sscc, Outcome):
            return sscc
        with self.station.db.reading() as conn:
            row = conn.execute(
                "SELECT item_id FROM sack_contents WHERE container_id = ? ORDER BY since DESC LIMIT 1",
                (sscc,),
            ).fetchone()
        if row is None:
            return Outcome.refused(f"sack {sscc} is empty: nothing to undo", sscc)
        return self.remove(sscc, row[0], facility=facility, operator=operator)

    def sort(self, raw: str | bytes, sack: str, *, facility: str, operator: str) -> Outcome:
        """Sort an item (or an inner sack) into the sack; the sack's destination rule applies, and a
        piece still in an unpaid basket stays at the counter (checked and sorted in one transaction)."""
        with self.station.db.transaction() as conn:
            unpaid = _unpaid(conn, raw)
            if unpaid is not None:
                return unpaid
            done = self.scans.record(
                raw, EventKind.SORT_IN, facility=facility, operator=operator, container_id=sack
            )
        if not done.ok:
            return done
        with self.station.db.reading() as conn:
            record = containers.sack_record(conn, canonical_id(sack))
        count = record.items if record else 1
        return Outcome(
            True,
            done.id,
            message=f"into sack ({count})",
            stored=done.stored,
            warning=done.warning,
            details=_sack_details(record) if record else {},
        )

    def remove(self, sack: str, item: str, *, facility: str, operator: str) -> Outcome:
        """Take an item out of its sack (the sack must be open and hold it)."""
        sscc = self._sscc(sack)
        if isinstance(sscc, Outcome):
            return sscc
        found = classify(item)
        if not isinstance(found, Identified):
            return Outcome.refused(found.reason)
        with self.station.db.reading() as conn:
            record = containers.sack_record(conn, sscc)
            holder = containers.sack_of(conn, found.id)
        if record is None:
            return Outcome.refused(f"sack {sscc} is not known here", found.id)
        if holder != sscc:
            where = f"it is in sack {holder}" if holder else "it is in no sack"
            return Outcome.refused(f"{found.id} is not in sack {sscc}: {where}", found.id)
        if record.state is not SackState.OPEN:
            return Outcome.refused(f"sack {sscc} is {record.state}: an item cannot leave it here", found.id)
        done = self.scans.record(found.id, EventKind.SACK_REMOVE, facility=facility, operator=operator)
        if not done.ok:
            return done
        with self.station.db.reading() as conn:
            after = containers.sack_record(conn, sscc)
        return Outcome(
            True,
            found.id,
            message=f"out of sack {sscc} ({record.items - 1} left)",
            stored=done.stored,
            details=_sack_details(after) if after else {},
        )

    def close(self, sack: str, *, facility: str, operator: str) -> Outcome:
        """Close the sack and print its final tag with the count and weight the journal holds."""
        sscc = self._sscc(sack)
        if isinstance(sscc, Outcome):
            return sscc
        with self.station.db.transaction() as conn:
            done = self.scans.record(sscc, EventKind.SACK_CLOSE, facility=facility, operator=operator)
            if not done.ok:
                return done
            record = containers.sack_record(conn, sscc)
            assert record is not None
            tag = self._print_tag(record, facility, closed=True)
        return Outcome(
            True,
            sscc,
            message=f"closed: {_items(record.items)}, {weight_in_words(record.weight_g)}; tag printing",
            stored=done.stored,
            details={**_sack_details(record), "print_job": tag.print_job},
        )

    def dispatch(self, raw: str | bytes, *, facility: str, operator: str) -> Outcome:
        """A sack (or an item) leaves this office."""
        return self._move(raw, EventKind.DISPATCH, facility, operator, "dispatched")

    def receive(self, raw: str | bytes, *, facility: str, operator: str) -> Outcome:
        """A sack (or an item) arrives at this office."""
        return self._move(raw, EventKind.ARRIVAL, facility, operator, "received")

    def _move(self, raw: str | bytes, kind: EventKind, facility: str, operator: str, verb: str) -> Outcome:
        # The sack's state is read and its move written in one transaction: a sack closed or filled by
        # another bench between the two is never dispatched on a stale look.
        with self.station.db.transaction() as conn:
            if kind is EventKind.DISPATCH:
                unready = _not_ready_to_leave(conn, raw)
                if unready is not None:
                    return unready
            done = self.scans.record(raw, kind, facility=facility, operator=operator)
            if not done.ok or done.id is None:
                return done
            record = containers.sack_record(conn, done.id)
        if record is None and self.hub is not None:
            return self._moved_from_network(done, verb)
        if record is None:
            return Outcome(True, done.id, message=verb, stored=done.stored, warning=done.warning)
        return Outcome(
            True,
            done.id,
            message=f"sack {verb} with {_items(record.items)}",
            stored=done.stored,
            details=_sack_details(record),
        )

    def _moved_from_network(self, done: Outcome, verb: str) -> Outcome:
        """A sack this station never saw (dispatched by another depot): what the network says it holds."""
        assert done.id is not None
        network, offline = network_events(self.hub)
        report = track(self.station.db, done.id, network, own_station=self.station.station_id)
        if offline[0] or report is None:
            return Outcome(
                True,
                done.id,
                message=f"{verb} (hub unreachable: contents not known here)",
                stored=done.stored,
            )
        inside = report.sack_contents
        me = self.station.station_id
        facility = next(
            (h.event.facility for h in report.history if h.event.station_id != me), "another depot"
        )
        return Outcome(
            True,
            done.id,
            message=f"sack {verb} with {_items(len(inside))} (from {facility})",
            stored=done.stored,
            details={"items": len(inside), "contents": inside, "from": facility},
        )

    def _print_tag(self, record: containers.SackRecord, facility: str, *, closed: bool) -> SackTag:
        printer = profile(self.station.config.devices.printer_profile)
        data = SackTagData(
            record.container_id,
            sack_destinations.shown(record.destination) if record.destination else "?",
            facility,
            record.items if closed else 0,
            record.weight_g if closed else 0,
            self.station.today() if closed else None,
        )
        label = sack_tag(data, printer.dpi)
        job = self.queue.enqueue(
            self.station.config.devices.printer,
            render([label], printer.language),
            printer.language,
            f"sack tag {record.container_id}",
            item_id=record.container_id,
            source={"label": label_to_dict(label)},
        )
        self.last_tag = SackTag(label, job)
        return self.last_tag

    @staticmethod
    def _sscc(raw: str) -> str | Outcome:
        found = classify(raw)
        if not isinstance(found, Identified):
            return Outcome.refused(f"sack id: {found.reason}")
        if found.kind is not IdKind.SSCC:
            return Outcome.refused(f"{found.id} is not a sack tag (an SSCC): scan the sack's tag", found.id)
        return found.id


def _not_ready_to_leave(conn: sqlite3.Connection, raw: str | bytes) -> Outcome | None:
    """Why a sack this office knows may not be dispatched yet (open, or empty); None when it may."""
    found = classify(raw)
    if not isinstance(found, Identified) or found.kind is not IdKind.SSCC:
        return None  # an item, or a scan the journal's own checks refuse
    record = containers.sack_record(conn, found.id)
    if record is None:
        return None  # a sack made elsewhere, passing through
    if record.state is SackState.OPEN:
        return Outcome.refused(f"sack {found.id} is still open: close it (F8) before it leaves", found.id)
    if record.items == 0:
        return Outcome.refused(f"sack {found.id} is empty: nothing to dispatch", found.id)
    return None


def _unpaid(conn: sqlite3.Connection, raw: str | bytes) -> Outcome | None:
    """A refusal when the scanned piece is in a basket not paid for yet; None otherwise."""
    found = classify(raw)
    if not isinstance(found, Identified) or found.kind not in ITEM_KINDS:
        return None
    basket = baskets.basket_of(conn, found.id)
    if basket is None or basket.state is not BasketState.OPEN:
        return None
    if found.id not in {line.item_id for line in basket.live_lines}:
        return None
    return Outcome.refused(
        f"{found.id} is in basket {basket.id}, not paid for yet: it stays at the counter until it is",
        found.id,
    )


def _items(count: int) -> str:
    return number_of(count, "item")


def _sack_details(record: containers.SackRecord) -> dict[str, object]:
    return {
        "state": str(record.state),
        "items": record.items,
        "weight_g": record.weight_g,
        "destination": record.destination,
    }
