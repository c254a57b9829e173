"""Labels per second for 1,000 4x6 shipping labels in ZPL, PDF and PNG, and the print queue's hand-off.

Targets: ZPL under 1 ms a label, PDF under 20 ms a label; a queued job reaches a TCP 9100 listener in
under 50 ms from the operator's click (enqueue + spooler wake + ~HS query + send). Baselines in the same
run: the same fields into a fixed ZPL template, and the same job sent on a bare TCP connection.

    python benchmarks/bench_labels.py [--labels 1000]
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, median, percentile, table
from hardware.printers.spooler import Spooler
from hardware.printers.transports import TcpTransport
from hardware.printers.zebra_status import host_status_answer
from station.ids import Impb
from station.labels.layouts import PostageImprint, ShippingLabelData, shipping_label
from station.labels.pdf import PdfRenderer
from station.labels.png import PngRenderer
from station.labels.zpl import ZplRenderer
from station.migrations import open_database
from station.printing.queue import PrintQueue


def labels(n: int) -> list[ShippingLabelData]:
    return [
        ShippingLabelData(
            tracking=Impb.build(f"92055901{i:012d}", None).tracking,
            sender=("Ann Sender", "1 Main St", "New York NY 10001"),
            recipient=(f"Customer {i}", f"{i} Market St Apt {i % 40}", "San Francisco CA 94105"),
            service="PRIORITY",
            weight_g=500 + i,
            mailed_on=date(2026, 11, 23),
            routing_zip="94105",
            postage=PostageImprint(
                895 + i % 300, "PS000123", "10001", date(2026, 11, 23), f"PSI1{'A' * 60}{i}"
            ),
        )
        for i in range(n)
    ]


def _bare_zpl(d: ShippingLabelData) -> bytes:
    """The floor of a ZPL label: the variable fields into a fixed template, escaped, no layout engine."""

    def field(text: str) -> str:
        return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")

    indicia = d.postage.indicia if d.postage else ""
    lines = "".join(
        f"^FO40,{60 + 40 * n}^A0N,30,30^FH^FD{field(line)}^FS"
        for n, line in enumerate((*d.sender, *d.recipient))
    )
    return (
        f"^XA{lines}^FO40,400^BCN,200,Y,N,N^FD>;{d.tracking}^FS^FO500,40^BXN,4,200^FH^FD{field(indicia)}^FS"
        "^XZ"
    ).encode()


def listener() -> tuple[socket.socket, list[float]]:
    """A 9100 printer that notes when each job's first byte arrives (answers ~HS as ready)."""
    server = socket.create_server(("127.0.0.1", 0))
    arrivals: list[float] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                data = conn.recv(65536)
                if data == b"~HS":
                    conn.sendall(host_status_answer())
                    continue
                arrivals.append(time.perf_counter())
                while conn.recv(65536):
                    pass

    threading.Thread(target=serve, daemon=True).start()
    return server, arrivals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=1000)
    args = parser.parse_args()
    data = labels(args.labels)
    rows = []
    per_label: dict[str, float] = {}
    for name, render in (
        ("layout only", lambda d: shipping_label(d, 203)),
        ("ZPL", lambda d: ZplRenderer().render(shipping_label(d, 203))),
        ("PDF", lambda d: PdfRenderer().render(shipping_label(d, 203))),
        ("PNG", lambda d: PngRenderer().render(shipping_label(d, 203))),
    ):
        t0 = time.perf_counter()
        for d in data:
            render(d)
        took = time.perf_counter() - t0
        per_label[name] = took / len(data) * 1e3
        rows.append([name, f"{len(data) / took:,.0f}", f"{per_label[name]:.2f}"])
    t0 = time.perf_counter()
    for d in data:
        _bare_zpl(d)
    bare = time.perf_counter() - t0
    rows.append(
        [
            "baseline: the same fields into a fixed ZPL template",
            f"{len(data) / bare:,.0f}",
            f"{bare / len(data) * 1e3:.3f}",
        ]
    )
    t0 = time.perf_counter()
    PdfRenderer().render_many([shipping_label(d, 203) for d in data])
    batch = time.perf_counter() - t0
    rows.append(
        [
            f"PDF batch ({len(data)} pages, one file)",
            f"{len(data) / batch:,.0f}",
            f"{batch / len(data) * 1e3:.2f}",
        ]
    )

    server, arrivals = listener()
    port = server.getsockname()[1]
    url = f"tcp://127.0.0.1:{port}"
    handoffs = []
    with tempfile.TemporaryDirectory() as tmp:
        queue = PrintQueue(open_database(Path(tmp) / "q.sqlite3"))
        spooler = Spooler(queue, url, TcpTransport("127.0.0.1", port), poll=1.0)
        spooler.start()
        job = ZplRenderer().render(shipping_label(data[0], 203))
        for _ in range(50):
            seen = len(arrivals)
            clicked = time.perf_counter()
            queue.enqueue(url, job, "zpl", "bench")
            spooler.wake()
            while len(arrivals) == seen:
                time.sleep(0.0005)
            handoffs.append((arrivals[-1] - clicked) * 1e3)
        spooler.stop()
        raw = []  # baseline: the same job over a new connection straight to the listener
        for _ in range(50):
            seen = len(arrivals)
            sent = time.perf_counter()
            with socket.create_connection(("127.0.0.1", port)) as direct:
                direct.sendall(job)
            while len(arrivals) == seen:
                time.sleep(0.0005)
            raw.append((arrivals[-1] - sent) * 1e3)
    server.close()
    print(f"label benchmark: {len(data):,} 4x6 shipping labels at 203 dpi; {machine()}")
    print(table(["renderer", "labels/s", "ms/label"], rows))
    print(
        f"queue hand-off to a 9100 listener (50 jobs): median {median(handoffs):.1f} ms, "
        f"p95 {percentile(handoffs, 95):.1f} ms, max {max(handoffs):.1f} ms"
    )
    print(
        f"  baseline: the same job on a new TCP connection (no queue, no spooler, no ~HS): median"
        f" {median(raw):.1f} ms, p95 {percentile(raw, 95):.1f} ms"
    )
    met = per_label["ZPL"] < 1 and per_label["PDF"] < 20 and percentile(handoffs, 95) < 50
    print(f"targets (ZPL < 1 ms, PDF < 20 ms, hand-off < 50 ms): {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
