"""The sync desk: push this station's journal to its hub, in order, in batches, and say how it stands.

Scans never wait for it: they are acknowledged after the local commit. A push confirms the hub's
head first, takes in the customers' choices for items this station handled (journalling those that
take effect here), tells the hub this station's own last event (so a truncated or rewritten journal is
caught by the hub, its outside witness), then sends every waiting event in batches, then the numbers
its counter took for the network's texts. Each batch is one hub transaction, so a cut connection or
a stopped hub leaves the hub at a whole batch, and the next push starts from what the hub really
holds: nothing lost, nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from station.app import Station
from station.desks.choices import ChoicesDesk
from station.items import photos
from station.model.localtime import local
from station.network import sync
from station.network.leases import LeaseReport, keep_leased
from station.network.port import HubPort, HubUnavailable, LeaseRefused
from station.notify import subscribers
from station.postage.international import InternationalTable
from station.postage.rates import RateError
from station.store.checkpoints import public_key_text, signed_since
from station.store.serials import impb_space, s10_space, sscc_space

# Events a push sends in one hub transaction. Larger batches spread each transaction's fixed costs (the
# temporary table, the chain and head checks, the round trips) over more rows: 5,000 ingest about 15 %
# faster than 2,000 and 25 % faster than 1,000 (benchmarks/bench_hub.py); a refused batch is refused
# whole, and the next push starts again from what the hub holds.
BATCH = 5000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    """How the push went, and how the station stands with its hub."""

    pushed: int
    waiting: int
    online: bool
    problem: str | None = None  # the hub's refusal (tamper), or why it is out of reach
    offline_since: datetime | None = None
    refused: bool = False
    clock_warning: str | None = None  # "this station's clock is 5 min ahead of the hub's" (the window's)

    @property
    def line(self) -> str:
        """`station sync --once`: 'pushed N, waiting M' and why not, if not."""
        text = f"pushed {self.pushed}, waiting {self.waiting}"
        if self.refused:
            return f"{text}; REFUSED by the hub: {self.problem}"
        if not self.online:
            return f"{text}; hub unreachable: {self.problem}"
        return text

    def status(self, zone: str = "") -> str:
        """The window's status bar."""
        if self.clock_warning:
            return f"CLOCK: {self.clock_warning}"
        if self.refused:
            return f"HUB REFUSED: {self.problem}"
        if not self.online:
            since = f" since {local(self.offline_since, zone):%H:%M}" if self.offline_since else ""
            return f"hub: offline{since}, {self.waiting} waiting"
        return f"hub: online, {self.waiting} waiting"


