"""`station demo`: fill the journal with a realistic day of counter, depot and delivery work."""

from __future__ import annotations

import argparse
import sys
import time

from station.demo.day import fill_demo_day
from station.demo.history import fill_history
from station.desks.factory import Desks
from station.errors import ExitCode
from ui.cli.common import open_station, printable, whole_number


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `demo`."""
    p = sub.add_parser(
        "demo", help="fill the journal with a realistic day (several facilities, sacks, deliveries)"
    )
    p.add_argument(
        "--items",
        type=whole_number(1, 1_000_000),
        default=3000,
        help="items accepted in the day (default 3000)",
    )
    p.add_argument(
        "--seed",
        type=whole_number(0, 2**63 - 1),
        help="random seed for a reproducible day (default: a new one)",
    )
    p.add_argument(
        "--days",
        type=whole_number(1, 3660),
        help="instead of a day: N days of a network's history to learn from (lanes, weekdays, weather)",
    )
    p.add_argument(
        "--per-day",
        type=whole_number(1, 100_000),
        default=200,
        help="with --days: items accepted on an ordinary weekday (default 200)",
    )
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the day and say what to look at."""
    if args.items < 1:
        print("error: --items must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    started = time.perf_counter()
    if args.days:
        return _history(args, started)
    with open_station(args) as station:
        summary = fill_demo_day(station.db, items=args.items, seed=args.seed)
        total = station.journal.count()
        where = station.db.path
    took = time.perf_counter() - started
    print(
        f"demo day written to {where}: {summary.items} items, {summary.sacks} sacks, "
        f"{summary.events} events in {took:.1f} s ({total} events in the journal)"
    )
    print("try: station track " + summary.sample_ids[0])
    for item in summary.sample_ids[1:]:
        print("     station track " + item)
    return ExitCode.DONE


def _history(args: argparse.Namespace, started: float) -> int:
    with open_station(args) as station:
        found = fill_history(station.db, days=args.days, per_day=args.per_day, seed=args.seed or 1)
        learned = Desks(station).estimates.learn()  # so that `track` shows learned estimates at once
        where = station.db.path
    took = time.perf_counter() - started
    print(
        f"{found.days} days of history written to {where}: {found.items} items, {found.events} events"
        f" in {took:.1f} s"
    )
    print(printable(learned.line))
    print("try: station eta backtest   station report kpis   station fraud scan   station report inventory")
    return 0
