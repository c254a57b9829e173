"""`station eta learn|backtest`: delivery estimates learned from the journal."""

from __future__ import annotations

import argparse
import json

from station.desks.factory import Desks
from station.errors import ExitCode
from ui.cli.common import Subcommands, add_hub, add_json, answer, group, hub_of, open_station, printable


def _split(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.05 <= value <= 0.95:  # NaN fails this too
        raise argparse.ArgumentTypeError(f"{text} is not between 0.05 and 0.95")
    return value


def register(sub: Subcommands) -> None:
    """Add `eta`."""
    e = group(sub, "eta", "delivery estimates learned from history")
    learn = e.add_parser("learn", help="learn lane transit times from every delivered item (track uses them)")
    add_json(learn)
    add_hub(learn)
    learn.set_defaults(func=cmd_learn)
    b = e.add_parser("backtest", help="train on the earliest delivered items, measure on the rest")
    b.add_argument("--split", type=_split, default=0.8, help="share of items to train on (default 0.8)")
    add_json(b)
    add_hub(b)
    b.set_defaults(func=cmd_backtest)


def cmd_learn(args: argparse.Namespace) -> int:
    """Exit 0."""
    with open_station(args) as station:
        return answer(Desks(station, hub_of(args, station)).estimates.learn(), args.json)


def cmd_backtest(args: argparse.Namespace) -> int:
    """Exit 0 with the figures, 1 when there is nothing to test on."""
    with open_station(args, read_only=True) as station:
        found = Desks(station, hub_of(args, station)).estimates.backtest(args.split)
    if args.json:
        print(json.dumps(found.to_json()))
    else:
        print(printable(found.line))
    return ExitCode.DONE if found.test_items else ExitCode.REFUSED