class SyncDesk:
    """One station's link to its hub."""

    def __init__(self, station: Station, hub: HubPort) -> None:
        self.station = station
        self.hub = hub
        self._checkpoints_seen: tuple[int, int] | None = None  # the checkpoint file when all were at the hub

    def push(self, batch: int = BATCH, max_batches: int | None = None) -> SyncReport:
        """Push what is waiting (up to `max_batches` batches); the report says what is left."""
        station, me = self.station, self.station.station_id
        pushed = 0
        try:
            head = self.hub.head(me)
            # Customers' choices first: the events that journal them go out in this same push.
            self._take_choices()
            sent = 0
            while True:
                with station.db.reading() as conn:
                    claim = sync.last_own(conn, me)
                    at_head = sync.hash_at(conn, me, head.last_seq)
                    rows = sync.outgoing(conn, me, head.last_seq, batch)
                answer = self.hub.push(rows, claim, at_head)
                sent += 1
                if answer.problem is not None:
                    with station.db.transaction() as conn:
                        sync.record_offline(conn, me, station.clock(), f"refused: {answer.problem}")
                    return self._report(pushed, online=True, problem=answer.problem, refused=True)
                head = answer.head
                pushed += answer.accepted
                with station.db.transaction() as conn:
                    sync.record_pushed(conn, me, head, station.clock())
                if not rows or (max_batches is not None and sent >= max_batches):
                    break
            self._push_follows(batch)
            self._push_checkpoints()
            self._push_photos()
            self._top_up()
        except HubUnavailable as exc:
            with station.db.transaction() as conn:
                sync.record_offline(conn, me, station.clock(), str(exc))
            return self._report(pushed, online=False, problem=str(exc))
        return self._report(pushed, online=True)

    def spaces(self) -> list[str]:
        """The serial spaces this station issues from: the S10 services of its products (domestic CP and
        each international product's) in its country, its Mailer ID's IMpb serials, its sacks' SSCCs."""
        services = ["CP"]
        try:
            table = InternationalTable.for_date(self.station.today())
            services += [p.s10_service for p in table.products.values()]
        except RateError:
            pass  # no international price list in force: only what the domestic counter issues
        country = self.station.config.country
        spaces = [s10_space(service, country) for service in sorted(set(services))]
        if self.station.config.mailer_id:
            spaces.append(impb_space(self.station.config.mailer_id))
        return [*spaces, sscc_space(self.station.config.gs1_company_prefix)]

    def lease(self, spaces: list[str] | None = None, *, force: bool = False) -> LeaseReport:
        """Keep this station's serial blocks leased (`station hub lease`): each of `spaces` (else every
        space it issues from) topped up when low, or leased anew when `force`."""
        return keep_leased(self.station.db, self.hub, spaces or self.spaces(), force=force)

    def _top_up(self) -> None:
        """After a push: a space whose serials run low gets its next block (a refusal is logged, the
        serials in hand go on being issued)."""
        try:
            report = self.lease()
        except LeaseRefused as exc:
            log.warning("serial lease refused: %s", exc)
            return
        for lease in report.leased:
            log.info(
                "leased %s serials %d-%d (lease %d)", lease.space, lease.first, lease.last, lease.lease_id
            )

    def _take_choices(self) -> None:
        """Customers' choices for items this station handled: kept (and journalled where the item is here
        now), then acknowledged, so a cut connection before the acknowledgement hands them over again and
        a choice kept twice is kept once."""
        while True:
            got = self.hub.choices()
            if not got:
                return
            ChoicesDesk(self.station).receive(got)
            self.hub.ack_choices([c.choice_id for c in got])

    def _push_checkpoints(self) -> None:
        """This station's signed checkpoints the hub lacks, after the events they cover (each event's
        evidence on the tracking page); a refusal is the hub's alert, and logged here."""
        log_file = self.station.journal.checkpoints
        if log_file is None or not log_file.path.exists():
            return
        stat = log_file.path.stat()
        if (stat.st_size, stat.st_mtime_ns) == self._checkpoints_seen:
            return  # no checkpoint signed since the last push that left none waiting
        key = log_file.public_key()
        if key is None:
            return
        points = signed_since(log_file, self.hub.checkpoint_seq())
        problem = self.hub.push_checkpoints(public_key_text(key), points) if points else None
        if problem:
            log.warning("the hub refused this station's checkpoints: %s", problem)
        elif not points or self.hub.checkpoint_seq() >= points[-1].point.seq:
            self._checkpoints_seen = (stat.st_size, stat.st_mtime_ns)

    def _push_photos(self) -> None:
        """The door photos of this station's delivery events the hub holds, after those events (the
        tracking page shows them behind the postcode). A photo missing here or refused is logged and
        not offered again; `journal verify` is where a missing or swapped photo is reported."""
        me = self.station.station_id
        with self.station.db.reading() as conn:
            pushed = sync.state(conn, me).pushed_seq
            waiting = photos.waiting_for_hub(conn, me, pushed)
        for item, ref, digest in waiting:
            try:
                data = photos.read(self.station.paths.photos, ref, digest)
            except photos.PhotoNotKept as exc:
                log.warning("door photo %s of %s not sent to the hub: %s", ref, item, exc)
                problem: str | None = str(exc)
            else:
                problem = self.hub.push_photo(item, ref, data)
                if problem:
                    log.warning("the hub refused the door photo %s of %s: %s", ref, item, problem)
            with self.station.db.transaction() as conn:
                photos.mark_at_hub(conn, ref, self.station.clock().isoformat())
        with self.station.db.transaction() as conn:  # all handed over: the next sync reads on from here
            photos.looked_through(conn, pushed)

    def _push_follows(self, batch: int) -> None:
        """The numbers this counter took for the network's texts, after the events they follow."""
        while True:
            with self.station.db.reading() as conn:
                follows = subscribers.follows_waiting(conn, self.station.station_id, batch)
            if not follows:
                return
            self.hub.push_follows(follows)
            with self.station.db.transaction() as conn:
                subscribers.mark_follows_pushed(conn, follows[-1].local_id)

    def _report(
        self, pushed: int, *, online: bool, problem: str | None = None, refused: bool = False
    ) -> SyncReport:
        with self.station.db.reading() as conn:
            state = sync.state(conn, self.station.station_id)
            waiting = sync.waiting(conn, self.station.station_id, state.pushed_seq)
        return SyncReport(pushed, waiting, online, problem, state.offline_since, refused)
