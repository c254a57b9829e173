"""`station label render`: one label or a CSV batch to ZPL, raster ZPL, PDF, PNG or ESC/POS."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from station.errors import ExitCode
from station.ids import InvalidId
from station.labels.png import PngRenderer
from station.labels.render import FORMATS, render
from station.labels.rows import build_label
from station.paths import replace_private
from ui.cli.common import whole_number


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
    r.add_argument("--items", type=whole_number(0, 100_000), default=0, help="item count, for --kind sack")
    r.add_argument("--dpi", type=int, choices=[203, 300], default=203)
    r.add_argument("--reprint", action="store_true", help="mark the label REPRINT")
    r.add_argument("--batch", help="CSV with columns tracking,from,to[,service,weight,routing_zip,reference]")
    r.add_argument("--out", required=True, help="output file (for a PNG batch: a folder)")
    r.set_defaults(func=cmd_render)


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
        return ExitCode.REFUSED
    out = Path(args.out)
    if args.format == "png" and len(labels) > 1:
        out.mkdir(parents=True, exist_ok=True)
        for i, label in enumerate(labels, 1):
            replace_private(out / f"label-{i:04d}.png", PngRenderer().render(label))
        print(f"{len(labels)} labels written to {out}/")
        return ExitCode.DONE
    replace_private(out, render(labels, args.format))
    print(f"{len(labels)} label(s) written to {out} ({args.format}, {args.dpi} dpi)")
    return ExitCode.DONE
