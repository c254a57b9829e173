"""`station hub init|enrol|revoke|alerts|status|publish|subscribe|notify` (the hub's side), and the
station's `station hub lease` and `station sync`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hardware.registry import open_gateway
from hardware.service import ServiceStop
from hardware.urls import DeviceUrlError
from hub.admin import (
    DatabaseRefusal,
    HubError,
    alerts,
    as_administrator,
    enrol,
    init,
    publish,
    revoke,
    status,
    subscribe,
)
from hub.client import PostgresHub
from hub.notifier import HubNotifier
from station.desks.sync import SyncDesk
from station.errors import ExitCode
from station.network.port import HubUnavailable, LeaseRefused
from station.notify.network import NetworkTexts, TakenIn
from station.notify.worker import WorkerReport, worker_for
from ui.cli.common import Subcommands, add_hub, group, hub_dsn, open_station, print_login, printable, seconds


def register(sub: Subcommands) -> None:
    """Add `hub init`, `hub enrol` and `sync`."""
    h = group(sub, "hub", "the network hub (PostgreSQL)")
    i = h.add_parser("init", help="create or upgrade the hub schema (idempotent)")
    i.add_argument("--dsn", required=True, help="an administrator's DSN, e.g. postgresql://admin@hub/post")
    i.set_defaults(func=cmd_init)
    e = h.add_parser("enrol", help="a login role for one station; prints what the station needs")
    e.add_argument("station_id", metavar="STATION_ID")
    e.add_argument("--dsn", required=True, help="an administrator's DSN")
    e.add_argument("--pgpass", type=Path, help="write the station's password line to this new file (0600)")
    e.set_defaults(func=cmd_enrol)
    r = h.add_parser("revoke", help="withdraw a station's login: its pushes refused, its history kept")
    r.add_argument("station_id", metavar="STATION_ID")
    r.add_argument("--dsn", required=True, help="an administrator's DSN")
    r.add_argument("--because", required=True, metavar="TEXT", help="why (kept with the alert)")
    r.set_defaults(func=cmd_revoke)
    p = h.add_parser("publish", help="a regional hub publishes its events (logical replication)")
    p.add_argument("--dsn", required=True, help="the regional hub's administrator DSN")
    p.set_defaults(func=cmd_publish)
    n = h.add_parser("subscribe", help="the national hub subscribes to a regional hub's events")
    n.add_argument("name", metavar="REGION", help="the region's name, e.g. WEST")
    n.add_argument("--dsn", required=True, help="the national hub's administrator DSN")
    n.add_argument("--from", dest="regional", required=True, help="libpq conninfo of the regional hub")
    n.set_defaults(func=cmd_subscribe)
    al = h.add_parser("alerts", help="what the hub refused or flagged (tamper, duplicate acceptance)")
    al.add_argument("--dsn", required=True, help="an administrator's DSN")
    al.add_argument("--after", type=int, default=0, help="only alerts after this id")
    al.set_defaults(func=cmd_alerts)
    st = h.add_parser(
        "status", help="per station: events held, last event and push, alerts, leased serial blocks"
    )
    st.add_argument("--dsn", required=True, help="an administrator's DSN")
    st.add_argument("--json", action="store_true", help='one JSON object: {"stations": {"SFO01": {...}}}')
    st.set_defaults(func=cmd_status)
    t = h.add_parser("notify", help="text the network's customers, once, woken by each push (LISTEN)")
    t.add_argument("--dsn", required=True, help="the hub's administrator DSN")
    t.add_argument("--gateway", help="SMS gateway URL (default: the notifier home's setting, log:)")
    t.add_argument("--once", action="store_true", help="one pass, then exit")
    t.add_argument("--idle", type=seconds(3600), default=15.0, help="longest wait between passes")
    t.set_defaults(func=cmd_notify)
    le = h.add_parser("lease", help="this station's blocks of tracking-number serials, leased from its hub")
    add_hub(le)
    le.add_argument(
        "--space",
        action="append",
        metavar="SPACE",
        help="only this serial space, e.g. s10:EE:US or sscc:0614141 (repeatable; default: every one"
        " this station issues from)",
    )
    le.add_argument("--new", action="store_true", help="lease a new block even when enough are in hand")
    le.set_defaults(func=cmd_lease)
    s = sub.add_parser("sync", help="push this station's waiting journal events to its hub")
    add_hub(s)
    s.add_argument("--once", action="store_true", help="one pass: exit 0 when nothing is left waiting")
    s.add_argument("--interval", type=seconds(3600), default=2.0, help="seconds between passes")
    s.set_defaults(func=cmd_sync)


def cmd_init(args: argparse.Namespace) -> int:
    """Exit 0 with the schema version, 1 when the hub cannot be reached or is newer."""
    try:
        before, after = init(args.dsn)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return ExitCode.REFUSED
    print(f"OK hub schema at version {after}" + (f" (was {before})" if before != after else " (up to date)"))
    return ExitCode.DONE


def cmd_alerts(args: argparse.Namespace) -> int:
    """One line per alert; exit 1 when there is any (a monitoring check can run it)."""
    try:
        found = alerts(args.dsn, args.after)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return exc.exit_code
    for a in found:
        where = f" seq {a.seq}" if a.seq is not None else ""
        item = f" item {a.item_id}" if a.item_id else ""
        print(printable(f"{a.id}  {a.at}  {a.kind:<20} {a.station_id}{where}{item}: {a.detail}"))
    if not found:
        print("no alerts")
    return ExitCode.REFUSED if found else ExitCode.DONE


def cmd_publish(args: argparse.Namespace) -> int:
    """The regional publication."""
    try:
        made = publish(args.dsn)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return ExitCode.REFUSED
    print("OK publication hub_events " + ("created" if made else "exists"))
    return ExitCode.DONE


def cmd_subscribe(args: argparse.Namespace) -> int:
    """The national subscription to one region."""
    try:
        made = subscribe(args.dsn, args.name, args.regional)
    except (HubError, DatabaseRefusal) as exc:
        print(printable(f"REJECT {str(exc).strip().splitlines()[0]}"), file=sys.stderr)
        return ExitCode.REFUSED
    print(f"OK subscription to {args.name} " + ("created" if made else "exists"))
    return ExitCode.DONE


def cmd_status(args: argparse.Namespace) -> int:
    """One line per station (or one JSON object)."""
    try:
        found = status(args.dsn)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return exc.exit_code
    if args.json:
        print(json.dumps({"stations": {s.station_id: s.to_json() for s in found}}))
        return ExitCode.DONE
    for s in found:
        state = f"revoked {s.revoked_at}" if s.revoked_at else "enrolled"
        print(
            printable(
                f"{s.station_id}: {s.events} events, last seq {s.last_seq} at {s.last_event_at or '-'},"
                f" last push {s.last_push_at or 'never'}, {s.alerts} alerts, {state}"
            )
        )
        for b in s.leases:
            used = f", used up {b.finished_at}" if b.finished_at else ""
            print(printable(f"  {b.space} {b.first}-{b.last} leased {b.leased_at}{used}"))
    return ExitCode.DONE


def cmd_revoke(args: argparse.Namespace) -> int:
    """The station's login withdrawn."""
    try:
        role = revoke(args.dsn, args.station_id, args.because)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return exc.exit_code
    print(f"OK station {args.station_id} revoked: role {role} may not log in; its events are kept")
    return ExitCode.DONE


