"""At the door, as a shell sees it: a photo (faces blurred, hashed into the event, a swap caught by
`journal verify`), a safe place, a neighbour, and the proof of delivery that shows them."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
from pathlib import Path

import cv2
import numpy as np

from tests.cli_runner import Ran, run_station
from tests.hardware.photos import door_scene

ITEM = "EE123456785US"


def station(*args: str, home: Path) -> Ran:
    return run_station(*args, env={"STATION_HOME": str(home)})


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "door.png"
    cv2.imwrite(str(path), door_scene().image)
    return path


def _delivered_extra(home: Path) -> dict[str, object]:
    with sqlite3.connect(home / "station.sqlite3") as conn:
        (extra,) = conn.execute("SELECT extra FROM events WHERE kind = 'delivered'").fetchone()
    return dict(json.loads(extra))


def test_left_in_a_safe_place_with_a_photo_whose_swap_journal_verify_catches(tmp_path: Path) -> None:
    home = tmp_path / "home"
    station("load", ITEM, home=home)
    nophoto = station("deliver", ITEM, "--safe-place", "behind the side gate", home=home)
    assert nophoto.returncode == 1 and "--photo" in nophoto.stdout  # a safe place needs its photo
    done = station(
        "deliver",
        ITEM,
        "--photo",
        str(_photo(tmp_path)),
        "--safe-place",
        "behind the side gate",
        "--json",
        home=home,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["receiver"] == "safe-place"
    extra = _delivered_extra(home)
    assert extra["receiver"] == "safe-place" and extra["safe_place"] == "behind the side gate"
    kept = home / "photos" / f"{extra['photo']}.jpg"
    data = kept.read_bytes()
    assert len(data) <= 200_000 and kept.stat().st_mode & 0o077 == 0  # small, the owner's alone
    import hashlib

    assert extra["photo_sha256"] == hashlib.sha256(data).hexdigest()
    tracked = station("track", ITEM, home=home)
    assert "note: left in a safe place (photo)" in tracked.stdout  # the note other stations see
    assert "safe place: behind the side gate" in tracked.stdout  # where, from the event's extra
    assert f"photo {extra['photo']}" in tracked.stdout and "received by" not in tracked.stdout
    verified = station("journal", "verify", home=home)
    assert verified.returncode == 0 and "1 door photo(s) match their hashes" in verified.stdout
    opened = station(
        "case", "open", ITEM, "--kind", "not-delivered", "--note", "says it never came", home=home
    )
    assert opened.returncode == 0, opened.stdout
    case_file = station("case", "show", "1", home=home)
    assert f"door photo: {kept} (matches its event's hash)" in case_file.stdout

    # Another picture put in its place: the chain still holds, the photo does not.
    swapped = cv2.imencode(".jpg", np.full((400, 600, 3), 128, np.uint8))[1].tobytes()
    kept.write_bytes(swapped)
    caught = station("journal", "verify", home=home)
    assert caught.returncode == 1
    assert f"door photo of {ITEM}" in caught.stdout and "does not match the hash" in caught.stdout
    assert "DOES NOT HOLD: the photo" in station("case", "show", "1", home=home).stdout
    kept.unlink()
    gone = station("journal", "verify", home=home)
    assert gone.returncode == 1 and "missing" in gone.stdout


def test_a_neighbour_with_a_photo_and_the_addressee_with_signature_and_photo(tmp_path: Path) -> None:
    home = tmp_path / "home"
    photo = _photo(tmp_path)
    station("load", ITEM, "RR473124829GB", home=home)
    nameless = station("deliver", ITEM, "--photo", str(photo), "--neighbour", "No. 14", home=home)
    assert nameless.returncode == 1 and "name" in nameless.stdout
    done = station(
        "deliver", ITEM, "--photo", str(photo), "--neighbour", "No. 14", "--name", "Ann Lee", home=home
    )
    assert done.returncode == 0, done.stdout
    assert "received by a neighbour, Ann Lee at No. 14 (photo)" in done.stdout
    extra = _delivered_extra(home)
    assert extra["receiver"] == "neighbour" and extra["neighbour"] == {"name": "Ann Lee", "house": "No. 14"}
    tracked = station("track", ITEM, home=home).stdout
    assert "note: received by a neighbour (photo)" in tracked and "neighbour: Ann Lee, No. 14" in tracked

    strokes = [[[20 + t * 5, 60 - 25 * math.sin(t / 3)] for t in range(61)]]
    signature = tmp_path / "sig.json"
    signature.write_text(json.dumps({"width": 400, "height": 120, "strokes": strokes}))
    signed = station(
        "deliver",
        "RR473124829GB",
        "--signature",
        str(signature),
        "--name",
        "Bo Diaz",
        "--photo",
        str(photo),
        "--json",
        home=home,
    )
    assert signed.returncode == 0, signed.stdout
    answer = json.loads(signed.stdout)
    assert answer["receiver"] == "addressee" and answer["photo"].startswith("photo-")
    # The proof of delivery shows the photo (its second picture) beside the signature.
    pod = Path(answer["proof_of_delivery"])
    pages = subprocess.run(["pdfimages", "-list", str(pod)], capture_output=True, text=True, check=True)
    assert len([line for line in pages.stdout.splitlines()[2:] if line.strip()]) >= 2
    text = subprocess.run(["pdftotext", str(pod), "-"], capture_output=True, text=True, check=True).stdout
    assert "received by Bo Diaz (signed, photo)" in text


def test_a_photo_that_is_not_a_picture_or_not_there_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    station("load", ITEM, home=home)
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff\x00 not really")
    bad = station("deliver", ITEM, "--photo", str(junk), "--safe-place", "porch", home=home)
    assert bad.returncode == 1 and bad.stdout.startswith("REJECT junk.jpg is not a picture")
    missing = station(
        "deliver", ITEM, "--photo", str(tmp_path / "none.jpg"), "--safe-place", "porch", home=home
    )
    assert missing.returncode == 1 and missing.stdout.startswith("REJECT cannot read the photo")
    nocamera = station("deliver", ITEM, "--photo", "camera", "--safe-place", "porch", home=home)
    assert nocamera.returncode == 1 and "no camera" in nocamera.stdout
    assert station("track", ITEM, home=home).stdout.count("EMI") == 0  # nothing was delivered
    assert not (home / "photos").exists() or not list((home / "photos").iterdir())
