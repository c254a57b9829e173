"""Acceptance to another country: the address by the destination's rules, the S10 of the product, the
customs declaration checked, its form chosen by value and printed with the label, all journalled and
exported; a refusal charges nothing."""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from station.abroad.addresses import Address
from station.abroad.customs import Form
from station.app import Station
from station.desks.counter import Abroad, Acceptance, CounterDesk, Piece
from station.desks.customs import CustomsDesk
from station.desks.operators import OperatorDesk
from station.desks.printing import PrintDesk
from station.desks.voids import VoidDesk
from station.postage.indicia import decode as decode_indicia
from station.postage.international import InternationalTable
from station.printing.queue import PrintQueue
from tests.renderers import ZplRenderer, decode

MOSCOW = Address("RU", "Иван Петров", "ул. Тверская, д. 7, кв. 5", "Москва", "Москва", "", "125009")
BEIJING = Address("CN", "王小明", "建国路88号", "北京市", "北京市", "朝阳区", "100022")
LONDON = Address("GB", "Jane Doe", "10 Downing Street", "London", "", "", "SW1A 2AA")
SENDER = ("Ann Smith", "1 Main St", "New York NY 10001")


def gift(*lines: tuple[str, str, int, str], currency: str = "USD") -> dict[str, Any]:
    """A declaration of (description, value, weight_g, hs_code) lines."""
    return {
        "category": "gift",
        "items": [
            {
                "description": d,
                "quantity": 1,
                "value": v,
                "currency": currency,
                "weight_g": w,
                "hs_code": hs,
                "origin_country": "US",
            }
            for d, v, w, hs in lines
        ],
    }


SMALL_GIFT = gift(("cotton T-shirt", "25.00", 400, "6109.10"), ("paperback novel", "12.50", 300, "490199"))
DEAR_GIFT = gift(("mechanical wristwatch, steel", "650.00", 200, "9102.11"))


def parcel(address: Address, customs: Any = SMALL_GIFT, **changes: Any) -> Piece:
    piece = Piece(
        1000, "10001", "", "parcel", SENDER, (), abroad=Abroad(address, "parcel", customs), tracking=None
    )
    return replace(piece, **changes)


def _fund(station: Station, cents: int = 100_000) -> CounterDesk:
    desk = CounterDesk(station)
    assert desk.init_meter().ok and desk.credit(cents).ok
    return desk


def _accept(desk: CounterDesk, piece: Piece) -> Acceptance:
    done = desk.accept(piece, facility="NYC-COUNTER", operator="ann")
    assert isinstance(done, Acceptance), done.reason
    return done


def test_a_gift_parcel_to_russia_gets_a_cp_s10_a_cn22_and_its_declaration_journalled(
    station: Station,
) -> None:
    desk = _fund(station)
    done = _accept(desk, parcel(MOSCOW))
    assert done.tracking.startswith("CP") and done.tracking.endswith("US")
    assert done.quote.service_name == "International parcel"
    assert done.customs is not None and done.customs.form is Form.CN22
    assert done.customs.value_sdr == Decimal("37.50") * station.config.sdr().per_unit["USD"]
    assert [page.name for page in done.customs.pages] == ["cn22-4x6"]
    assert done.label_bytes.count(b"^XA") == 2  # the label and its CN 22, one job
    extra = done.event.event.extra
    assert extra["destination_country"] == "RU" and "destination_zip" not in extra
    assert extra["addressee"]["name"] == "Иван Петров" and extra["sender"] == list(SENDER)
    customs = extra["customs"]
    assert customs["form"] == "CN 22" and customs["total_value"] == "37.50" and customs["currency"] == "USD"
    assert [i["description"] for i in customs["items"]] == ["cotton T-shirt", "paperback novel"]
    assert customs["items"][0]["hs_code"] == "610910" and customs["gross_weight_g"] == 1000
    texts = [e.text for e in done.label.elements if hasattr(e, "text")]
    assert texts[texts.index("Иван Петров") :][:5][-1] == "RUSSIAN FEDERATION"  # the country last
    indicia, _record, _signature = decode_indicia(done.indicia)
    assert indicia.destination_zip == "RU" and indicia.category == "CP"
    assert "Иван Петров, RUSSIAN FEDERATION" in "\n".join(done.receipt.text_lines())


