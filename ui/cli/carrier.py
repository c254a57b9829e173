"""`station load|deliver|attempt|delay|return`: the carrier desk's use cases."""

from __future__ import annotations

import argparse
from pathlib import Path

from station.desks.carrier import DOOR_REASONS
from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.errors import ExitCode
from station.items.delivery import SignatureRefused, load_signature
from station.model.events import REASON_CODES
from ui.cli.common import Subcommands, add_json, add_where, answer, open_station, secret, where


def _reasons(codes: tuple[str, ...] | list[str]) -> str:
    return "; ".join(f"{code} = {REASON_CODES[code].lower()}" for code in codes)


def register(sub: Subcommands) -> None:
    """Add the carrier's commands."""
    load = sub.add_parser("load", help="put items on the round (out for delivery)")
    load.add_argument("items", nargs="+", metavar="ITEM")
    load.set_defaults(func=cmd_load)
    deliver = sub.add_parser(
        "deliver",
        help="delivered: signed by the addressee or a neighbour, left in a safe place, or against a code",
        epilog="a photo's faces are blurred and it is shrunk to at most 200 KB before it is kept; its"
        " SHA-256 goes into the delivery event",
    )
    deliver.add_argument("item", metavar="ITEM")
    deliver.add_argument("--signature", type=Path, help="the pad's .png, or .json strokes")
    deliver.add_argument("--code", help="the delivery code the recipient tells you (PIN on delivery)")
    deliver.add_argument(
        "--photo",
        metavar="FILE|camera",
        help="a photo of the parcel at the door (a JPEG or PNG, or 'camera')",
    )
    deliver.add_argument("--name", help="the recipient's (or the neighbour's) name as they print it")
    deliver.add_argument(
        "--safe-place", default="", metavar="WHERE", help="left there, in words (with --photo)"
    )
    deliver.add_argument("--neighbour", default="", metavar="HOUSE", help="handed to a neighbour at HOUSE")
    deliver.add_argument("--supervisor", metavar="NAME", help="to deliver an item delivered already")
    deliver.add_argument(
        "--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)"
    )
    deliver.add_argument("--reason", default="", help="why it is delivered again")
    deliver.set_defaults(func=cmd_deliver)
    attempt = sub.add_parser(
        "attempt", help="could not deliver", epilog="reasons at the door: " + _reasons(DOOR_REASONS)
    )
    delay = sub.add_parser("delay", help="held back (weather, capacity, customs...)")
    for verb, p in (("attempt", attempt), ("delay", delay)):
        p.add_argument("item", metavar="ITEM")
        p.add_argument(
            "--reason",
            required=True,
            choices=list(REASON_CODES),
            metavar="CODE",
            help="why: " + _reasons(list(REASON_CODES)),
        )
        p.set_defaults(func=cmd_not_delivered, verb=verb)
    attempt.add_argument(
        "--notice",
        action="store_true",
        help="print a notice card on the receipt printer (where and until when it waits, a pickup code, a QR"
        " code to the tracking page) and text the code to opted-in numbers",
    )
    back = sub.add_parser("return", help="the carrier brought the item back to the delivery office")
    back.add_argument("item", metavar="ITEM")
    back.set_defaults(func=cmd_return)
    for p in (load, deliver, attempt, delay, back):
        add_where(p)
        add_json(p)


def cmd_load(args: argparse.Namespace) -> int:
    """Each item on the round; exit 1 when any was refused."""
    refused = 0
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station).carrier
        for item in args.items:
            refused += answer(desk.load(item, facility=facility, operator=operator), args.json)
    return ExitCode.REFUSED if refused else ExitCode.DONE


def cmd_deliver(args: argparse.Namespace) -> int:
    """Delivered with a signature or a photo (to the addressee, a neighbour, a safe place), or against
    the recipient's delivery code."""
    if args.code is not None:
        if args.signature or args.photo or args.safe_place or args.neighbour:
            return answer(Outcome.refused("--code stands alone: the code is the proof", args.item), args.json)
        with open_station(args) as station:
            facility, operator = where(args, station)
            done = Desks(station).carrier.deliver_by_code(
                args.item, args.code, facility=facility, operator=operator
            )
        return answer(done, args.json)
    signature = None
    if args.signature is not None:
        try:
            signature = load_signature(args.signature)
        except SignatureRefused as exc:
            return answer(Outcome.refused(str(exc), args.item), args.json)
    elif not args.photo:
        return answer(
            Outcome.refused("give --signature FILE, --photo FILE|camera or --code CODE", args.item), args.json
        )
    with open_station(args) as station:
        photo = None
        if args.photo:
            taken = door_photo_of(args.photo, station.config.devices.camera)
            if isinstance(taken, Outcome):
                return answer(taken, args.json)
            photo = taken
        facility, operator = where(args, station)
        done = Desks(station).carrier.deliver(
            args.item,
            signature,
            args.name or "",
            facility=facility,
            operator=operator,
            photo=photo,
            safe_place=args.safe_place,
            neighbour_house=args.neighbour,
            supervisor=args.supervisor,
            pin=secret(args.pin),
            reason=args.reason,
        )
    return answer(done, args.json)


def door_photo_of(source: str, camera_url: str) -> bytes | Outcome:
    """The photo to keep (faces blurred, at most 200 KB) from a picture file or, for 'camera', from the
    configured camera."""
    from hardware.camera.photo import PhotoRefused, door_photo, read_picture, take_photo
    from hardware.urls import DeviceUrlError

    try:
        if source == "camera":
            pixels = take_photo(camera_url)
        else:
            path = Path(source)
            try:
                data = path.read_bytes()
            except OSError as exc:
                return Outcome.refused(f"cannot read the photo {path}: {exc.strerror or exc}")
            pixels = read_picture(data, path.name)
        return door_photo(pixels).jpeg
    except (PhotoRefused, DeviceUrlError) as exc:
        return Outcome.refused(str(exc))


def cmd_not_delivered(args: argparse.Namespace) -> int:
    """Attempted or delayed."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station).carrier
        if args.verb == "attempt":
            done = desk.attempt(
                args.item, args.reason, facility=facility, operator=operator, notice=args.notice
            )
        else:
            done = desk.delay(args.item, args.reason, facility=facility, operator=operator)
    return answer(done, args.json)


def cmd_return(args: argparse.Namespace) -> int:
    """Back at the delivery office."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).carrier.return_to_depot(args.item, facility=facility, operator=operator)
    return answer(done, args.json)
