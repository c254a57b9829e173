"""The carrier desk at the door: a signed delivery keeps its proof, and an item is delivered once."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import TypedDict

import pytest
from PIL import Image, ImageDraw

from station.app import Station
from station.desks.carrier import CarrierDesk
from station.desks.scan import ScanDesk
from station.items.delivery import Signature, SignatureImage, SignatureRefused, load_signature
from station.items.tracking import track
from station.model.events import EventKind
from station.model.states import ItemStatus


class _Where(TypedDict):
    facility: str
    operator: str


WHERE: _Where = {"facility": "SF-DELIVERY", "operator": "joe"}
ITEM = "RR473124829GB"


def scribble() -> Signature:
    points = tuple((20 + t * 5.0, 60 - 25 * math.sin(t / 3) - 10 * math.cos(t / 1.3)) for t in range(61))
    return Signature((points,), 400, 120)


def signature_png() -> bytes:
    image = Image.new("L", (400, 120), 255)
    ImageDraw.Draw(image).line([(20 + t * 5, 60 - 25 * math.sin(t / 3)) for t in range(61)], fill=0, width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def carrier(station: Station, desk: ScanDesk) -> CarrierDesk:
    return CarrierDesk(station, desk)


def test_a_delivery_keeps_the_signature_and_a_proof_and_is_not_done_twice(
    carrier: CarrierDesk, station: Station
) -> None:
    assert carrier.load(ITEM, **WHERE).ok
    done = carrier.deliver(ITEM, scribble(), "  B.  Müller ", **WHERE)
    assert done.ok and done.message.startswith("delivered to B. Müller; proof of delivery ")
    pod = Path(done.details["proof_of_delivery"])
    assert pod.read_bytes().startswith(b"%PDF") and pod.parent == station.paths.proofs_of_delivery
    ref = done.details["signature_ref"]
    assert (station.paths.signatures / f"{ref}.png").exists() and (
        station.paths.signatures / f"{ref}.json"
    ).exists()
    first_pod = pod.read_bytes()
    again = carrier.deliver(ITEM, scribble(), "Someone Else", **WHERE)
    assert not again.ok and "already delivered" in (again.reason or "")
    assert pod.read_bytes() == first_pod and sorted(station.paths.proofs_of_delivery.iterdir()) == [pod]
    assert len(list(station.paths.signatures.glob("*.png"))) == 1  # no orphan signature for the refusal
    report = track(station.db, ITEM)
    assert report is not None and report.status is ItemStatus.DELIVERED and report.flags == []


def test_a_signature_picture_from_a_pad_is_accepted_and_a_blank_one_refused(
    carrier: CarrierDesk, tmp_path: Path
) -> None:
    blank = io.BytesIO()
    Image.new("L", (400, 120), 255).save(blank, "PNG")
    refused = carrier.deliver(ITEM, SignatureImage(blank.getvalue()), "Bo Lee", **WHERE)
    assert not refused.ok and "pad is empty" in (refused.reason or "")
    path = tmp_path / "pad.png"
    path.write_bytes(signature_png())
    signature = load_signature(path)
    assert isinstance(signature, SignatureImage)
    assert carrier.deliver(ITEM, signature, "Bo Lee", **WHERE).ok


def test_signature_files_that_are_not_signatures_are_named(tmp_path: Path) -> None:
    cases = {"a.txt": b"hello", "b.json": b'{"width": 10}', "c.json": b"\xff\xfe", "d.png": b"not a png"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    with pytest.raises(SignatureRefused, match=r"\.png picture or \.json strokes"):
        load_signature(tmp_path / "a.txt")
    for name in ("b.json", "c.json"):
        with pytest.raises(SignatureRefused, match="not signature strokes"):
            load_signature(tmp_path / name)
    with pytest.raises(SignatureRefused, match="not a picture"):
        load_signature(tmp_path / "d.png").check()
    strokes = {"width": 400, "height": 120, "strokes": [[[float("nan"), 1], [2, 3]]]}
    (tmp_path / "e.json").write_text(json.dumps(strokes))
    with pytest.raises(SignatureRefused, match="out of range"):
        load_signature(tmp_path / "e.json")


def test_attempt_delay_and_return_say_why_in_words(carrier: CarrierDesk, station: Station) -> None:
    carrier.load(ITEM, **WHERE)
    attempted = carrier.attempt(ITEM, "ADDRESSEE_ABSENT", **WHERE)
    assert attempted.ok and attempted.message == "attempted: addressee absent, notice left"
    assert not carrier.attempt(ITEM, "NOT_A_CODE", **WHERE).ok
    back = carrier.return_to_depot(ITEM, **WHERE)
    assert back.ok and back.stored is not None and back.stored.event.kind is EventKind.DELIVERY_OFFICE
    again = carrier.return_to_depot(ITEM, **WHERE)
    assert not again.ok and "not on a round" in (again.reason or "")
    delayed = carrier.delay("EE123456785US", "WEATHER", **WHERE)
    assert delayed.ok and delayed.message == "delayed: delayed by weather"


def test_a_sack_tag_is_not_an_item_at_the_door(carrier: CarrierDesk) -> None:
    refused = carrier.deliver("00106141411234567897", scribble(), "Bo Lee", **WHERE)
    assert not refused.ok and "not an item" in (refused.reason or "")


def test_issue_31_item_20_a_quick_signature_of_few_points_is_taken_and_a_tick_or_a_line_is_not() -> None:
    quick = Signature(
        (
            ((20, 80), (60, 30), (100, 85), (140, 35), (180, 80), (220, 40), (260, 90), (300, 45), (330, 80)),
            ((40, 100), (200, 95)),
        ),
        400,
        120,
    )  # 11 points, as a fast hand on a touch pad gives
    quick.check()
    for refused, why in (
        (Signature((tuple((20 + 28 * i, 60 + i % 2) for i in range(11)),), 400, 120), "a dot or a line"),
        (Signature((((20, 60), (40, 80), (70, 40)),), 400, 120), "too little ink"),  # a tick
        (Signature((((20, 60),),), 400, 120), "too little ink"),  # a dot
    ):
        with pytest.raises(SignatureRefused, match=why):
            refused.check()


def test_issue_31_item_12_loading_another_offices_parcel_or_one_never_received_here_is_said(
    carrier: CarrierDesk, station: Station, desk: ScanDesk
) -> None:
    station.config = replace(station.config, origin_zip="94105")  # a San Francisco delivery office
    here, elsewhere = "RR473124829GB", "EE123456785US"
    for item, zip_code in ((here, "94110"), (elsewhere, "10001")):
        accepted = desk.record(
            item,
            EventKind.ACCEPTANCE,
            facility="SF-MAIN",
            operator="ann",
            extra={"destination_zip": zip_code},
        )
        assert accepted.ok, accepted
    assert desk.record(here, EventKind.ARRIVAL, facility="SF-DELIVERY", operator="lee").ok
    ours = carrier.load(here, facility="SF-DELIVERY", operator="joe")
    assert ours.ok and ours.message == "on the round" and ours.details["doubts"] == []
    theirs = carrier.load(elsewhere, facility="SF-DELIVERY", operator="joe")
    assert theirs.ok  # loaded (the van has it), and said
    assert theirs.details["doubts"] == [
        "addressed to 100xx, not this office's 941xx",
        "never received here (last scanned at SF-MAIN)",
    ]
