"""`station decode`: barcodes in images and video files, as the webcam scanner would read them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

VIDEO_SUFFIXES = {".avi", ".mp4", ".mkv", ".mov", ".webm", ".mjpg", ".mjpeg"}


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
        if not path.is_file():
            print(f"{name}: no such file", file=sys.stderr)
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
            still = cv2.imread(str(path), cv2.IMREAD_COLOR)
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
        return 2
    return 0 if rows else 1
