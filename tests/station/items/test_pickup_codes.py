"""Pickup codes and door photos at the rule level: what is kept, when a code opens, when it locks."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from pathlib import Path

import pytest

from station.app import Station
from station.items import photos, pickups
from station.items.pickups import CodeState

ITEM = "EE123456785US"
OTHER = "RR473124829GB"


def _issue(station: Station, item: str = ITEM) -> str:
    with station.db.transaction() as conn:
        return pickups.issue(conn, station.paths.keys, item, "2026-12-08T10:00:00+00:00")


def test_a_code_is_six_digits_kept_as_an_hmac_under_a_private_key(station: Station) -> None:
    code = _issue(station)
    assert len(code) == 6 and code.isdigit()
    key = station.paths.keys / pickups.KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    with station.db.reading() as conn:
        row = conn.execute(
            "SELECT code_mac, state, wrong FROM pickup_codes WHERE item_id = ?", (ITEM,)
        ).fetchone()
        assert tuple(row)[1:] == ("issued", 0)
        assert code not in str(row[0]) and len(row[0]) == 64
        assert pickups.state_of(conn, ITEM) is CodeState.ISSUED
        assert pickups.state_of(conn, OTHER) is None


def test_the_right_code_opens_once_and_wrong_ones_count_to_a_lock(station: Station) -> None:
    code = _issue(station)
    keys = station.paths.keys
    with station.db.transaction() as conn:
        first = pickups.check(conn, keys, ITEM, "000000" if code != "000000" else "111111")
        assert (first.ok, first.state, first.left) == (False, CodeState.ISSUED, 2)
        assert first.reason == "wrong code: 2 more tries"
        second = pickups.check(conn, keys, ITEM, "12345")  # not 6 digits: wrong too
        assert (second.ok, second.left, second.reason) == (False, 1, "wrong code: 1 more try")
        spaced = pickups.check(conn, keys, ITEM, f" {code[:3]} {code[3:]} ")  # typed with spaces: the code
        assert (spaced.ok, spaced.state) == (True, CodeState.USED)
        again = pickups.check(conn, keys, ITEM, code)
        assert (again.ok, again.state, again.reason) == (False, CodeState.USED, "this code was used already")
        assert conn.execute("SELECT wrong FROM pickup_codes WHERE item_id = ?", (ITEM,)).fetchone()[0] == 2


def test_three_wrong_codes_lock_even_the_right_one(station: Station) -> None:
    code = _issue(station)
    wrong = "000000" if code != "000000" else "111111"
    keys = station.paths.keys
    with station.db.transaction() as conn:
        for _ in range(2):
            assert not pickups.check(conn, keys, ITEM, wrong).ok
        third = pickups.check(conn, keys, ITEM, wrong)
        assert (third.state, third.left, third.reason) == (
            CodeState.LOCKED,
            0,
            "wrong code, 3 in all: the code is locked",
        )
        locked = pickups.check(conn, keys, ITEM, code)
        assert not locked.ok and locked.state is CodeState.LOCKED and "3 wrong codes" in locked.reason
        none = pickups.check(conn, keys, OTHER, code)
        assert not none.ok and none.state is None and "no pickup code" in none.reason


def test_a_new_code_replaces_the_old_and_clears_its_wrong_count(station: Station) -> None:
    old = _issue(station)
    keys = station.paths.keys
    with station.db.transaction() as conn:
        pickups.check(conn, keys, ITEM, "abcdef")
    new = _issue(station)
    with station.db.transaction() as conn:
        assert conn.execute("SELECT wrong FROM pickup_codes WHERE item_id = ?", (ITEM,)).fetchone()[0] == 0
        if old != new:
            assert not pickups.matches(conn, keys, ITEM, old)
        assert pickups.matches(conn, keys, ITEM, new)


def test_matches_counts_nothing_and_a_used_code_matches_nothing(station: Station) -> None:
    code = _issue(station)
    _issue(station, OTHER)
    keys = station.paths.keys
    with station.db.transaction() as conn:
        assert pickups.matches(conn, keys, ITEM, code)
        assert not pickups.matches(conn, keys, ITEM, "12345")
        assert not pickups.matches(conn, keys, ITEM, "x" * 6)
        assert not pickups.matches(conn, keys, OTHER, code) or code == ""  # each item has its own code
        assert not pickups.matches(conn, keys, "CP000000005US", code)
        assert conn.execute("SELECT sum(wrong) FROM pickup_codes").fetchone()[0] == 0
        pickups.use(conn, ITEM)
        assert not pickups.matches(conn, keys, ITEM, code)
        assert pickups.state_of(conn, ITEM) is CodeState.USED


def test_a_code_made_with_another_key_does_not_open(station: Station, tmp_path: Path) -> None:
    code = _issue(station)
    elsewhere = tmp_path / "other-keys"
    with station.db.reading() as conn:
        assert not pickups.matches(conn, elsewhere, ITEM, code)  # a copied database gives no code away


def _jpeg(shade: int = 128) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 60), (shade, shade, shade)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg()


def test_a_photo_is_kept_once_private_and_hashed(tmp_path: Path) -> None:
    kept = photos.keep(JPEG, tmp_path / "photos")
    assert kept.ref.startswith("photo-") and kept.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert kept.extra() == {"photo": kept.ref, "photo_sha256": kept.sha256}
    path = photos.path_of(tmp_path / "photos", kept.ref)
    assert path.read_bytes() == JPEG and path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "photos").stat().st_mode & 0o777 == 0o700
    assert photos.read(tmp_path / "photos", kept.ref, kept.sha256) == JPEG
    with pytest.raises(photos.PhotoNotKept, match="does not match"):
        photos.read(tmp_path / "photos", kept.ref, "0" * 64)
    with pytest.raises(photos.PhotoNotKept, match="missing"):
        photos.read(tmp_path / "photos", "photo-nothing", kept.sha256)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\x89PNG\r\n", "not a JPEG"),
        (b"\xff\xd8\xff" + b"\x00" * 200_000, "at most 200,000"),
        (b"\xff\xd8\xff\xe0 broken", "not a picture"),
    ],
)
def test_a_photo_that_is_no_small_readable_jpeg_is_not_kept(tmp_path: Path, data: bytes, said: str) -> None:
    with pytest.raises(photos.PhotoNotKept, match=said):
        photos.keep(data, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ref", ["../keys/meter", "photo-../../x", "sig-1234", "photo-a/b"])
def test_a_reference_never_names_a_folder(tmp_path: Path, ref: str) -> None:
    with pytest.raises(photos.PhotoNotKept, match="not a photo reference"):
        photos.path_of(tmp_path, ref)


def test_the_hub_is_offered_each_own_photo_once_after_its_event(station: Station) -> None:
    from station.desks.carrier import CarrierDesk

    kept_refs = []
    for item in (ITEM, OTHER):
        assert CarrierDesk(station).load(item, facility="SFO", operator="joe").ok
        done = CarrierDesk(station).deliver(
            item, None, "", photo=JPEG, safe_place="the porch", facility="SFO", operator="joe"
        )
        assert done.ok, done.reason
        kept_refs.append(done.details["photo"])
    with station.db.transaction() as conn:
        me = station.station_id
        assert photos.waiting_for_hub(conn, me, 0) == []  # nothing at the hub yet: its events first
        waiting = photos.waiting_for_hub(conn, me, 10**6)
        assert [ref for _item, ref, _sha in waiting] == kept_refs
        photos.mark_at_hub(conn, kept_refs[0], "now")
        photos.mark_at_hub(conn, kept_refs[0], "again")  # twice is once
        assert [ref for _item, ref, _sha in photos.waiting_for_hub(conn, me, 10**6)] == kept_refs[1:]
        photos.looked_through(conn, 10**6)  # the next sync reads on from here: nothing again
        assert photos.waiting_for_hub(conn, me, 10**6) == []
        checked, problems = photos.check_all(conn, station.paths.photos)
    assert (checked, problems) == (2, [])


def test_check_all_names_each_missing_or_swapped_photo(station: Station) -> None:
    from station.desks.carrier import CarrierDesk

    assert CarrierDesk(station).load(ITEM, facility="SFO", operator="joe").ok
    done = CarrierDesk(station).deliver(
        ITEM, None, "", photo=JPEG, safe_place="porch", facility="SFO", operator="joe"
    )
    path = photos.path_of(station.paths.photos, str(done.details["photo"]))
    path.write_bytes(_jpeg(30))
    with station.db.reading() as conn:
        checked, problems = photos.check_all(conn, station.paths.photos)
    assert checked == 1 and [(p.item_id, p.ref) for p in problems] == [(ITEM, done.details["photo"])]
    assert "does not match" in problems[0].problem
    assert isinstance(conn, sqlite3.Connection)


def test_a_delivery_with_a_photo_that_cannot_be_read_is_refused_and_leaves_nothing(station: Station) -> None:
    from station.desks.carrier import CarrierDesk

    assert CarrierDesk(station).load(ITEM, facility="SFO", operator="joe").ok
    broken = b"\xff\xd8\xff\xe0 half a photo"
    done = CarrierDesk(station).deliver(
        ITEM, None, "", photo=broken, safe_place="porch", facility="SFO", operator="joe"
    )
    assert not done.ok and "not a picture" in str(done.reason)
    assert [s.event.kind for s in station.journal.events_for(ITEM)] == ["out-for-delivery"]
    assert not station.paths.photos.exists() or list(station.paths.photos.iterdir()) == []
