"""`station label render`: one label or a CSV batch to ZPL, raster ZPL, PDF, PNG or ESC/POS."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date
from pathlib import Path

from station.ids import InvalidId
from station.inputs import address_lines, parse_weight_g
from station.labels.layouts import (
    ItemTagData,
    SackTagData,
    ShippingLabelData,
    item_tag,
    sack_tag,
    shipping_label,
)
from station.labels.model import Label
from station.labels.png import PngRenderer
from station.labels.render import FORMATS, render


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `label render`."""
    p = sub.add_parser("label", help="render labels")
    actions = p.add_subparsers(dest="label_command", required=True, metavar="ACTION")
    r = actions.add_parser("render", help="render a shipping label, sack tag or item tag")
    r.add_argument("--format", choices=FORMATS, default="zpl")
    r.add_argument("--kind", choices=["shipping", "sack", "item"], default="shipping")
    r.add_argument("--tracking", help="S10, IMpb (or SSCC for --kind sack)")
    r.add_argument("--from", dest="sender", default="", help="sender, lines separated by | or newlines")
    r.add_argument("--to", dest="recipient", default="", help="recipient (or a sack's destination)")
    r.add_argument("--service", default="GROUND")
    r.add_argument("--weight", help="e.g. 1.2kg, 850g, 2.5lb")
    r.add_argument("--routing-zip", help="destination ZIP for the IMpb routing code (AI 420)")
    r.add_argument("--reference", default="")
    r.add_argument("--items", type=int, default=0, help="item count, for --kind sack")
    r.add_argument("--dpi", type=int, choices=[203, 300], default=203)
    r.add_argument("--reprint", action="store_true", help="mark the label REPRINT")
    r.add_argument("--batch", help="CSV with columns tracking,from,to[,service,weight,routing_zip,reference]")
    r.add_argument("--out", required=True, help="output file (for a PNG batch: a folder)")
    r.set_defaults(func=cmd_render)


def build_label(args: argparse.Namespace | dict[str, str], dpi: int, kind: str, reprint: bool) -> Label:
    """One label from CLI arguments or a CSV row."""
    get = args.get if isinstance(args, dict) else lambda k, d=None: getattr(args, k, d)
    tracking = (get("tracking") or "").strip()
    if not tracking:
        raise ValueError("--tracking is required")
    weight = get("weight")
    grams = parse_weight_g(weight) if weight else None
    if kind == "sack":
        return sack_tag(
            SackTagData(
                tracking,
                get("recipient") or get("to") or "",
                get("sender") or get("from") or "",
                int(get("items") or 0),
                grams or 0,
                date.today(),
                get("service") or "",
                reprint,
            ),
            dpi,
        )
    if kind == "item":
        return item_tag(ItemTagData(tracking, get("reference") or ""), dpi)
    return shipping_label(
        ShippingLabelData(
            tracking=tracking,
            sender=address_lines(get("sender") or get("from") or ""),
            recipient=address_lines(get("recipient") or get("to") or ""),
            service=get("service") or "GROUND",
            weight_g=grams,
            mailed_on=date.today(),
            reference=get("reference") or "",
            routing_zip=get("routing_zip") or None,
            reprint=reprint,
        ),
        dpi,
    )


def cmd_render(args: argparse.Namespace) -> int:
    """Write the label(s); exit 1 with the reason for bad input."""
    try:
        if args.batch:
            with open(args.batch, encoding="utf-8", newline="") as f:
                labels = [build_label(row, args.dpi, args.kind, args.reprint) for row in csv.DictReader(f)]
            if not labels:
                raise ValueError(f"{args.batch} has no rows")
        else:
            labels = [build_label(args, args.dpi, args.kind, args.reprint)]
    except (ValueError, InvalidId, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    if args.format == "png" and len(labels) > 1:
        out.mkdir(parents=True, exist_ok=True)
        for i, label in enumerate(labels, 1):
            (out / f"label-{i:04d}.png").write_bytes(PngRenderer().render(label))
        print(f"{len(labels)} labels written to {out}/")
        return 0
    out.write_bytes(render(labels, args.format))
    print(f"{len(labels)} label(s) written to {out} ({args.format}, {args.dpi} dpi)")
    return 0
