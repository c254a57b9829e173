"""A job is `printed` only when the printer took every byte and (where it answers ~HS) says no error
after it; a job that may be half printed becomes `uncertain` and is never sent again on its own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from hardware.printers.spooler import Spooler, SpoolEvent
from hardware.printers.transports import TcpTransport
from station.migrations import open_database
from station.printing.queue import JobState, PrintQueue
from tests.pseudo_devices.virtual_printer import VirtualPrinter

BIG_JOB = b"^XA" + b"^FO10,10^GFA,4000,4000,50," + b"F0" * 240_000 + b"^XZ"  # about 489 kB of ^GF graphic


def _spool(
    queue: PrintQueue, printer: VirtualPrinter, timeout: float = 1.0
) -> tuple[Spooler, list[SpoolEvent]]:
    events: list[SpoolEvent] = []
    transport = TcpTransport("127.0.0.1", printer.port, timeout=timeout)
    spooler = Spooler(
        queue, printer.url, transport, events.append, backoff_start=0.05, backoff_max=0.1, poll=0.02
    )
    return spooler, events


def _wait(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def test_a_printer_that_resets_mid_job_leaves_it_uncertain_and_it_is_not_resent(tmp_path: Path) -> None:
    queue = PrintQueue(open_database(tmp_path / "s.sqlite3"))
    printer = VirtualPrinter()
    printer.reset_after = 100_000
    job = queue.enqueue(printer.url, BIG_JOB, "zpl", "label RR473124829GB")
    spooler, events = _spool(queue, printer)
    spooler.start()
    try:
        _wait(lambda: queue.get(job).state is JobState.UNCERTAIN)  # type: ignore[union-attr]
        # The marker: a job queued after it. The queue is sent in order, so a resend of the uncertain
        # job, were there one, would reach the printer before this one does.
        after = queue.enqueue(printer.url, b"^XA^FDafter^FS^XZ", "zpl", "the next label")
        spooler.wake()
        _wait(lambda: queue.get(after).state is JobState.PRINTED)  # type: ignore[union-attr]
    finally:
        spooler.stop()
        printer.close()
    stored = queue.get(job)
    assert stored is not None and stored.state is JobState.UNCERTAIN
    assert f"of {len(BIG_JOB)} bytes" in (stored.last_error or "")
    # one connection with the job, never a second: the printer got only the job after it, whole
    assert len(printer.partial) == 1 and printer.jobs == [b"^XA^FDafter^FS^XZ"]
    assert any("uncertain" in e.message for e in events)


def test_a_printer_that_hangs_leaves_the_job_uncertain(tmp_path: Path) -> None:
    queue = PrintQueue(open_database(tmp_path / "s.sqlite3"))
    printer = VirtualPrinter()
    printer.hang = True
    job = queue.enqueue(printer.url, BIG_JOB, "zpl", "label")
    transport = TcpTransport("127.0.0.1", printer.port, timeout=0.5, query_status=False)
    spooler = Spooler(queue, printer.url, transport, backoff_start=0.05, poll=0.02)
    try:
        spooler.drain_once()
    finally:
        printer.close()
    stored = queue.get(job)
    assert stored is not None and stored.state is JobState.UNCERTAIN
    assert "stopped answering" in (stored.last_error or "")


def test_a_zebra_reporting_paper_out_after_the_job_leaves_it_uncertain(tmp_path: Path) -> None:
    queue = PrintQueue(open_database(tmp_path / "s.sqlite3"))
    printer = VirtualPrinter()
    printer.paper_out_after_job = True
    first = queue.enqueue(printer.url, b"^XA^FDone^FS^XZ", "zpl", "one")
    spooler, _events = _spool(queue, printer)
    try:
        spooler.drain_once()
    finally:
        printer.close()
    stored = queue.get(first)
    assert stored is not None and stored.state is JobState.UNCERTAIN
    assert "paper out" in (stored.last_error or "")


def test_after_kill_9_the_next_station_print_does_not_resend_the_job_left_sending(tmp_path: Path) -> None:
    printer = VirtualPrinter()
    home = tmp_path / "home"
    db = open_database(home / "station.sqlite3")
    queue = PrintQueue(db)
    job = queue.enqueue(printer.url, b"^XA^FDpaid label^FS^XZ", "zpl", "label EE123456785US")
    queue.mark_sending(job)  # ... and the station was killed here, the bytes maybe at the printer
    db.close()
    env = {k: v for k, v in os.environ.items() if k != "STATION_HOME"}
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.cli.main",
                "--home",
                str(home),
                "print",
                "--printer",
                printer.url,
                "--wait",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    finally:
        printer.close()
    assert f"job {job} was left half sent by a stopped station: uncertain, not sent again" in result.stdout
    assert printer.connections == 0 and printer.jobs == []
    with sqlite3.connect(home / "station.sqlite3") as conn:
        assert conn.execute("SELECT state FROM print_jobs WHERE id=?", (job,)).fetchone()[0] == "uncertain"


def test_an_offline_printer_still_gets_the_job_once_when_it_is_back(tmp_path: Path) -> None:
    # Nothing went out while it was off: that job is sent again (and only that kind is).
    queue = PrintQueue(open_database(tmp_path / "s.sqlite3"))
    printer = VirtualPrinter()
    port = printer.port
    printer.close()
    job = queue.enqueue(f"tcp://127.0.0.1:{port}", b"^XA^FDx^FS^XZ", "zpl", "x")
    transport = TcpTransport("127.0.0.1", port, timeout=0.5)
    spooler = Spooler(
        queue, f"tcp://127.0.0.1:{port}", transport, backoff_start=0.05, backoff_max=0.1, poll=0.02
    )
    assert not spooler.drain_once()
    assert queue.get(job).state is JobState.QUEUED  # type: ignore[union-attr]
    back = VirtualPrinter(port)
    try:
        _wait(lambda: queue.next_due(f"tcp://127.0.0.1:{port}") is not None)  # its retry delay is over
        assert spooler.drain_once()
        assert back.wait_for_jobs(1) and back.jobs == [b"^XA^FDx^FS^XZ"]
    finally:
        back.close()