def test_above_300_sdr_a_cn23_prints_in_the_copies_the_table_asks_and_each_scans(
    station: Station, zpl_renderer: ZplRenderer
) -> None:
    desk = _fund(station)
    done = _accept(desk, parcel(BEIJING, DEAR_GIFT))
    copies = InternationalTable.for_date(station.clock().date()).cn23_copies("CN")
    assert copies >= 2
    assert done.customs is not None and done.customs.form is Form.CN23
    assert done.customs.value_sdr is not None and done.customs.value_sdr > 300
    assert [p.name for p in done.customs.pages] == ["cn23-4x6"] * copies
    images = zpl_renderer.render(done.label_bytes, 4, 6, 203)
    assert len(images) == 1 + copies
    for image in images:  # the label and every copy carry the item's barcode
        assert ("]C0", done.tracking.encode()) in {(aim, data) for _f, aim, data in decode(image)}


def test_five_kinds_of_content_need_a_cn23_whatever_their_value(station: Station) -> None:
    desk = _fund(station)
    lines = [(f"cotton sock pair {n}", "1.00", 50, "611595") for n in range(5)]
    done = _accept(desk, parcel(MOSCOW, gift(*lines)))
    assert done.customs is not None and done.customs.form is Form.CN23


@pytest.mark.parametrize(
    ("customs", "words"),
    [
        (gift(("gift", "10.00", 100, "950300")), "'gift' does not say what it is"),
        (gift(("spare parts", "10.00", 100, "870899")), "'spare parts' does not say what it is"),
        (gift(("wooden toy train", "10.00", 100, "95")), "hs_code must be the HS tariff number"),
        (gift(("wooden toy train", "10.00", 5000, "950300")), "more than the item's 1000 g"),
        (gift(("wooden toy train", "10.00", 100, "950300"), currency="XYZ"), "ISO 4217"),
        (gift(("wooden toy train", "NaN", 100, "950300")), "value must be a decimal amount"),
        (gift(("wooden toy train", "10.00", 100, "950300"), currency="SEK"), "no SDR rate set for SEK"),
        (None, "needs a customs declaration"),
        (b'{"category": "gift", "items": [{"value": NaN}]}', "not a number a customs form can hold"),
        (b"\xff\xfe not json", "not valid JSON"),
    ],
)
def test_a_bad_declaration_is_refused_with_its_reason_and_nothing_is_charged(
    station: Station, customs: Any, words: str
) -> None:
    desk = _fund(station)
    before = desk.meter().registers().descending
    refused = desk.accept(parcel(MOSCOW, customs), facility="NYC-COUNTER", operator="ann")
    assert not refused.ok and words in (refused.reason or ""), refused.reason
    assert desk.meter().registers().descending == before
    assert PrintQueue(station.db).jobs() == [] and station.journal.count() == 0


@pytest.mark.parametrize(
    ("address", "words"),
    [
        (replace(LONDON, postcode="SW1A 1AAA"), "postcode 'SW1A 1AAA' is not a postcode of UNITED KINGDOM"),
        (replace(MOSCOW, postcode="1250"), "is not a postcode of RUSSIAN FEDERATION"),
        (replace(MOSCOW, area=""), "the state, province or region is missing"),
        (replace(LONDON, country="XX"), "not an ISO 3166 country code"),
        (replace(LONDON, country="US", city="New York", postcode="10001", area="NY"), "own country"),
        (replace(LONDON, name="Somchai กรุงเทพ"), "no font of this station can print"),
    ],
)
def test_a_bad_address_abroad_is_refused_before_anything_is_charged(
    station: Station, address: Address, words: str
) -> None:
    desk = _fund(station)
    refused = desk.accept(parcel(address), facility="NYC-COUNTER", operator="ann")
    assert not refused.ok and words in (refused.reason or ""), refused.reason
    assert station.journal.count() == 0


