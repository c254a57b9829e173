"""Printing through CUPS (`lp`) to a raw queue that ends at a 127.0.0.1 port-9100 printer."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from hardware.printers.transports import CupsTransport, PrinterNotReady
from tests.pseudo_devices.cups import PrivateCups
from tests.pseudo_devices.virtual_printer import VirtualPrinter

pytestmark = pytest.mark.skipif(
    shutil.which("cupsd") is None or shutil.which("lp") is None or os.geteuid() != 0,
    reason="needs root and Debian cups-daemon + cups-client (./dev test installs them)",
)


def test_a_label_printed_through_cups_reaches_the_printer_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    printer = VirtualPrinter()
    # CUPS backends run as user lp: the spool must not sit under pytest's root-only (0700) tmp folders.
    folder = Path(tempfile.mkdtemp(prefix="parcel-cups-", dir="/tmp"))
    folder.chmod(0o755)
    cups = PrivateCups(folder / "cups", "zebra", printer.port)
    try:
        monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
        job = b"^XA^FO50,50^A0N,40,40^FH\\^FDCUPS test^FS^XZ\n"
        CupsTransport("zebra").send(job, "zpl", "job1")
        assert printer.wait_for_jobs(1, timeout=20)
        assert printer.jobs[0] == job
        with pytest.raises(PrinterNotReady, match="CUPS queue nosuch"):
            CupsTransport("nosuch").send(job, "zpl", "job2")
    finally:
        cups.close()
        printer.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_the_set_up_offers_the_cups_queues_of_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    from hardware.discovery import offered

    folder = Path(tempfile.mkdtemp(prefix="parcel-cups-", dir="/tmp"))
    folder.chmod(0o755)
    cups = PrivateCups(folder / "cups", "zebra_counter", 9)
    try:
        monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
        assert "cups://zebra_counter" in offered("printer")
        assert "cups://zebra_counter" in offered("receipt_printer")
    finally:
        cups.close()
        shutil.rmtree(folder, ignore_errors=True)
