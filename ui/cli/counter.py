"""`station postage quote`, `station accept` (the counter desk), `station meter status|credit` and
`station indicia verify`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from station.abroad.addresses import Address
from station.desks.counter import Abroad, Acceptance, Piece, price
from station.desks.factory import Desks
from station.desks.postage_checks import record_alert, verify_indicia
from station.errors import ExitCode
from station.labels.render import FORMATS
from station.model.inputs import address_lines, parse_cents, parse_weight_g
from station.paths import replace_private
from station.postage.indicia import MeterKeyError, MeterKeys
from station.postage.rates import Dimensions, RateError, money
from station.postage.receipt import certificate_of_mailing, receipt_escpos, receipt_pdf
from ui.cli.common import (
    RECORD_NUMBER,
    Subcommands,
    add_hub,
    answer,
    hub_of,
    open_station,
    printable,
    secret,
    where,
)


def register(sub: Subcommands) -> None:
    """Add `postage`, `meter`, `indicia` and `accept`."""
    p = sub.add_parser("postage", help="postage rates")
    a = p.add_subparsers(dest="postage_command", required=True, metavar="ACTION")
    q = a.add_parser("quote", help="price one piece, broken down (--all: every service side by side)")
    q.add_argument(
        "--all",
        action="store_true",
        help="every service side by side: price, expected day and 80%% day, cheapest and fastest marked",
    )
    q.add_argument("--json", action="store_true", help="with --all: one JSON list")
    _piece_args(q, zips_as_from_to=True)
    q.set_defaults(func=cmd_quote)

    m = sub.add_parser("meter", help="the postage meter's registers")
    ma = m.add_subparsers(dest="meter_command", required=True, metavar="ACTION")
    init = ma.add_parser("init", help="make (or keep) the meter's signing key, enrol it, seal the registers")
    init.add_argument("--json", action="store_true")
    init.set_defaults(func=cmd_meter_init)
    ma.add_parser("status", help="registers, piece count, control sum, seal").set_defaults(
        func=cmd_meter_status
    )
    c = ma.add_parser("credit", help="add funds, e.g. 100.00")
    c.add_argument("amount", help="dollars and cents, e.g. 250.00")
    c.add_argument("--supervisor", metavar="NAME", help="who authorises it (once there are operators)")
    c.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")
    c.add_argument("--facility", help="default: the station's facility")
    c.add_argument("--operator", help="default: the station's operator")
    c.set_defaults(func=cmd_meter_credit)

    i = sub.add_parser("indicia", help="postage indicia")
    ia = i.add_subparsers(dest="indicia_command", required=True, metavar="ACTION")
    v = ia.add_parser("verify", help="check a scanned indicia (exit 1 naming the failed check)")
    v.add_argument("payload", help="the DataMatrix text as the scanner delivers it")
    v.add_argument("--tracking", help="the item the indicia is on")
    v.add_argument("--weight", help="measured weight, to check for underpayment")
    v.add_argument("--service", help="service, if the rate category is ambiguous")
    v.add_argument("--facility", default="COUNTER")
    v.add_argument("--operator", default="clerk")
    v.set_defaults(func=cmd_verify)

    acc = sub.add_parser("accept", help="a whole counter acceptance: quote, meter, indicia, label, scan")
    add_hub(acc)
    tracking = acc.add_mutually_exclusive_group(required=True)
    tracking.add_argument("--tracking", help="the item's S10 or IMpb")
    tracking.add_argument(
        "--new-s10", nargs="?", const="CP", metavar="SERVICE", help="allocate an S10 (default CP)"
    )
    _piece_args(acc)
    acc.add_argument("--from", dest="sender", default="", help="sender, lines separated by |")
    acc.add_argument(
        "--to",
        dest="recipient",
        default="",
        help="recipient, lines separated by | (abroad: the name, then the street lines)",
    )
    acc.add_argument("--to-city", help="abroad: the town or city")
    acc.add_argument("--to-area", help="abroad: the state, province or region, where the country uses one")
    acc.add_argument("--to-district", help="abroad: the district, where the country uses one")
    acc.add_argument("--to-postcode", help="abroad: the postcode, checked against the country's format")
    acc.add_argument(
        "--customs",
        metavar="FILE.json",
        help="abroad: the customs declaration (category, items with description, quantity, value,"
        " currency, weight_g, hs_code, origin_country)",
    )
    acc.add_argument("--phone", help="customer's mobile for SMS updates (E.164)")
    acc.add_argument("--label-format", choices=FORMATS, help="default: the label printer profile's language")
    acc.add_argument("--out", required=True, help="where to write the label")
    acc.add_argument("--receipt", help="also write the counter receipt (.pdf, or .bin for ESC/POS)")
    acc.add_argument("--certificate", help="also write a certificate of mailing (PDF)")
    acc.add_argument("--facility", help="default: the station's facility")
    acc.add_argument("--operator", help="default: the station's operator")
    acc.add_argument("--json", action="store_true", help="answer with one JSON object")
    acc.add_argument(
        "--weight-typed",
        metavar="REASON",
        help="the weight was typed, not read from a scale: why (a supervisor's act once there are operators)",
    )
    acc.add_argument("--supervisor", metavar="NAME", help="the supervisor authorising a typed weight")
    acc.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")
    acc.add_argument(
        "--pin-delivery",
        action="store_true",
        help="delivered only against a code texted to the recipient (needs --phone, opted in)",
    )
    acc.add_argument(
        "--no-choices",
        action="store_true",
        help="the sender forbids delivery choices on the tracking page (hold, redirect, safe place...)",
    )
    acc.add_argument(
        "--basket",
        type=RECORD_NUMBER,
        help="add to this open basket (`station basket open`): one receipt at payment",
    )
    acc.set_defaults(func=cmd_accept)


def _piece_args(p: argparse.ArgumentParser, *, zips_as_from_to: bool = False) -> None:
    # `postage quote --from 10001 --to 94105`; `accept` keeps --from/--to for the addresses.
    origin = ("--from-zip", "--from") if zips_as_from_to else ("--from-zip",)
    destination = ("--to-zip", "--to") if zips_as_from_to else ("--to-zip",)
    p.add_argument("--weight", required=True, help="e.g. 1.2kg, 850g, 2.5lb")
    p.add_argument(*origin, dest="from_zip", required=True, help="origin ZIP")
    p.add_argument(*destination, dest="to_zip", help="destination ZIP (a domestic item)")
    p.add_argument(
        "--to-country", metavar="ISO2", help="an item abroad: the destination country (e.g. DE, RU, CN)"
    )
    p.add_argument(
        "--product",
        default="parcel",
        help="an item abroad: letter, registered, parcel or express (the international rate table)",
    )
    p.add_argument("--service", default="ground", help="letter, ground, priority, express")
    p.add_argument("--dims", help="L x W x H, e.g. 30x20x10cm")
    p.add_argument("--signature", action="store_true", help="signature on delivery")
    p.add_argument("--declared-value", help="insured value in dollars, e.g. 200.00")


MAX_DECLARATION_BYTES = 1_000_000  # 99 lines of 200 characters are far less: a bigger file is not one


def _abroad(args: argparse.Namespace) -> Abroad | None:
    """The item abroad the options describe: the addressee's name and street from --to, the rest from
    --to-city, --to-area, --to-district, --to-postcode; the declaration from --customs."""
    customs_file = getattr(args, "customs", None)
    if not args.to_country:
        if customs_file:
            raise ValueError("--customs is for an item abroad: give --to-country too")
        if not args.to_zip:
            raise ValueError("--to-zip is required (or --to-country for an item abroad)")
        return None
    if args.to_zip:
        raise ValueError("an item abroad has a postcode (--to-postcode), not a ZIP (--to-zip)")
    lines = address_lines(getattr(args, "recipient", ""))
    customs: bytes | None = None
    if customs_file:
        try:
            if Path(customs_file).stat().st_size > MAX_DECLARATION_BYTES:
                raise ValueError(f"{customs_file} is too large for a customs declaration (at most 1 MB)")
            customs = Path(customs_file).read_bytes()
        except OSError as exc:
            raise ValueError(f"cannot read {customs_file}: {exc.strerror or exc}") from None
    address = Address(
        args.to_country.strip().upper(),
        lines[0] if lines else "",
        "\n".join(lines[1:]),
        getattr(args, "to_city", None) or "",
        getattr(args, "to_area", None) or "",
        getattr(args, "to_district", None) or "",
        getattr(args, "to_postcode", None) or "",
    )
    return Abroad(address, args.product, customs)


def _piece(args: argparse.Namespace) -> Piece:
    """The piece the options describe (ValueError or RateError names a bad one)."""
    abroad = _abroad(args)
    return Piece(
        weight_g=parse_weight_g(args.weight),
        from_zip=args.from_zip,
        to_zip=args.to_zip or "",
        abroad=abroad,
        service=abroad.product if abroad else args.service,
        sender=address_lines(getattr(args, "sender", "")),
        recipient=address_lines(getattr(args, "recipient", "")),
        tracking=getattr(args, "tracking", None),
        s10_service=getattr(args, "new_s10", None) or "CP",
        dims=Dimensions.parse(args.dims) if args.dims else None,
        signature=args.signature,
        declared_value_cents=parse_cents(args.declared_value) if args.declared_value else 0,
        pin_delivery=bool(getattr(args, "pin_delivery", False)),
        no_choices=bool(getattr(args, "no_choices", False)),
        weight_reason=getattr(args, "weight_typed", None),
    )


def cmd_quote(args: argparse.Namespace) -> int:
    """Print the price broken down (or every service's, side by side)."""
    if args.all:
        return _quote_all(args)
    try:
        quote = price(_piece(args), date.today())
    except (RateError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.REFUSED
    to = args.to_country.upper() if args.to_country else args.to_zip
    area = "price group" if args.to_country else "zone"
    zone = f", {area} {quote.zone}" if quote.zone else ""
    print(f"{quote.service_name}: {args.from_zip} -> {to}{zone}, billed weight {quote.billed_weight_g} g")
    for line in quote.lines:
        print(f"  {line.label:<58} {money(line.cents):>9}")
    print(f"  {'TOTAL':<58} {money(quote.total_cents):>9}")
    print(f"  (prices of {quote.table_effective.isoformat()})")
    return ExitCode.DONE


def _quote_all(args: argparse.Namespace) -> int:
    """Every service: price, expected day, 80% day; cheapest and fastest marked."""
    from station.desks.quotes import QuotesDesk

    try:
        piece = _piece(args)
    except (RateError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.REFUSED
    with open_station(args, read_only=True) as station:
        try:
            offers = QuotesDesk(station).side_by_side(piece)
        except RateError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.REFUSED
    if args.json:
        print(json.dumps([o.to_json() for o in offers], ensure_ascii=False))
        return ExitCode.DONE
    to = args.to_country.upper() if args.to_country else args.to_zip
    print(f"{args.from_zip} -> {to}, {piece.weight_g} g")
    wide = max(len(o.name) for o in offers)
    print(f"  {'service':<{wide}} {'price':>9}  {'expected':<12} {'80% by':<12}")
    for o in offers:
        if o.quote is None:
            print(printable(f"  {o.name:<{wide}} {'-':>9}  {o.refused}"))
            continue
        marks = " ".join(word for word, on in (("CHEAPEST", o.cheapest), ("FASTEST", o.fastest)) if on)
        expected = f"{o.expected:%a %d %b}" if o.expected else "-"
        p80 = f"{o.by_p80:%a %d %b}" if o.by_p80 else "-"
        print(
            printable(
                f"  {o.name:<26} {money(o.quote.total_cents):>9}  {expected:<12} {p80:<12} {marks}".rstrip()
            )
        )
    return ExitCode.DONE if any(o.quote for o in offers) else ExitCode.REFUSED


def cmd_meter_init(args: argparse.Namespace) -> int:
    """The meter's key made and enrolled, its registers sealed."""
    with open_station(args) as station:
        return answer(Desks(station).counter.init_meter(), args.json)


def cmd_meter_status(args: argparse.Namespace) -> int:
    """Registers, control sum and seal."""
    with open_station(args) as station:
        desk = Desks(station).counter
        try:
            meter = desk.meter()
        except MeterKeyError as exc:
            print(f"meter {station.config.meter_id}: {exc}")
            return ExitCode.REFUSED
        r, problem = meter.registers(), meter.check()
    print(f"meter {r.meter_id}{' LOCKED: ' + r.locked if r.locked else ''}")
    print(f"  descending (funds available) {money(r.descending):>12}")
    print(f"  ascending (postage used)     {money(r.ascending):>12}")
    print(f"  pieces                       {r.pieces:>12}")
    print(f"  total credited               {money(r.total_credited):>12}")
    print(f"  control sum                  {'OK' if r.control_ok else 'FAILED':>12}")
    print(f"  seal (MAC)                   {'OK' if problem is None else 'FAILED':>12}")
    if problem:
        print(f"  ! {problem}")
    return ExitCode.DONE if problem is None and not r.locked else ExitCode.REFUSED


def cmd_meter_credit(args: argparse.Namespace) -> int:
    """Add funds."""
    try:
        cents = parse_cents(args.amount)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).counter.credit(
            cents, supervisor=args.supervisor, pin=secret(args.pin), operator=operator, facility=facility
        )
    return answer(done, getattr(args, "json", False))


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 printing the fields when genuine, 1 naming the failed check (and journal a fraud alert)."""
    with open_station(args) as station:
        try:
            weight = parse_weight_g(args.weight) if args.weight else None
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return ExitCode.USAGE
        report = verify_indicia(
            station,
            args.payload,
            today=station.today(),
            item_id=args.tracking,
            measured_weight_g=weight,
            service=args.service,
            keys=MeterKeys(station.db, station.paths.keys),
        )
        if not report.genuine:
            subject = args.tracking or (report.fields.tracking if report.fields else "UNREADABLE-INDICIA")
            record_alert(station, subject, report.problems, args.facility, args.operator)
    if report.fields is not None:
        f = report.fields
        print(f"meter {f.meter_id}  piece {f.piece}  date {f.mailed_on}  postage {money(f.postage_cents)}")
        print(f"rate {f.category}  from {f.origin_zip}  to {f.destination_zip}  tracking {f.tracking}")
    if report.genuine:
        print("indicia GENUINE")
        return ExitCode.DONE
    for problem in report.problems:
        print(f"REJECTED: {problem}")
    return ExitCode.REFUSED


def _writable(name: str | None) -> str | None:
    """Why `name` cannot take an output file, or None when it can (checked before anything is charged)."""
    if not name:
        return None
    path = Path(name)
    if path.is_dir():
        return f"{name} is a folder, not a file"
    if not path.parent.is_dir():
        return f"{path.parent} does not exist"
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"{name} cannot be written"
    return None


def cmd_accept(args: argparse.Namespace) -> int:
    """The counter flow; prints the tracking number and the postage charged."""
    try:
        piece = _piece(args)
    except (RateError, ValueError) as exc:
        print(f"REFUSED: {exc}", file=sys.stderr)
        return ExitCode.REFUSED
    for name in (args.out, args.receipt, args.certificate):
        problem = _writable(name)
        if problem:
            print(f"REFUSED: {problem}; nothing was charged", file=sys.stderr)
            return ExitCode.REFUSED

    def deliver(done: Acceptance) -> None:  # written before the acceptance commits: all or nothing
        replace_private(Path(args.out), done.label_bytes)
        if args.receipt:
            data = (
                receipt_pdf(done.receipt) if args.receipt.endswith(".pdf") else receipt_escpos(done.receipt)
            )
            replace_private(Path(args.receipt), data)
        if args.certificate:
            sender = ", ".join(piece.sender) or "(sender not given)"
            replace_private(Path(args.certificate), certificate_of_mailing(done.receipt, sender))

    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station, hub_of(args, station)).counter.accept(
            piece,
            facility=facility,
            operator=operator,
            phone=args.phone,
            label_format=args.label_format,
            deliver=deliver,
            print_receipt=args.basket is None,
            basket=args.basket,
            supervisor=args.supervisor,
            pin=secret(args.pin),
        )
    if not isinstance(done, Acceptance):
        print(f"REFUSED: {printable(done.reason or 'refused')}", file=sys.stderr)
        if args.json:
            print(json.dumps(done.to_json(), ensure_ascii=False))
        return ExitCode.REFUSED
    if args.json:
        print(json.dumps(done.to_json(), ensure_ascii=False))
        return ExitCode.DONE
    print(done.line)
    print(f"label: {args.out} ({done.label_format}); print job {done.print_job} queued")
    if done.sms is not None:
        pending = " (the customer is asked to reply YES)" if done.sms == "pending" else ""
        print(f"SMS updates to {piece_phone(args.phone)}: {done.sms}{pending}")
    return ExitCode.DONE


def piece_phone(text: str) -> str:
    """The customer's number as the station stores it (E.164)."""
    from station.notify.phone import to_e164

    return to_e164(text)