def test_a_scanned_label_must_carry_the_products_service_indicator(station: Station) -> None:
    desk = _fund(station)
    wrong = desk.accept(parcel(LONDON, tracking="RR473124829US"), facility="NYC", operator="ann")
    assert not wrong.ok and "International parcel items carry CP labels" in (wrong.reason or "")
    impb = desk.accept(parcel(LONDON, tracking="9205590164917312345677"), facility="NYC", operator="ann")
    assert not impb.ok and "carries a UPU S10 label" in (impb.reason or "")
    done = _accept(desk, parcel(LONDON, tracking="CP123456785US"))
    assert done.tracking == "CP123456785US"


def test_a_letter_of_documents_goes_as_lx_without_a_form_and_a_registered_letter_as_rr(
    station: Station,
) -> None:
    desk = _fund(station)
    letter = replace(parcel(LONDON, None), weight_g=20, abroad=Abroad(LONDON, "letter", None))
    done = _accept(desk, letter)
    assert done.tracking.startswith("LX") and done.customs is not None and done.customs.pages == ()
    assert done.label_bytes.count(b"^XA") == 1 and "customs" not in done.event.event.extra
    registered = replace(letter, abroad=Abroad(LONDON, "registered", SMALL_GIFT), weight_g=900)
    done = _accept(desk, registered)
    assert done.tracking.startswith("RR") and done.customs is not None and done.customs.form is Form.CN22


