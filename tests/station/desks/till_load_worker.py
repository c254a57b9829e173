"""One counter of the till's load test, as a process of its own (`python -m tests.station.desks.
till_load_worker HOME N ROUNDS`): round after round, a customer's basket opened, two pieces accepted,
one taken out, the rest paid in cash, and every other round the paid piece voided and refunded in cash
under the supervisor. It stops at the first refusal that says the day is closed, and prints one JSON
line: what it did."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from station.app import Station
from station.config import StationConfig
from station.desks.basket import BasketDesk, Paid
from station.desks.counter import Acceptance, Piece
from station.desks.voids import VoidDesk

PIECE = Piece(
    900, "10001", "94105", "priority", ("Ann", "1 Main St", "New York NY 10001"),
    ("Bob", "2 Market St", "San Francisco CA 94105"), tracking=None,
)  # fmt: skip


def main(home: Path, worker: int, rounds: int) -> dict[str, object]:
    done: dict[str, int] = {"rounds": 0, "accepted": 0, "removed": 0, "paid_cents": 0, "refunded_cents": 0}
    refusals: list[str] = []
    clerk = f"clerk{worker}"
    where: dict[str, Any] = {"facility": f"COUNTER-{worker}", "operator": clerk}
    with Station.open(home / "station.sqlite3", StationConfig(station_id="LOAD1", meter_id="PS000001")) as s:
        baskets, voids = BasketDesk(s), VoidDesk(s)
        for n in range(rounds):
            opened = baskets.open(clerk)
            basket = int(opened.details["basket"])
            pieces = []
            for weight in (500 + 10 * n, 1200):
                added = baskets.add(basket, replace(PIECE, weight_g=weight), **where)
                if not isinstance(added, Acceptance):
                    refusals.append(f"accept: {added.reason}")
                    break
                pieces.append(added)
            done["accepted"] += len(pieces)
            if len(pieces) < 2:
                baskets.abandon(basket, supervisor="sue", pin="7392", reason="the day closed", **where)
                break
            if baskets.remove(basket, pieces[1].tracking, **where).ok:
                done["removed"] += 1
            total = pieces[0].quote.total_cents
            paid = baskets.pay_cash(basket, total + 500, **where)
            if not isinstance(paid, Paid):
                refusals.append(f"pay: {paid.reason}")
                baskets.abandon(basket, supervisor="sue", pin="7392", reason="not paid", **where)
                break
            done["paid_cents"] += paid.basket.total_cents
            if n % 2 == 0:
                voided = voids.void(
                    pieces[0].tracking,
                    supervisor="sue",
                    pin="7392",
                    reason="changed mind",
                    refund="cash",
                    **where,
                )
                if voided.ok:
                    done["refunded_cents"] += int(voided.details["customer_refund_cents"])
                else:
                    refusals.append(f"void: {voided.reason}")
                    break
            done["rounds"] += 1
    return {**done, "refusals": refusals}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
