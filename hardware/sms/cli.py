"""`station sms worker` and `station sms serve`: the parts of texting that talk to gateways."""

from __future__ import annotations

import argparse
import sys
import time

from hardware.registry import open_gateway
from hardware.urls import DeviceUrlError
from station.cli.common import Subcommands, group, open_station
from station.notify.consent import handle_inbound
from station.notify.worker import SmsWorker


def register(sub: Subcommands) -> None:
    """Add `sms worker` and `sms serve`."""
    a = group(sub, "sms", "customer text messages")
    w = a.add_parser("worker", help="send what is due through the configured gateway")
    w.add_argument("--once", action="store_true", help="one pass, then exit")
    w.add_argument("--gateway", help="gateway URL (default: the station's setting, log:)")
    w.add_argument("--interval", type=float, default=2.0)
    w.set_defaults(func=cmd_worker)
    v = a.add_parser("serve", help="the inbound webhook (POST /sms/inbound with From and Body)")
    v.add_argument("--port", type=int, default=8088)
    v.add_argument("--host", default="127.0.0.1")
    v.set_defaults(func=cmd_serve)


def cmd_worker(args: argparse.Namespace) -> int:
    """Send due messages (once, or until interrupted)."""
    with open_station(args) as station:
        try:
            gateway = open_gateway(args.gateway or station.config.sms_gateway, sms_log=station.paths.sms_log)
        except DeviceUrlError as exc:
            print(f"error: SMS gateway: {exc}", file=sys.stderr)
            return 2
        worker = SmsWorker(
            station.db,
            gateway,
            station.clock,
            lambda phone, text: handle_inbound(station, phone, text, "smpp"),
        )
        while True:
            report = worker.run_once()
            if args.once or report.sent or report.retried or report.failed or report.recovered:
                print(
                    f"sent {report.sent}, retrying {report.retried}, failed {report.failed}, "
                    f"recovered after a crash {report.recovered}",
                    flush=True,
                )
            if args.once:
                return 0
            time.sleep(args.interval)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the webhook until interrupted."""
    from hardware.sms.webhook import make_server

    with open_station(args) as station:
        server = make_server(station, args.host, args.port)
        print(f"listening on http://{args.host}:{server.server_port}/sms/inbound", flush=True)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return 0
