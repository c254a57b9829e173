"""Printing through the durable queue to real listeners: offline, out of paper, back again, exactly once."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest
import serial

from hardware.printers.spooler import Spooler, SpoolEvent
from hardware.printers.transports import (
    DirTransport,
    PrinterNotReady,
    SerialTransport,
    TcpTransport,
)
from hardware.printers.zebra_status import host_status_answer, parse_host_status
from hardware.registry import open_printer, parse_url
from station.labels.layouts import ShippingLabelData, shipping_label
from station.labels.zpl import ZplRenderer as Zpl
from station.migrations import open_database
from station.printing.queue import JobState, PrintQueue
from tests.cli_runner import Ran, run_station
from tests.pseudo_devices.pty_device import PtyDevice
from tests.pseudo_devices.virtual_printer import VirtualPrinter
from tests.renderers import ZplRenderer, decode


def _label(tracking: str, reprint: bool = False) -> bytes:
    data = ShippingLabelData(
        tracking, ("Ann", "1 Main St"), ("Bob", "2 Elm St"), mailed_on=date(2026, 11, 23), reprint=reprint
    )
    return Zpl().render(shipping_label(data, 203))


@pytest.fixture
def queue(tmp_path: Path) -> PrintQueue:
    return PrintQueue(open_database(tmp_path / "station.sqlite3"))


def test_a_label_sent_to_a_9100_printer_renders_to_the_same_barcode() -> None:
    printer = VirtualPrinter()
    try:
        zpl = _label("RR473124829GB")
        TcpTransport("127.0.0.1", printer.port).send(zpl, "zpl", "job1")
        assert printer.wait_for_jobs(1)
        assert printer.jobs == [zpl]
        renderer = ZplRenderer()
        try:
            image = renderer.render(printer.jobs[0], 4, 6, 203)[0]
        finally:
            renderer.close()
        assert ("]C0", b"RR473124829GB") in {(aim, data) for _f, aim, data in decode(image)}
    finally:
        printer.close()


def test_host_status_flags_are_read() -> None:
    ready = parse_host_status(host_status_answer())
    assert ready.ready and ready.problems == []
    out = parse_host_status(host_status_answer(paper_out=True, head_open=True))
    assert out.problems == ["paper out: load labels", "print head open: close it"]
    with pytest.raises(ValueError, match="not a ~HS answer"):
        parse_host_status(b"garbage")


def test_offline_printer_keeps_jobs_queued_and_prints_each_once_in_order_when_back(
    queue: PrintQueue, tmp_path: Path
) -> None:
    probe = VirtualPrinter()
    port = probe.port
    probe.close()  # the printer is switched off: connections are refused
    url = f"tcp://127.0.0.1:{port}"
    ids = [
        queue.enqueue(url, _label(t), "zpl", t) for t in ("RR473124829GB", "EE123456785US", "CP100000003US")
    ]
    events: list[SpoolEvent] = []
    spooler = Spooler(
        queue,
        url,
        open_printer(url, printed_dir=tmp_path / "printed"),
        events.append,
        backoff_start=0.05,
        backoff_max=0.2,
        poll=0.02,
    )
    spooler.start()
    try:
        deadline = time.monotonic() + 5
        while not any("offline" in e.message for e in events) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any("offline" in e.message for e in events)
        assert [queue.get(i).state for i in ids] == [JobState.QUEUED] * 3  # type: ignore[union-attr]
        printer = VirtualPrinter(port)  # switched back on, same address
        try:
            assert printer.wait_for_jobs(3)
            # Would a retry send anything twice? The marker: a fourth job, queued after them and sent
            # in order, so any resend would come before it.
            queue.enqueue(url, _label("LZ000000014US"), "zpl", "LZ000000014US")
            assert printer.wait_for_jobs(4)
            assert printer.jobs == [
                _label("RR473124829GB"),
                _label("EE123456785US"),
                _label("CP100000003US"),
                _label("LZ000000014US"),
            ]
            assert [queue.get(i).state for i in ids] == [JobState.PRINTED] * 3  # type: ignore[union-attr]
        finally:
            printer.close()
    finally:
        spooler.stop()


def test_paper_out_holds_the_job_until_paper_is_loaded(queue: PrintQueue, tmp_path: Path) -> None:
    printer = VirtualPrinter()
    printer.paper_out = True
    events: list[SpoolEvent] = []
    job = queue.enqueue(printer.url, _label("RR473124829GB"), "zpl", "RR473124829GB")
    spooler = Spooler(
        queue,
        printer.url,
        open_printer(printer.url, printed_dir=tmp_path / "printed"),
        events.append,
        backoff_start=0.05,
        backoff_max=0.1,
        poll=0.02,
    )
    spooler.start()
    try:
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "paper out" in events[0].message
        assert printer.jobs == []
        printer.paper_out = False
        assert printer.wait_for_jobs(1)
        deadline = time.monotonic() + 5  # printed once the printer's status after the job is read too
        while queue.get(job).state is not JobState.PRINTED and time.monotonic() < deadline:  # type: ignore[union-attr]
            time.sleep(0.02)
        assert queue.get(job).state is JobState.PRINTED  # type: ignore[union-attr]
    finally:
        spooler.stop()
        printer.close()


def test_a_job_interrupted_while_sending_is_not_sent_again_but_flagged(queue: PrintQueue) -> None:
    job = queue.enqueue("demo:", b"^XA^XZ", "zpl", "x")
    queue.mark_sending(job)  # ... and the process dies here
    assert queue.recover_after_crash() == [job]
    assert queue.get(job).state is JobState.UNCERTAIN  # type: ignore[union-attr]
    assert queue.next_due("demo:") is None


def test_a_reprint_is_a_new_linked_job_whose_label_says_reprint(queue: PrintQueue) -> None:
    first = queue.enqueue("demo:", _label("RR473124829GB"), "zpl", "RR473124829GB", item_id="RR473124829GB")
    queue.mark_printed(first)
    again = queue.reprint(first, _label("RR473124829GB", reprint=True))
    job = queue.get(again)
    assert job is not None and job.reprint_of == first and job.state is JobState.QUEUED
    assert b"REPRINT" in job.payload and job.description.startswith("REPRINT")


def test_serial_printer_over_a_pty(tmp_path: Path) -> None:
    dev = PtyDevice(tmp_path / "ttyPrinter")
    try:
        SerialTransport(parse_url(f"serial://{dev.path}?baud=115200")).send(b"^XA^FDhello^FS^XZ", "zpl", "j")
        assert dev.read(2.0) == b"^XA^FDhello^FS^XZ"
    finally:
        dev.close()
    with pytest.raises(PrinterNotReady, match="serial printer"):
        SerialTransport(parse_url(f"serial://{tmp_path}/ttyGone")).send(b"x", "zpl", "j")


def test_dir_printer_writes_whole_files_only(tmp_path: Path) -> None:
    DirTransport(tmp_path / "out").send(b"%PDF-1.4 ...", "pdf", "job7-RR473124829GB")
    files = os.listdir(tmp_path / "out")
    assert len(files) == 1 and files[0].endswith("job7-RR473124829GB.pdf")
    assert not any(f.startswith(".") for f in files)


def test_unplugged_usb_printer_is_reported_not_crashed(tmp_path: Path) -> None:
    with pytest.raises(PrinterNotReady, match="USB printer"):
        open_printer(f"usb://{tmp_path}/lp0", printed_dir=tmp_path / "printed").send(b"x", "zpl", "j")
    with pytest.raises(serial.SerialException):
        serial.Serial(str(tmp_path / "lp0"))  # same path really is absent


def test_usb_printer_device_node_receives_the_whole_job(tmp_path: Path) -> None:
    """A FIFO stands in for /dev/usb/lp0 (a character device the kernel's usblp driver makes): the
    transport opens the node and writes every byte, as it would to the real device."""
    import threading

    node = tmp_path / "lp0"
    os.mkfifo(node)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(node.read_bytes()))
    reader.start()
    job = _label("RR473124829GB")
    open_printer(f"usb://{node}", printed_dir=tmp_path / "printed").send(job, "zpl", "job1")
    reader.join(5)
    assert received == [job]


def test_a_test_print_and_a_csv_batch_from_the_command_line(tmp_path: Path) -> None:
    def station(*args: str) -> Ran:
        return run_station(*args, home=tmp_path)

    good = tmp_path / "batch.csv"
    good.write_text(
        "tracking,from,to\nRR473124829GB,Ann|1 Main St,Bob|2 Elm St\nEE123456785US,Ann,Bob|3 Oak\n"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("tracking,from,to\nEE123456785US,Ann,Bob\nRR473124828GB,Ann,Bob\n")
    refused = station("print", "--batch", str(bad))
    assert refused.returncode == 1 and refused.stdout.startswith("REJECT bad.csv line 3: ")
    done = station("print", "--test", "--batch", str(good), "--wait", "5")
    assert done.returncode == 0, done.stderr
    assert "OK batch of 2 labels queued" in done.stdout and done.stdout.count("printed ") == 3
    printed = sorted(p.name for p in (tmp_path / "printed").iterdir())
    assert [name.split("-", 2)[2] for name in printed] == [
        "job1-test_print.zpl",
        "job2-batch_label_RR473124829GB.zpl",
        "job3-batch_label_EE123456785US.zpl",
    ]  # the refused batch queued nothing
