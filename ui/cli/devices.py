"""`station decode`: barcodes in images and video files, as the webcam scanner would read them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from station.errors import ExitCode
from ui.cli.common import printable

VIDEO_SUFFIXES = {".avi", ".mp4", ".mkv", ".mov", ".webm", ".mjpg", ".mjpeg"}
MAX_PIXELS = 100_000_000  # a 100-megapixel still is far beyond any camera or scanner the station meets


def _unreadable(path: Path) -> str | None:
    """Why a file cannot be decoded (before it is loaded), or None."""
    try:
        if not path.is_file():
            return "no such file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return None
    from PIL import Image

    try:
        with Image.open(path) as image:  # reads the header only
            width, height = image.size
    except Image.DecompressionBombError as exc:
        return f"image too large to decode ({exc})"
    except (OSError, ValueError):
        return None  # not a format Pillow knows: OpenCV may still read it, and says so if not
    if width * height > MAX_PIXELS:
        return f"image too large to decode ({width}x{height} pixels, at most {MAX_PIXELS // 1_000_000} MP)"
    return None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `decode`."""
    p = sub.add_parser("decode", help="decode barcodes in image and video files")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="images (png, jpg, webp ...) or videos (avi, mp4 ...)"
    )
    p.add_argument(
        "--json", action="store_true", help="print a JSON list of {file, frame, symbology, text, ...}"
    )
    p.set_defaults(func=cmd_decode)


def cmd_decode(args: argparse.Namespace) -> int:
    """Exit 0 when codes were found, 1 when none were, 2 when a file could not be read."""
    import cv2

    from hardware.camera.decoder import Decoded, decode_frame, decode_zxing

    rows: list[dict[str, Any]] = []
    unreadable = 0

    def add(path: str, frame: int | None, codes: list[Decoded]) -> None:
        for d in codes:
            rows.append(
                {
                    "file": path,
                    "frame": frame,
                    "symbology": d.symbology,
                    "aim": d.aim,
                    "text": d.text,
                    "engine": d.engine,
                    "polygon": [list(p) for p in d.polygon],
                }
            )

    for name in args.paths:
        path = Path(name)
        problem = _unreadable(path)
        if problem is not None:  # one bad file is named and skipped; the others are still read
            print(printable(f"{name}: {problem}"), file=sys.stderr)
            unreadable += 1
            continue
        if path.suffix.lower() in VIDEO_SUFFIXES:
            cap = cv2.VideoCapture(str(path))
            if not cap.isOpened():
                print(f"{name}: not a video OpenCV can play", file=sys.stderr)
                unreadable += 1
                continue
            index = 0
            while True:
                ok, image = cap.read()
                if not ok:
                    break
                index += 1
                add(name, index, decode_zxing(image))
            cap.release()
            if index == 0:
                print(f"{name}: video has no frames", file=sys.stderr)
                unreadable += 1
        else:
            try:
                still = cv2.imread(str(path), cv2.IMREAD_COLOR)
            except cv2.error as exc:  # OpenCV's own limits (size, a damaged file): this file only
                print(
                    printable(f"{name}: OpenCV cannot read it ({str(exc).strip().splitlines()[-1]})"),
                    file=sys.stderr,
                )
                unreadable += 1
                continue
            if still is None:
                print(f"{name}: not an image OpenCV can read", file=sys.stderr)
                unreadable += 1
                continue
            add(name, None, decode_frame(still))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            where = r["file"] if r["frame"] is None else f"{r['file']} frame {r['frame']}"
            text = r["text"].replace("\x1d", "<GS>")
            print(f"{where}: {r['symbology']} {r['aim'] or ''} {text}")
        if not rows:
            print("no barcodes found", file=sys.stderr)
    if unreadable:
        return ExitCode.REFUSED
    return ExitCode.DONE if rows else ExitCode.REFUSED
