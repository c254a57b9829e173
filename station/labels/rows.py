"""A label from the fields a person or a CSV row gives (the CLI's options, a batch file's columns)."""

from __future__ import annotations

import argparse
from datetime import date

from station.labels.layouts import (
    ItemTagData,
    SackTagData,
    ShippingLabelData,
    item_tag,
    sack_tag,
    shipping_label,
)
from station.labels.model import Label
from station.model.inputs import address_lines, parse_weight_g


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
