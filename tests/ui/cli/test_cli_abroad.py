"""`station accept --to-country ... --customs FILE.json` and `station export customs` from the command
line: the label and its customs form as a PDF read back by poppler (text in Cyrillic and Chinese, the
barcodes decoding), a bad declaration file refused in one line with exit 1, the export matching."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

from station.postage.international import InternationalTable
from tests.cli_runner import Ran, run_station
from tests.renderers import decode, ink, likeness, pdf_pages, reference_text

NOTO_SANS = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
DECLARATION = {
    "category": "sale",
    "items": [
        {
            "description": "leather hiking boots",
            "quantity": 1,
            "value": "480.00",
            "currency": "USD",
            "weight_g": 1400,
            "hs_code": "6403.91",
            "origin_country": "IT",
        }
    ],
    "invoice": "INV-2026-0042",
}


QUOTE_1KG = ("postage", "quote", "--weight", "1kg", "--from", "10001")


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, home=home)


def accept_abroad(home: Path, customs: Path, out: Path, *extra: str) -> Ran:
    return station(
        home,
        "accept",
        "--new-s10",
        "--weight",
        "2kg",
        "--from-zip",
        "10001",
        "--from",
        "Ann Smith|1 Main St|New York NY 10001",
        "--to",
        "Иван Петров|ул. Тверская, д. 7, кв. 5",
        "--to-city",
        "Москва",
        "--to-area",
        "Москва",
        "--to-postcode",
        "125009",
        "--to-country",
        "ru",
        "--customs",
        str(customs),
        "--label-format",
        "pdf",
        "--out",
        str(out),
        *extra,
    )


def test_a_parcel_to_russia_prints_its_label_and_cn23_copies_and_exports_its_data(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "500.00").returncode == 0
    customs = tmp_path / "boots.json"
    customs.write_text(json.dumps(DECLARATION), encoding="utf-8")
    done = accept_abroad(tmp_path, customs, tmp_path / "label.pdf", "--receipt", str(tmp_path / "r.pdf"))
    assert done.returncode == 0, done.stderr
    tracking = done.stdout.split()[1]
    assert tracking.startswith("CP") and tracking.endswith("US")
    pages = pdf_pages((tmp_path / "label.pdf").read_bytes(), 203)
    copies = InternationalTable.for_date(date.today()).cn23_copies("RU")
    assert len(pages) == 1 + copies  # the label, then a CN 23 (480 USD is over 300 SDR) in its copies
    for page in pages:
        assert ("]C0", tracking.encode()) in {(aim, data) for _f, aim, data in decode(page)}
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "label.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Иван Петров" in text and "RUSSIAN FEDERATION" in text
    assert text.count("CUSTOMS DECLARATION CN 23") == copies and f"Copy {copies} of {copies}" in text
    assert "leather hiking boots" in text and "HS 640391" in text and "Invoice INV-2026-0042" in text
    # The addressee's name on the label, rasterised by poppler, looks like the name drawn by HarfBuzz.
    name = ink(pages[0], (60, 430, 780, 490))
    assert likeness(name, reference_text("Иван Петров", NOTO_SANS.parent / "NotoSans-Bold.ttf")) >= 0.7
    receipt = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "to Иван Петров, RUSSIAN FEDERATION" in receipt

    exported = station(tmp_path, "export", "customs", str(tmp_path / "itmatt.json"))
    assert exported.returncode == 0 and exported.stdout.startswith("1 customs record(s) of ")
    record = json.loads((tmp_path / "itmatt.json").read_text(encoding="utf-8"))["items"][0]
    assert record["item_id"] == tracking and record["form"] == "CN 23" and record["category"] == "sale"
    assert record["invoice"] == "INV-2026-0042" and record["addressee"]["country"] == "RU"
    assert record["contents"][0]["hs_code"] == "640391" and record["contents"][0]["value"] == "480.00"


def test_bad_declaration_files_are_refused_in_one_line_and_nothing_is_charged(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "500.00").returncode == 0
    vague = {**DECLARATION, "items": [{**DECLARATION["items"][0], "description": "goods"}]}  # type: ignore[dict-item]
    cases = {
        "vague.json": (json.dumps(vague).encode(), "'goods' does not say what it is"),
        "nan.json": (
            b'{"category": "gift", "items": [{"value": NaN}]}',
            "not a number a customs form can hold",
        ),
        "latin1.json": ('{"category": "gift", "description": "Bücher"}'.encode("latin-1"), "not valid JSON"),
        "list.json": (b"[1, 2]", "a declaration is a JSON object"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        refused = accept_abroad(tmp_path, path, tmp_path / "l.pdf")
        assert refused.returncode == 1, (name, refused.stdout, refused.stderr)
        assert words in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    missing = accept_abroad(tmp_path, tmp_path / "nowhere.json", tmp_path / "l.pdf")
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    status = station(tmp_path, "meter", "status")
    assert "$500.00" in status.stdout  # nothing was charged
    assert not (tmp_path / "l.pdf").exists()
    domestic_customs = station(tmp_path, *QUOTE_1KG, "--to", "94105", "--customs", "x.json")
    assert domestic_customs.returncode == 2  # quote has no --customs: argparse's usage error


def test_a_quote_abroad_names_the_price_group(tmp_path: Path) -> None:
    quote = station(tmp_path, *QUOTE_1KG, "--to-country", "DE", "--product", "parcel")
    assert quote.returncode == 0, quote.stderr
    assert "International parcel: 10001 -> DE, price group 3" in quote.stdout
    own = station(tmp_path, *QUOTE_1KG, "--to-country", "US")
    assert own.returncode == 1 and "own country" in own.stderr


def test_a_declaration_file_too_large_to_be_one_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1_000_001)
    refused = accept_abroad(tmp_path, big, tmp_path / "l.pdf")
    assert refused.returncode == 1 and "too large for a customs declaration" in refused.stderr
