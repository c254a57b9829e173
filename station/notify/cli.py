"""`station sms subscribe | inbound | outbox | worker | serve`."""

from __future__ import annotations

import argparse
import json
import sys
import time

from station.cli.common import open_station
from station.config import data_dir
from station.notify.consent import handle_inbound, subscribe
from station.notify.gateways import open_gateway
from station.notify.phone import InvalidPhone
from station.notify.worker import SmsWorker


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sms`."""
    p = sub.add_parser("sms", help="customer text messages")
    a = p.add_subparsers(dest="sms_command", required=True, metavar="ACTION")
    s = a.add_parser("subscribe", help="follow an item by SMS (asks the customer to reply YES)")
    s.add_argument("item")
    s.add_argument("--phone", required=True)
    s.set_defaults(func=cmd_subscribe)
    i = a.add_parser("inbound", help="an inbound text, through the same handler the gateways use")
    i.add_argument("--from", dest="phone", required=True)
    i.add_argument("--body", required=True)
    i.set_defaults(func=cmd_inbound)
    o = a.add_parser("outbox", help="every message with its state")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=cmd_outbox)
    w = a.add_parser("worker", help="send what is due through the configured gateway")
    w.add_argument("--once", action="store_true", help="one pass, then exit")
    w.add_argument("--gateway", help="gateway URL (default: the station's setting, log:)")
    w.add_argument("--interval", type=float, default=2.0)
    w.set_defaults(func=cmd_worker)
    v = a.add_parser("serve", help="the inbound webhook (POST /sms/inbound with From and Body)")
    v.add_argument("--port", type=int, default=8088)
    v.add_argument("--host", default="127.0.0.1")
    v.set_defaults(func=cmd_serve)


def cmd_subscribe(args: argparse.Namespace) -> int:
    """What the counter does when the customer gives a number."""
    with open_station(args) as station:
        try:
            state = subscribe(station, args.item.strip().upper(), args.phone)
        except InvalidPhone as exc:
            print(f"REFUSED: {exc}", file=sys.stderr)
            return 1
    print(f"{args.item}: {state}" + (" (asked to reply YES)" if state == "pending" else ""))
    return 0


def cmd_inbound(args: argparse.Namespace) -> int:
    """Handle one inbound text."""
    with open_station(args) as station:
        try:
            result = handle_inbound(station, args.phone, args.body, source="cli")
        except InvalidPhone as exc:
            print(f"REFUSED: {exc}", file=sys.stderr)
            return 1
    print(f"{result.phone}: {result.action}" + (f", reply {result.reply}" if result.reply else ""))
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    """List the outbox."""
    with open_station(args) as station, station.db.reading() as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                "SELECT id, phone, item_id, template, body, encoding, state, not_before, attempts,"
                " created_at, sent_at, last_error FROM sms_outbox ORDER BY id"
            )
        ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            head = f"{r['id']:>5} {r['state']:<9} {r['phone']:<14} {r['item_id']:<22} {r['template']:<16}"
            print(head, r["body"])
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Send due messages (once, or until interrupted)."""
    with open_station(args) as station:
        gateway = open_gateway(args.gateway or station.config.sms_gateway, data_dir())
        worker = SmsWorker(
            station.db,
            gateway,
            station.clock,
            lambda phone, text: handle_inbound(station, phone, text, "smpp"),
        )
        while True:
            report = worker.run_once()
            if args.once or report.sent or report.retried or report.failed or report.recovered:
                print(f"sent {report.sent}, retrying {report.retried}, failed {report.failed}, "
                      f"recovered after a crash {report.recovered}", flush=True)  # fmt: skip
            if args.once:
                return 0
            time.sleep(args.interval)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the webhook until interrupted."""
    from station.notify.webhook import make_server

    with open_station(args) as station:
        server = make_server(station, args.host, args.port)
        print(f"listening on http://{args.host}:{server.server_port}/sms/inbound", flush=True)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return 0
