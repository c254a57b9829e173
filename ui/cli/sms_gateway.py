"""`station sms worker` and `station sms serve`: the parts of texting that talk to gateways."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hardware.registry import Role, open_gateway, parse
from hardware.service import ServiceStop
from hardware.urls import DeviceUrlError
from station.errors import ExitCode
from station.notify.worker import worker_for
from ui.cli.common import Subcommands, group, open_station, seconds


def register(sub: Subcommands) -> None:
    """Add `sms worker` and `sms serve`."""
    a = group(sub, "sms", "customer text messages")
    w = a.add_parser("worker", help="send what is due through the configured gateway")
    w.add_argument("--once", action="store_true", help="one pass, then exit")
    w.add_argument("--gateway", help="gateway URL (default: the station's setting, log:)")
    w.add_argument("--interval", type=seconds(3600), default=2.0, help="seconds between passes")
    w.set_defaults(func=cmd_worker)
    v = a.add_parser("serve", help="the inbound webhook (POST /sms/inbound, signed X-Twilio-Signature)")
    v.add_argument("--port", type=int, default=8088, choices=range(0, 65536), metavar="PORT")
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument(
        "--public-url", help="the URL the provider calls (signatures cover it); default the listener's"
    )
    v.add_argument(
        "--auth-token-file",
        type=Path,
        help="file holding the account's auth token (default: the REST gateway's)",
    )
    v.set_defaults(func=cmd_serve)


def cmd_worker(args: argparse.Namespace) -> int:
    """Send due messages (once, or until interrupted)."""
    with open_station(args) as station:
        try:
            gateway = open_gateway(args.gateway or station.config.sms_gateway, sms_log=station.paths.sms_log)
        except DeviceUrlError as exc:
            print(f"error: SMS gateway: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
        worker = worker_for(station, gateway)
        stop = ServiceStop().install()
        while not stop.requested:
            report = worker.run_once(stopping=lambda: stop.requested)
            if args.once or report.sent or report.retried or report.failed or report.recovered:
                print(
                    f"sent {report.sent}, retrying {report.retried}, failed {report.failed}, "
                    f"recovered after a crash {report.recovered}",
                    flush=True,
                )
            if args.once:
                return ExitCode.DONE
            stop.wait(args.interval)
        print("stopped: every message is in its final or retry state", flush=True)
        return ExitCode.DONE


def _auth_token(args: argparse.Namespace, gateway: str) -> str:
    if args.auth_token_file is not None:
        return str(args.auth_token_file.read_text(encoding="utf-8").strip())
    url = parse(Role.SMS, gateway)
    if not url.scheme.startswith("rest+") or not url.password:
        raise ValueError(
            "the webhook checks the provider's signatures: give --auth-token-file, or set [station]"
            " sms_gateway to the rest+https://ACCOUNT:TOKEN@... gateway"
        )
    return url.password


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the webhook until interrupted."""
    from hardware.sms.webhook import make_server

    with open_station(args) as station:
        try:
            token = _auth_token(args, station.config.sms_gateway)
            server = make_server(station, args.host, args.port, auth_token=token, public_url=args.public_url)
        except (OSError, ValueError, DeviceUrlError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
        stop = ServiceStop().install()
        stop.also(server.shutdown)  # answers in flight are finished: server_close joins their threads
        print(f"listening on http://{args.host}:{server.server_port}/sms/inbound", flush=True)
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return ExitCode.DONE