def cmd_enrol(args: argparse.Namespace) -> int:
    """The station's role made (or its password renewed)."""
    try:
        done = enrol(args.dsn, args.station_id)
    except HubError as exc:
        print(printable(f"REJECT {exc}"), file=sys.stderr)
        return ExitCode.REFUSED
    print(f"OK station {done.station_id} enrolled as role {done.role}")
    return print_login(
        done, args.dsn, args.pgpass, lambda dsn: f'hub = "{dsn}"   # in the station\'s [station] settings'
    )


def cmd_notify(args: argparse.Namespace) -> int:
    """Run the hub's notifier on its own home (--home: its consent, outbox and sack contents)."""
    with open_station(args) as notifier:
        if notifier.config.hub:
            print(
                "REJECT the notifier's home names a hub itself: give it a home of its own (--home)",
                file=sys.stderr,
            )
            return ExitCode.REFUSED
        try:
            gateway = open_gateway(
                args.gateway or notifier.config.sms_gateway, sms_log=notifier.paths.sms_log
            )
        except DeviceUrlError as exc:
            print(printable(f"REJECT SMS gateway: {exc}"), file=sys.stderr)
            return ExitCode.REFUSED
        worker = worker_for(notifier, gateway)

        def said(taken: TakenIn, report: WorkerReport) -> None:
            if args.once or taken.anything or report.sent or report.failed or report.retried:
                print(
                    f"took in {taken.events} events and {taken.follows} follows, queued {taken.queued};"
                    f" sent {report.sent}, retrying {report.retried}, failed {report.failed}",
                    flush=True,
                )

        running = HubNotifier(
            args.dsn, lambda feed: NetworkTexts(notifier, feed), worker, idle=args.idle, on_pass=said
        )
        ServiceStop().install().also(running.stop.set)  # SIGTERM: the pass in hand ends, then exit 0
        try:
            with as_administrator("run the network's notifier (it reads every station's follows)"):
                running.run(once=args.once)
        except HubError as exc:
            print(printable(f"REJECT {exc}"), file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt:
            return ExitCode.DONE
    return ExitCode.DONE


def cmd_lease(args: argparse.Namespace) -> int:
    """Top the station's serial blocks up from its hub and list what it holds."""
    with open_station(args) as station:
        dsn = hub_dsn(args, station)
        if not dsn:
            print(
                "REJECT no hub: a station without one issues from the block its set-up gave it"
                " (s10_serial_first..s10_serial_last); give --hub, $STATION_HUB or [station] hub",
                file=sys.stderr,
            )
            return ExitCode.USAGE
        hub = PostgresHub(dsn)
        try:
            report = SyncDesk(station, hub).lease(args.space, force=args.new)
        except (HubUnavailable, LeaseRefused) as exc:
            print(printable(f"REJECT {exc}"), file=sys.stderr)
            return exc.exit_code
        finally:
            hub.close()
    for lease in report.leased:
        print(f"OK leased {lease.space} {lease.first}-{lease.last} (lease {lease.lease_id})")
    for block in report.held:
        state = "used up" if block.left == 0 else f"{block.left} left, next {block.next_serial}"
        print(f"{block.space}\t{block.first}-{block.last}\t{state}\tlease {block.lease_id}")
    return ExitCode.DONE


def cmd_sync(args: argparse.Namespace) -> int:
    """One pass (exit 0 when nothing waits, 1 otherwise), or pass after pass until interrupted."""
    with open_station(args) as station:
        dsn = hub_dsn(args, station)
        if not dsn:
            print("REJECT no hub: give --hub, $STATION_HUB or [station] hub", file=sys.stderr)
            return ExitCode.USAGE
        hub = PostgresHub(dsn)
        desk = SyncDesk(station, hub)
        stop = ServiceStop().install()
        try:
            while not stop.requested:
                report = desk.push()
                print(printable(report.line), flush=True)
                if args.once:
                    if not report.online:
                        return ExitCode.UNREACHABLE  # the scans wait in the journal for the next pass
                    done = report.waiting == 0 and not report.refused
                    return ExitCode.DONE if done else ExitCode.REFUSED
                stop.wait(args.interval)
            return ExitCode.DONE
        finally:
            hub.close()


def connector(dsn: str) -> PostgresHub:
    """The factory the composition root installs for the station's commands."""
    return PostgresHub(dsn)