def test_the_export_is_what_was_accepted_one_record_per_item(station: Station, tmp_path: Path) -> None:
    desk = _fund(station)
    small = _accept(desk, parcel(MOSCOW))
    dear = _accept(desk, parcel(BEIJING, DEAR_GIFT))
    voided = _accept(desk, parcel(LONDON))
    _accept(desk, replace(parcel(LONDON, None), weight_g=20, abroad=Abroad(LONDON, "letter", None)))
    domestic = Piece(1200, "10001", "94105", "priority", SENDER, ("Bob", "2 Market St", "SF CA 94105"))
    _accept(desk, domestic)
    staff = OperatorDesk(station)
    assert staff.add("root", "admin", "correct horse battery").ok
    assert staff.add("sue", "supervisor", "7392", by="root", by_pin="correct horse battery").ok
    void = VoidDesk(station).void(
        voided.tracking,
        supervisor="sue",
        pin="7392",
        reason="customer changed mind",
        facility="NYC",
        operator="ann",
    )
    assert void.ok, void.reason
    customs = CustomsDesk(station)
    day = station.clock().date()
    report = customs.export(tmp_path / "itmatt.json", day)
    assert report.items == 2 and report.path.exists()
    records = json.loads((tmp_path / "itmatt.json").read_text(encoding="utf-8"))["items"]
    assert [r["item_id"] for r in records] == [small.tracking, dear.tracking]
    first = records[0]
    assert first["addressee"] == {
        "name": "Иван Петров",
        "street": "ул. Тверская, д. 7, кв. 5",
        "city": "Москва",
        "area": "Москва",
        "district": "",
        "postcode": "125009",
        "country": "RU",
    }
    assert first["sender"] == {
        "name": "Ann Smith",
        "address": ["1 Main St", "New York NY 10001"],
        "country": "US",
    }
    assert first["category"] == "gift" and first["currency"] == "USD" and first["total_value"] == "37.50"
    assert first["gross_weight_g"] == 1000 and first["net_weight_g"] == 700 and first["form"] == "CN 22"
    assert first["postage"] == f"{small.quote.total_cents / 100:.2f}" and first["mail_class"] == "CP"
    assert [
        (c["description"], c["quantity"], c["net_weight_g"], c["value"], c["hs_code"])
        for c in first["contents"]
    ] == [
        ("cotton T-shirt", 1, 400, "25.00", "610910"),
        ("paperback novel", 1, 300, "12.50", "490199"),
    ]
    assert records[1]["form"] == "CN 23" and records[1]["addressee"]["name"] == "王小明"
    customs.export(tmp_path / "itmatt.csv", day)
    with open(tmp_path / "itmatt.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["item_id"] for r in rows] == [small.tracking, dear.tracking]
    assert rows[0]["content_2_description"] == "paperback novel" and rows[1]["content_2_description"] == ""
    assert rows[1]["addressee_city"] == "北京市" and rows[0]["total_value"] == "37.50"
    assert customs.export(tmp_path / "other.json", day.replace(day=day.day + 1)).items == 0


def test_a_reprint_of_a_label_abroad_prints_its_customs_form_again(station: Station) -> None:
    desk = _fund(station)
    done = _accept(desk, parcel(MOSCOW))
    reprint = PrintDesk(station).reprint(done.print_job, facility="NYC", operator="ann")
    assert reprint.ok and reprint.details["reprint"] == 1, reprint.reason
    job = next(j for j in PrintQueue(station.db).jobs() if j.id == reprint.details["print_job"])
    assert job.payload.count(b"^XA") == 2 and b"^FDCUSTOMS DECLARATION CN 22^FS" in job.payload
    assert job.payload != done.label_bytes  # rendered again, the banner marked REPRINT 1


def test_an_item_abroad_is_journalled_as_international_and_promises_no_domestic_delivery_day(
    station: Station, tmp_path: Path
) -> None:
    from station.desks.history import HistoryDesk
    from station.desks.track import TrackDesk
    from station.insight.eta import expected_delivery

    desk = _fund(station)
    done = _accept(desk, replace(parcel(LONDON, SMALL_GIFT), abroad=Abroad(LONDON, "express", SMALL_GIFT)))
    assert done.tracking.startswith("EE")
    assert done.event.event.extra["service"] == "intl-express"  # not domestic express's 1-day standard
    found = TrackDesk(station).look_up(done.tracking)
    assert found.report is not None and expected_delivery(found.report) is None
    assert found.expected is None and found.estimate is None and found.expected_text == ""
    # The history export of an item abroad imports into another station as it is.
    HistoryDesk(station).export_file(tmp_path / "events.csv")
    with Station.open(tmp_path / "other.sqlite3", replace(station.config, station_id="STN-T2")) as other:
        imported = HistoryDesk(other).import_file(tmp_path / "events.csv")
    assert imported.ok and imported.added == 1, imported.errors


def test_the_receipt_at_payment_names_the_addressee_and_country_of_an_item_abroad(station: Station) -> None:
    from station.desks.basket import BasketDesk, Paid

    _fund(station)
    devices = replace(station.config.devices, receipt_printer_profile="pdf-300")  # a receipt to read back
    station.config = replace(station.config, devices=devices)
    baskets = BasketDesk(station)
    opened = baskets.open("ann")
    number = int(opened.details["basket"])
    done = CounterDesk(station).accept(parcel(MOSCOW), facility="NYC", operator="ann", basket=number)
    assert isinstance(done, Acceptance), done.reason
    paid = baskets.pay_cash(number, 20_000, facility="NYC", operator="ann")
    assert isinstance(paid, Paid) and paid.receipt_job is not None, paid
    job = next(j for j in PrintQueue(station.db).jobs() if j.id == paid.receipt_job)
    text = subprocess.run(["pdftotext", "-", "-"], input=job.payload, capture_output=True, check=True).stdout
    assert "to Иван Петров, RUSSIAN FEDERATION" in text.decode()  # read back by poppler


def test_issue_31_item_8_track_and_search_keep_every_part_of_a_japanese_address(station: Station) -> None:
    from station.desks.track import TrackDesk

    tokyo = Address("JP", "山田太郎", "丸の内1-1-1", "千代田区", "東京都", "", "100-0005")
    done = _accept(_fund(station), parcel(tokyo))
    desk = TrackDesk(station)
    found = desk.look_up(done.tracking)
    shown = found.to_json()
    assert "千代田区" in json.dumps(shown, ensure_ascii=False), shown  # the city the window asked for
    hits = desk.search("山田太郎").hits
    assert [h.item_id for h in hits] == [done.tracking] and "千代田区" in hits[0].address
