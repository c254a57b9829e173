"""At the door, at the counter and at the locker, on a real X server (Xvfb, xdotool): a parcel left in a
safe place with a photo from the camera (a video file: a person at the door, whose face is blurred before
it is kept); a customer's notice card (printed on a receipt printer over TCP, its barcode read back)
scanned at the Pickup screen and the item handed over with ID; a locker's door opened by a code typed on
the locker's own screen, the lock board on a pseudo-terminal."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from tests.hardware.photos import door_scene
from tests.pseudo_devices.lock_board import LockBoardEmulator
from tests.pseudo_devices.virtual_printer import VirtualPrinter
from tests.renderers import decode, escpos_raster
from tests.ui.x11 import Window, accept, funded, needs_x11, set_up_home, station, wait_for_window, window_on

pytestmark = needs_x11


def _sharpness(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x, y, w, h = box
    return float(
        cv2.Laplacian(cv2.cvtColor(image[y : y + h, x : x + w], cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
    )


def test_left_in_a_safe_place_with_a_photo_from_the_camera_its_face_blurred(
    display: str, tmp_path: Path
) -> None:
    scene = door_scene(960, 600)
    label_x, label_y, label_w, label_h = scene.label
    scene.image[label_y : label_y + label_h, label_x : label_x + label_w] = (
        255  # no code for the camera to scan
    )
    clip = tmp_path / "door.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 10, (960, 600))
    for _ in range(20):
        writer.write(scene.image)
    writer.release()
    home = set_up_home(tmp_path, f'[devices]\ncamera = "video://{clip}?loop=1"\nscale = "demo:?cycle=0"\n')
    funded(home)
    item = accept(home, tmp_path, "Bo Lee|2 Elm St|San Francisco CA 94105", "94105")
    with window_on(display, home, "F4") as window:
        window.scan(item)  # on the round
        window.answered()
        window.key("F8", "door_stage")
        window.scan(item)  # at the door
        window.answered()
        window.key("ctrl+p", "take_photo")
        taken = window.answered()[-1]
        window.key("ctrl+n", "next_handed")  # a neighbour
        window.key("ctrl+n", "next_handed")  # a safe place: the keyboard is in "where"
        window.type("behind the side gate")
        window.key("F9", "deliver")
        delivered = window.answered()[-1]
    assert taken[0] and "1 face(s) blurred" in taken[1], taken
    assert delivered[0], delivered
    with sqlite3.connect(home / "station.sqlite3") as conn:
        note, extra = conn.execute("SELECT note, extra FROM events WHERE kind = 'delivered'").fetchone()
    fields = json.loads(extra)
    assert note == "left in a safe place (photo)"  # where, in extra: the hub keeps it from other stations
    assert fields["receiver"] == "safe-place" and fields["safe_place"] == "behind the side gate"
    kept = (home / "photos" / f"{fields['photo']}.jpg").read_bytes()
    assert hashlib.sha256(kept).hexdigest() == fields["photo_sha256"]
    photo = cv2.imdecode(np.frombuffer(kept, np.uint8), cv2.IMREAD_COLOR)
    assert photo is not None
    assert photo.shape[:2] == (600, 960)
    assert _sharpness(photo, scene.face) < _sharpness(scene.image, scene.face) / 10  # the face blurred
    verified = station(home, "journal", "verify")
    assert verified.returncode == 0 and "1 door photo(s) match" in verified.stdout


def test_the_customers_notice_card_scanned_at_the_pickup_screen_hands_the_item_over(
    display: str, tmp_path: Path
) -> None:
    printer = VirtualPrinter()
    try:
        home = set_up_home(
            tmp_path,
            f'[devices]\ncamera = "off:"\nscale = "demo:?cycle=0"\nreceipt_printer = "{printer.url}"\n'
            'receipt_printer_profile = "escpos-80mm"\n',
        )
        funded(home)
        item = accept(home, tmp_path, "Ann Ode|9 Pike St|San Francisco CA 94110", "94110")
        for args in (("load", item), ("attempt", item, "--reason", "ADDRESSEE_ABSENT", "--notice")):
            assert station(home, *args).returncode == 0
        assert station(home, "print", "--printer", printer.url, "--wait", "10").returncode == 0
        card = {fmt: raw.decode() for fmt, _aim, raw in decode(escpos_raster(printer.jobs[-1]))}["Code 128"]
        assert station(home, "return", item).returncode == 0
        assert station(home, "hold", item, "--shelf", "B2").returncode == 0
        with window_on(display, home, "ctrl+shift+h") as window:  # the Pickup screen
            window.scan(card)  # the customer's card: the item and its code in one scan
            window.answered()
            window.type("7731")  # the last 4 of the passport shown
            window.key("F9", "hand_over")
            handed = window.answered()[-1]
    finally:
        printer.close()
    assert handed[0] and "handed over (pickup code, passport ...7731)" in handed[1], handed
    with sqlite3.connect(home / "station.sqlite3") as conn:
        (extra,) = conn.execute("SELECT extra FROM events WHERE kind = 'picked-up'").fetchone()
    assert json.loads(extra)["identity"] == {"kind": "passport", "last4": "7731", "name": ""}


def test_a_locker_door_opens_when_the_code_is_typed_on_the_lockers_screen(
    display: str, tmp_path: Path
) -> None:
    board = LockBoardEmulator(tmp_path / "ttyLOCK")
    board.close_after = 0.2
    item, phone = "EE123456785US", "+14155550123"
    home = set_up_home(
        tmp_path,
        f'[station]\nlocker_doors = "1-8:M"\nsms_gateway = "log:"\n[devices]\ncamera = "off:"\n'
        f'locker = "{board.url}"\n',
    )
    process = None
    try:
        assert station(home, "sms", "subscribe", item, "--phone", phone).returncode == 0
        assert station(home, "sms", "inbound", "--from", phone, "--body", "YES").returncode == 0
        assert station(home, "locker", "deposit", item, "--size", "M").returncode == 0
        assert station(home, "sms", "worker", "--once", "--gateway", "log:").returncode == 0
        texts = (home / "sms-sent.jsonl").read_text()
        code = re.findall(r"code to open it: (\d{6})", texts)[-1]
        env = {**os.environ, "DISPLAY": display}
        env.pop("QT_QPA_PLATFORM", None)
        with open(home / "gui.err", "ab") as errors:
            process = subprocess.Popen(
                [sys.executable, "-m", "ui.cli.main", "--home", str(home), "locker", "screen"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        window = Window(env, home)
        wait_for_window(window, "Parcel locker", process)
        window.logged_again(r"locker: window ready")
        window.xdotool("mousemove", "300", "200")
        window.type("000000")
        window.press("Return")
        window.logged_again(r"locker: refused")
        window.type(code)
        window.press("Return")
        window.logged_again(r"locker: door opened")
        shot = window.shot("opened")
    finally:
        if process is not None:
            process.terminate()
            process.wait(15)
        board.stop()
    assert board.opened == [1, 1]  # the deposit, then the customer's code
    with sqlite3.connect(home / "station.sqlite3") as conn:
        kinds = [
            k for (k,) in conn.execute("SELECT kind FROM events WHERE item_id = ? ORDER BY seq", (item,))
        ]
    assert kinds == ["locker-open", "held", "locker-open", "picked-up"]
    assert shot.stat().st_size > 0
