"""Addresses are data, never printer commands: hostile text cannot inject ZPL."""

from __future__ import annotations

import re

import pytest

from station.labels.layouts import ShippingLabelData, clean, shipping_label
from station.labels.zpl import ZplRenderer as Zpl
from station.labels.zpl import escape
from tests.renderers import ZplRenderer, decode

HOSTILE = [
    "^XA^FO0,0^GB800,1200,800^FS^XZ",  # a whole label in an address line
    "~JA~JR~PS",  # tilde commands act even inside ^FD: cancel all, reset, print start
    "Robert\x03\x1d\x00\r\n^FS^XZ",  # control characters and a field terminator
    "_5E _7E \\5E",  # strings that look like our own escapes
    "Müller Łódź Ὀδυσσεύς 東京",  # non-Latin text must survive, not be dropped
    "A" * 2048,  # an oversized field
]


def test_every_hostile_character_is_hex_escaped() -> None:
    for text in HOSTILE:
        escaped = escape(text)
        assert "^" not in escaped and "~" not in escaped
        assert not re.search(r"[\x00-\x1f\x7f]", escaped)


def test_a_label_with_hostile_addresses_has_exactly_our_commands(zpl_renderer: ZplRenderer) -> None:
    label = shipping_label(ShippingLabelData("RR473124829GB", tuple(HOSTILE[:3]), tuple(HOSTILE[3:])), 203)
    zpl = Zpl().render(label)
    assert zpl.count(b"^XA") == 1 and zpl.count(b"^XZ") == 1
    assert b"~" not in zpl
    images = zpl_renderer.render(zpl, 4, 6, 203)
    assert len(images) == 1  # no second label was smuggled in
    assert ("]C0", b"RR473124829GB") in {(aim, data) for _f, aim, data in decode(images[0])}
    assert images[0].mean() > 200  # mostly white: the injected full-page black box was not drawn


@pytest.mark.parametrize("text", HOSTILE)
def test_clean_keeps_one_printable_line_of_bounded_length(text: str) -> None:
    line = clean(text)
    assert len(line) <= 60
    assert not re.search(r"[\x00-\x1f\x7f]", line)


def test_a_csv_batch_renders_one_label_per_row_and_a_bad_row_is_named(tmp_path) -> None:
    import subprocess
    import sys

    from tests.renderers import pdf_pages

    rows = tmp_path / "batch.csv"
    rows.write_text(
        "tracking,from,to,service,weight\n"
        "RR473124829GB,Ann|1 Main St,Bob|2 Elm St,PRIORITY,1.2kg\n"
        "EE123456785US,Ann|1 Main St,Eve|3 Oak St,GROUND,300g\n"
    )
    out = tmp_path / "batch.pdf"
    command = [
        sys.executable,
        "-m",
        "ui.cli.main",
        "label",
        "render",
        "--format",
        "pdf",
        "--batch",
        str(rows),
    ]
    result = subprocess.run(
        [*command, "--out", str(out)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(out.read_bytes(), dpi=150)
    assert [{d for _f, a, d in decode(p)} for p in pages] == [{b"RR473124829GB"}, {b"EE123456785US"}]
    rows.write_text("tracking,from,to\nRR473124828GB,a,b\n")
    bad = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "label", "render", "--batch", str(rows), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1 and "expected 9, found 8" in bad.stderr
