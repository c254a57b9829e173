"""Keeping a station's tracking-number serials leased from its hub, before they run out.

A station of a network issues S10 ids, IMpb numbers and SSCC sack references only from blocks its hub
leased it, so no two stations ever issue the same number (issue 28). The station holds a block it
issues from and, once that runs low, the next one; each sync looks (the hub is asked only then), so a
station that was offline for a day still has a whole block in hand. A lease the hub made but whose
answer was lost is picked up from the hub's own record (`HubPort.leases`), and a block used up is
reported so that its 12 months start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from station.network.port import HubPort, Lease
from station.store import serials
from station.store.db import Database

S10_BLOCK = (
    100_000  # a busy counter's year or more; a thousand such blocks in each service's space (IMpb too)
)
SSCC_BLOCK = 10_000  # sacks: far fewer than items
TOP_UP_BELOW = 0.2  # a new block is leased when less than a fifth of one is left


def block_size(space: str) -> int:
    """How many serials a station leases at a time in `space` (at most a twentieth of the space, as the
    hub allows)."""
    wanted = S10_BLOCK if space.startswith(("s10:", "impb:")) else SSCC_BLOCK
    return min(wanted, serials.space_top(space) // 20)


@dataclass(frozen=True, slots=True)
class LeaseReport:
    """What one round of keeping the leases did."""

    leased: list[Lease]
    adopted: int  # leases the hub held that this station had not recorded (an answer lost on the way)
    finished: int  # used-up blocks reported to the hub
    held: list[serials.Block]  # every block this station holds now, used up or not


def keep_leased(db: Database, hub: HubPort, spaces: Iterable[str], *, force: bool = False) -> LeaseReport:
    """Lease a block of each space whose serials in hand have run low (of every space named, when
    `force`), recording first the leases the hub holds for this station and reporting used-up blocks.
    With enough in hand and nothing to report the hub is not asked at all, so a sync every few seconds
    costs it nothing. `HubUnavailable`/`LeaseRefused` propagate."""
    named = list(dict.fromkeys(spaces))
    with db.reading() as conn:
        low = [s for s in named if force or _left(conn, s) < block_size(s) * TOP_UP_BELOW]
        untold = serials.used_up_untold(conn)
        if not low and not untold:  # enough in hand, nothing to report: the hub is not asked (each sync)
            return LeaseReport([], 0, 0, serials.blocks(conn))
    adopted = 0
    with db.transaction() as conn:
        for lease in hub.leases():  # a lease whose answer was lost on the way counts as in hand
            adopted += _record(conn, lease)
    for lease_id in untold:
        hub.finish_lease(lease_id)
        with db.transaction() as conn:
            serials.mark_told(conn, lease_id)
    leased = []
    for space in low:
        with db.reading() as conn:
            left = _left(conn, space)
        if force or left < block_size(space) * TOP_UP_BELOW:
            lease = hub.lease(space, block_size(space))
            with db.transaction() as conn:
                _record(conn, lease)
            leased.append(lease)
    with db.reading() as conn:
        held = serials.blocks(conn)
    return LeaseReport(leased, adopted, len(untold), held)


def _left(conn: sqlite3.Connection, space: str) -> int:
    return sum(b.left for b in serials.blocks(conn, space))


def _record(conn: sqlite3.Connection, lease: Lease) -> int:
    return int(
        serials.record_lease(
            conn, lease.lease_id, lease.space, lease.first, lease.last, lease.leased_at.isoformat()
        )
    )
