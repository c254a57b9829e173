"""`station hub web` (the customer's tracking site and API), `station hub enrol-web` (its read-only
login) and `station hub place` (what the site calls a facility)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from station.errors import ExitCode
from ui.cli.common import Subcommands, group, print_login, printable

MISSING_EXTRA = "the tracking site needs the web extra: pip install 'parcel-station[web]'"


def register(sub: Subcommands) -> None:
    """Add `hub web`, `hub enrol-web` and `hub place`."""
    h = group(sub, "hub", "the network hub (PostgreSQL)")
    w = h.add_parser("web", help="serve the customers' tracking pages and API (uvicorn)")
    w.add_argument(
        "--dsn", required=True, help="the web login's DSN (station hub enrol-web); may name standbys"
    )
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (TLS: a reverse proxy in front)")
    w.add_argument("--port", type=int, default=8080, help="port to listen on")
    w.add_argument(
        "--learn-days", type=int, default=60, help="days of history the estimates learn from (0: none)"
    )
    w.add_argument(
        "--lookups-per-minute", type=int, default=600, help="per client, before 429 (slowed from half)"
    )
    w.add_argument(
        "--unknown-numbers",
        type=int,
        default=100,
        help="unknown numbers per client in 10 minutes, before 429",
    )
    w.add_argument("--proxy", action="append", default=[], metavar="ADDRESS",
                   help="a reverse proxy whose X-Forwarded-For is trusted (repeatable)")  # fmt: skip
    w.set_defaults(func=cmd_web)
    e = h.add_parser("enrol-web", help="a read-only login for the tracking site: public columns only")
    e.add_argument("name", metavar="NAME", help="e.g. public")
    e.add_argument("--dsn", required=True, help="an administrator's DSN")
    e.add_argument("--pgpass", type=Path, help="write the login's password line to this new file (0600)")
    e.set_defaults(func=cmd_enrol_web)
    pl = h.add_parser("place", help="what the tracking site calls a facility: a town or an office, its zone")
    pl.add_argument("facility", metavar="FACILITY")
    pl.add_argument("town", metavar="TOWN", help='e.g. "San Francisco delivery office" (never a street)')
    pl.add_argument("--zone", required=True, help="IANA time zone, e.g. America/Los_Angeles")
    pl.add_argument("--zip", help="a delivery office's ZIP: an item redirected to it is forwarded there")
    pl.add_argument("--dsn", required=True, help="an administrator's DSN")
    pl.set_defaults(func=cmd_place)


def cmd_web(args: argparse.Namespace) -> int:
    """Run the site until stopped (SIGTERM or Ctrl+C end it cleanly)."""
    try:
        import uvicorn

        from hub.web.app import Settings, build
    except ImportError:
        print(f"REJECT {MISSING_EXTRA}", file=sys.stderr)
        return ExitCode.REFUSED
    if not 0 < args.port < 65536:
        print(f"REJECT port {args.port}: 1 to 65535", file=sys.stderr)
        return ExitCode.REFUSED
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # tracking numbers stay out of the logs
    settings = Settings(
        args.dsn,
        learn_days=args.learn_days,
        lookups_per_minute=args.lookups_per_minute,
        unknown_numbers=args.unknown_numbers,
    )
    app = build(settings)
    print(f"OK tracking site on http://{args.host}:{args.port}/", flush=True)
    try:
        uvicorn.run(
            app, host=args.host, port=args.port, log_level="warning", access_log=False,
            proxy_headers=bool(args.proxy), forwarded_allow_ips=args.proxy or None, server_header=False,
        )  # fmt: skip
    except OSError as exc:
        print(
            printable(f"REJECT cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"),
            file=sys.stderr,
        )
        return ExitCode.REFUSED
    return ExitCode.DONE


def cmd_enrol_web(args: argparse.Namespace) -> int:
    """The web login made (or its password renewed)."""
    from hub.admin import HubError, enrol_web

    try:
        done = enrol_web(args.dsn, args.name)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return exc.exit_code
    print(f"OK web login {done.station_id} made as role {done.role}: it reads public columns only")
    return print_login(done, args.dsn, args.pgpass, lambda dsn: f"station hub web --dsn '{dsn}'")


def cmd_place(args: argparse.Namespace) -> int:
    """Name a facility for the public."""
    from hub.admin import HubError, set_place

    try:
        set_place(args.dsn, args.facility, args.town, args.zone, args.zip)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return exc.exit_code
    print(printable(f"OK {args.facility} is shown as {' '.join(args.town.split())} ({args.zone})"))
    return ExitCode.DONE
