"""`station ids check` and `station ids new`."""

from __future__ import annotations

import argparse
import json
import sys

from station.errors import ExitCode
from station.ids import InvalidId
from station.ids.scanning import Identified, classify
from station.store.serials import SerialSpaceExhausted
from ui.cli.common import open_station, whole_number


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ids`."""
    ids = sub.add_parser("ids", help="check or create postal identifiers")
    ids_sub = ids.add_subparsers(dest="ids_command", required=True, metavar="ACTION")
    check = ids_sub.add_parser("check", help="validate identifiers (S10, IMpb, SSCC, indicia)")
    check.add_argument("codes", nargs="+", metavar="CODE")
    check.add_argument("--json", action="store_true", help="print a JSON list")
    check.set_defaults(func=cmd_check)
    new = ids_sub.add_parser("new", help="allocate new identifiers from this station's serial block")
    new.add_argument("scheme", choices=["s10", "impb"])
    new.add_argument("--service", help="s10: the service indicator, e.g. RR, EE, CP")
    new.add_argument("--country", help="s10: the ISO 3166 alpha-2 country of the issuing post")
    new.add_argument(
        "--service-type", default="001", help="impb: the 3-digit USPS service type code (default 001)"
    )
    new.add_argument("--count", type=whole_number(1, 100_000), default=1)
    new.set_defaults(func=cmd_new)


def cmd_check(args: argparse.Namespace) -> int:
    """One line (or JSON object) per code; exit 1 if any is invalid."""
    results = []
    for code in args.codes:
        found = classify(code)
        if isinstance(found, Identified):
            results.append(
                {
                    "input": code,
                    "valid": True,
                    "kind": str(found.kind),
                    "id": found.id,
                    "error": None,
                    "symbology": found.symbology,
                    "routing_zip": found.routing_zip,
                }
            )
        else:
            results.append({"input": code, "valid": False, "kind": None, "id": None, "error": found.reason})
    if args.json:
        json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        for r in results:
            if r["valid"]:
                extra = f" (routing ZIP {r['routing_zip']})" if r["routing_zip"] else ""
                print(f"{r['kind']}\t{r['id']}{extra}")
            else:
                print(f"invalid\t{r['input']!r}: {r['error']}")
    return ExitCode.DONE if all(r["valid"] for r in results) else ExitCode.REFUSED


def cmd_new(args: argparse.Namespace) -> int:
    """Print `count` new S10 ids or IMpb tracking numbers."""
    if args.count < 1:
        print("error: --count must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    if args.scheme == "s10" and not (args.service and args.country):
        print("error: s10 needs --service and --country", file=sys.stderr)
        return ExitCode.USAGE
    with open_station(args) as station:
        try:
            if args.scheme == "impb":
                if station.impb_allocator is None:
                    print(
                        "error: this station has no Mailer ID ([station] mailer_id): it issues no IMpb",
                        file=sys.stderr,
                    )
                    return ExitCode.REFUSED
                made = [i.tracking for i in station.impb_allocator.allocate(args.service_type, args.count)]
            else:
                made = [s.text for s in station.allocator.allocate(args.service, args.country, args.count)]
        except (InvalidId, SerialSpaceExhausted) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
    for text in made:
        print(text)
    return ExitCode.DONE
