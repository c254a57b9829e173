"""`station accept` end to end: one transaction, a verifiable indicia, refusals that charge nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli_runner import Ran, run_station
from tests.renderers import decode, pdf_pages


def station(home: Path, *args: str) -> Ran:
    return run_station(*args, env={"STATION_HOME": str(home)})


ACCEPT = [
    "accept",
    "--weight",
    "1.2kg",
    "--from-zip",
    "10001",
    "--to-zip",
    "94105",
    "--service",
    "priority",
    "--from",
    "Ann Sender|1 Main St|New York NY 10001",
    "--to",
    "Bob Müller|2 Łódź Ave|San Francisco CA 94105",
]


def test_accept_charges_the_meter_prints_a_verifiable_indicia_and_journals_the_scan(tmp_path: Path) -> None:
    (tmp_path / "station.toml").write_text(
        '[station]\ntracking_url = "https://track.example-post.org/"\n'
        'office_address = "1 Main St, New York NY"\n'
    )
    assert station(tmp_path, "meter", "init").returncode == 0
    refused = station(
        tmp_path, *ACCEPT, "--new-s10", "--label-format", "pdf", "--out", str(tmp_path / "l.pdf")
    )
    assert refused.returncode == 1 and "needs $36.77" in refused.stderr  # no funds yet: nothing charged
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    done = station(
        tmp_path,
        *ACCEPT,
        "--tracking",
        "EE123456785US",
        "--label-format",
        "pdf",
        "--out",
        str(tmp_path / "l.pdf"),
        "--receipt",
        str(tmp_path / "r.pdf"),
        "--certificate",
        str(tmp_path / "c.pdf"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ACCEPTED EE123456785US  postage $36.77  meter piece 1")
    assert "print job 1 queued" in done.stdout
    codes = {aim: data for _f, aim, data in decode(pdf_pages((tmp_path / "l.pdf").read_bytes())[0])}
    assert codes["]C0"] == b"EE123456785US"
    payload = codes["]d1"].decode()
    verified = station(
        tmp_path, "indicia", "verify", payload, "--tracking", "EE123456785US", "--weight", "1.2kg"
    )
    assert verified.returncode == 0 and "indicia GENUINE" in verified.stdout
    assert "postage $36.77" in verified.stdout
    meter = station(tmp_path, "meter", "status")
    assert "$63.23" in meter.stdout and "control sum                            OK" in meter.stdout
    tracked = station(tmp_path, "track", "EE123456785US")
    assert tracked.returncode == 0 and "acceptance" in tracked.stdout and "1200 g" in tracked.stdout
    certificate = subprocess.run(
        ["pdftotext", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert (
        "Certificate of Mailing" in certificate
        and "EE123456785US" in certificate
        and "PS000001 #1" in certificate
    )
    receipt = pdf_pages((tmp_path / "r.pdf").read_bytes())[0]
    qr = [data for _f, aim, data in decode(receipt) if aim == "]Q1"]
    assert qr == [b"https://track.example-post.org/track/EE123456785US"]  # the network's page, no placeholder
    words = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "1 Main St, New York NY" in words  # the office's address
    assert "to Bob Müller, San Francisco CA 94105" in words  # whom it goes to
    assert "expected by " in words  # priority's standard from today


def test_issue_31_item_19_a_receipt_for_several_pieces_links_them_all_and_one_without_a_page_says_so() -> (
    None
):
    from datetime import UTC, date, datetime

    from station.postage.receipt import Receipt, ReceiptLine

    whom = "Bo Lee, Seattle WA 98101"
    lines = tuple(
        ReceiptLine(item, "Ground Advantage", 500, 850, "PS000001", n, whom, date(2026, 12, 9))
        for n, item in enumerate(("EE123456785US", "RR473124829GB"), 1)
    )
    at = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    linked = Receipt("Main St", "ann", at, lines, basket=7, track_url="https://track.example-post.org")
    assert linked.qr_target == "https://track.example-post.org/track?ids=EE123456785US,RR473124829GB"
    text = linked.text_lines()
    assert "basket 7, 2 pieces" in text and "  expected by Wed 2026-12-09" in text and f"  to {whom}" in text
    bare = Receipt("Main St", "ann", at, lines)
    assert bare.qr_target == "" and bare.text_lines()[-1] == "Track with the number at any counter"


def test_accept_with_a_phone_number_asks_the_customer_to_opt_in(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    out = str(tmp_path / "l.zpl")
    bad = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", out, "--phone", "12")
    assert bad.returncode == 1 and "not a valid number" in bad.stderr
    assert "$100.00" in station(tmp_path, "meter", "status").stdout  # refused before anything was charged
    done = station(
        tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", out, "--phone", "(201) 555-0123"
    )
    assert "SMS updates to +12015550123: pending" in done.stdout
    outbox = station(tmp_path, "sms", "outbox", "--json")
    assert [m["template"] for m in json.loads(outbox.stdout)] == ["optin_request"]


def test_a_second_acceptance_of_the_same_item_is_refused_and_not_charged(tmp_path: Path) -> None:
    assert station(tmp_path, "meter", "init").returncode == 0
    assert station(tmp_path, "meter", "credit", "100.00").returncode == 0
    out = str(tmp_path / "l.zpl")
    assert station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", out).returncode == 0
    again = station(tmp_path, *ACCEPT, "--tracking", "EE123456785US", "--out", out)
    assert again.returncode == 1 and "already accepted" in again.stderr
    assert "$63.23" in station(tmp_path, "meter", "status").stdout


def test_indicia_verify_names_the_failed_check(tmp_path: Path) -> None:
    result = station(tmp_path, "indicia", "verify", "PSI1NOTREALLYANINDICIAATALL")
    assert result.returncode == 1
    assert "REJECTED: indicia damaged" in result.stdout


def test_postage_quote_prints_the_breakdown(tmp_path: Path) -> None:
    result = station(
        tmp_path,
        "postage",
        "quote",
        "--weight",
        "1.2kg",
        "--from",
        "10001",
        "--to",
        "94105",
        "--service",
        "priority",
        "--dims",
        "30x20x10cm",
        "--signature",
    )
    assert result.returncode == 0
    assert "signature on delivery" in result.stdout and "TOTAL" in result.stdout
    bad = station(tmp_path, "postage", "quote", "--weight=-1kg", "--from", "10001", "--to", "94105")
    assert bad.returncode == 1 and "negative" in bad.stderr
