"""`station print` and `station printers status`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hardware.printers.setup import transport_for
from hardware.printers.spooler import Spooler, SpoolEvent
from hardware.printers.transports import PrinterNotReady
from hardware.urls import DeviceUrlError
from station.desks.factory import Desks
from station.errors import ExitCode
from station.printing.queue import JobState, PrintQueue
from ui.cli.common import Subcommands, open_station, printable, seconds, whole_number

FORMAT_BY_SUFFIX = {".zpl": "zpl", ".pdf": "pdf", ".png": "png", ".bin": "escpos", ".escpos": "escpos"}


def register(sub: Subcommands) -> None:
    """Add `print` and `printers`."""
    p = sub.add_parser("print", help="queue files for a printer and send them (kept queued if it is offline)")
    p.add_argument("--printer", help="printer URL (default: the configured printer)")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument(
        "--wait", type=seconds(3600), default=10.0, help="seconds to keep trying before leaving jobs queued"
    )
    p.add_argument(
        "--reprint",
        type=whole_number(1, 2**63 - 1),
        metavar="JOB",
        help="print job JOB again (explicit reprint)",
    )
    p.add_argument("--test", action="store_true", help="a test tag in the printer profile's language")
    p.add_argument("--batch", type=Path, metavar="CSV", help="one label per row: tracking,from,to[,...]")
    p.set_defaults(func=cmd_print)
    s = sub.add_parser("printers", help="printer status and queues")
    a = s.add_subparsers(dest="printers_command", required=True, metavar="ACTION")
    st = a.add_parser("status", help="each printer's queue and, for Zebra printers, its ~HS status")
    st.set_defaults(func=cmd_status)


def cmd_print(args: argparse.Namespace) -> int:
    """0 when every job printed, 3 when some stay queued (printer not ready), 1 for bad input."""
    with open_station(args) as station:
        printer = args.printer or station.config.devices.printer
        try:
            transport = transport_for(station, printer)
        except DeviceUrlError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
        queue = PrintQueue(station.db)
        for job_id in queue.recover_after_crash():
            print(f"job {job_id} was left half sent by a stopped station: uncertain, not sent again")
        ids = []
        if args.reprint is not None:
            original = queue.get(args.reprint)
            if original is None:
                print(f"error: no print job {args.reprint}", file=sys.stderr)
                return ExitCode.REFUSED
            ids.append(queue.reprint(args.reprint, original.payload))
        desk = Desks(station).printing
        if args.test:
            ids.append(desk.test_print(printer).details["job"])
        if args.batch is not None:
            batch = desk.batch(args.batch, printer)
            print(batch.line)
            if not batch.ok:
                return ExitCode.REFUSED
        for name in args.files:
            path = Path(name)
            fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
            if fmt is None or not path.is_file():
                print(f"error: {name}: not a .zpl/.pdf/.png/.bin file", file=sys.stderr)
                return ExitCode.REFUSED
            ids.append(queue.enqueue(printer, path.read_bytes(), fmt, path.name))
        if not ids and not queue.jobs(printer, (JobState.QUEUED,)):
            print("nothing to print", file=sys.stderr)
            return ExitCode.REFUSED
        events: list[SpoolEvent] = []
        spooler = Spooler(queue, printer, transport, events.append, backoff_max=2.0)
        deadline = time.monotonic() + args.wait
        while time.monotonic() < deadline and queue.jobs(printer, (JobState.QUEUED,)):
            if not spooler.drain_once():
                time.sleep(0.1)
        for e in events:
            print(
                printable(("printed " if e.printed else "not printed: ") + e.message.removeprefix("printed "))
            )
        waiting = queue.jobs(printer, (JobState.QUEUED,))
        if waiting:
            print(f"{len(waiting)} job(s) stay queued for {printer}; they print when it is ready")
            return ExitCode.UNREACHABLE
    return ExitCode.DONE


def cmd_status(args: argparse.Namespace) -> int:
    """Queue counts per printer and what each printer says."""
    with open_station(args, read_only=True) as station:
        queue = PrintQueue(station.db)
        counts = queue.counts()
        printers = sorted({station.config.devices.printer, station.config.devices.receipt_printer, *counts})
        for printer in printers:
            states = counts.get(printer, {})
            line = ", ".join(f"{n} {state}" for state, n in sorted(states.items())) or "no jobs"
            try:
                status = transport_for(station, printer).status()
                said = "ready" if status is None or status.ready else "; ".join(status.problems)
                if status is None:
                    said = "no status available (not a Zebra ~HS printer)"
            except (PrinterNotReady, DeviceUrlError) as exc:
                said = str(exc)
            print(printable(f"{printer}: {line} -- {said}"))
            for job in queue.jobs(printer, (JobState.QUEUED, JobState.UNCERTAIN, JobState.FAILED)):
                print(
                    printable(
                        f"  job {job.id} {job.state}: {job.description} ({job.last_error or 'waiting'})"
                    )
                )
    return ExitCode.DONE
