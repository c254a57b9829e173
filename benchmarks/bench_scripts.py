"""Labels with addresses in other scripts, next to a Latin baseline measured in the same run: what the
^GFA text graphics cost a ZPL job (time and bytes), and the PDF and PNG renderers' time, per label; and
a CN 22 / CN 23 page.

Targets: a label in any script renders in ZPL under 25 ms and in PDF under 50 ms; its ZPL job stays
under 40 KB (a 203 dpi printer takes it over serial in a few seconds at 115200 baud).

    python benchmarks/bench_scripts.py [--labels 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, table
from station.abroad.customs import Form, parse
from station.abroad.forms import CustomsFormData, customs_forms
from station.labels.layouts import ShippingLabelData, shipping_label
from station.labels.model import Label
from station.labels.pdf import PdfRenderer
from station.labels.png import PngRenderer
from station.labels.zpl import ZplRenderer

ADDRESSES = {
    "Latin (baseline)": ("Bob Lee", "2 Elm St Apt 5", "San Francisco CA 94105"),
    "Cyrillic": ("Иван Петров", "ул. Тверская, д. 7, кв. 5", "Москва 125009", "RUSSIAN FEDERATION"),
    "Arabic": ("محمد علي", "شارع الملك فهد 12", "الرياض 11564", "SAUDI ARABIA"),
    "Chinese": ("王小明", "北京市朝阳区建国路88号", "100022", "CHINA"),
}


def _label_for(lines: tuple[str, ...], n: int) -> list[Label]:
    # One valid S10 is enough: what differs between rows is the address.
    return [shipping_label(ShippingLabelData("CP123456785US", ("Ann Smith", "1 Main St"), lines), 203)] * n


def _ms(render: object, labels: list[Label]) -> tuple[float, int]:
    assert callable(render)
    t0 = time.perf_counter()
    size = 0
    for label in labels:
        size = len(render(label))
    return (time.perf_counter() - t0) / len(labels) * 1e3, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=200)
    args = parser.parse_args()
    rows = []
    worst = {"zpl": 0.0, "pdf": 0.0, "bytes": 0}
    for name, lines in ADDRESSES.items():
        labels = _label_for(lines, args.labels)
        zpl, zpl_bytes = _ms(ZplRenderer().render, labels)
        pdf, _ = _ms(PdfRenderer().render, labels)
        png, _ = _ms(PngRenderer().render, labels)
        rows.append([name, f"{zpl:.2f}", f"{zpl_bytes:,}", f"{pdf:.2f}", f"{png:.2f}"])
        if name != "Latin (baseline)":
            worst = {
                "zpl": max(worst["zpl"], zpl),
                "pdf": max(worst["pdf"], pdf),
                "bytes": max(worst["bytes"], zpl_bytes),
            }
    scarf = {
        "description": "wool scarf",
        "quantity": 1,
        "value": "40.00",
        "currency": "USD",
        "weight_g": 250,
        "hs_code": "611710",
        "origin_country": "US",
    }
    declaration = parse({"category": "gift", "items": [scarf]}, gross_weight_g=1000)
    for form in (Form.CN22, Form.CN23):
        data = CustomsFormData(
            "CP123456785US",
            form,
            declaration,
            ("Ann Smith",),
            ADDRESSES["Cyrillic"],
            1000,
            date(2026, 12, 2),
            "NYC",
        )
        pages = customs_forms(data) * args.labels
        zpl, zpl_bytes = _ms(ZplRenderer().render, pages)
        pdf, _ = _ms(PdfRenderer().render, pages)
        png, _ = _ms(PngRenderer().render, pages)
        rows.append(
            [f"{form} page (Cyrillic To)", f"{zpl:.2f}", f"{zpl_bytes:,}", f"{pdf:.2f}", f"{png:.2f}"]
        )
    print(f"scripts benchmark: {args.labels} 4x6 labels per row at 203 dpi; {machine()}")
    print(table(["address", "ZPL ms", "ZPL bytes", "PDF ms", "PNG ms"], rows))
    met = worst["zpl"] < 25 and worst["pdf"] < 50 and worst["bytes"] < 40_000
    print(
        f"targets (other scripts: ZPL < 25 ms, PDF < 50 ms, ZPL job < 40 KB): {'MET' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
