"""Customs electronic advance data: each item abroad accepted with a declaration, as one record for the
operator's customs system (the UPU's ITMATT message carries the same data elements; the README maps
each field to its ITMATT element).

The records are read back from the acceptance events, so the export says exactly what was accepted
and journalled (a voided item is left out: it never travels). JSON gives one object per item with its
contents nested; CSV gives one row per item, the contents flattened into numbered columns
(`content_1_description`, ...), as many as the longest declaration of the export has.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from station.errors import Refused
from station.insight import history
from station.model.events import EventKind
from station.model.localtime import local
from station.model.rows import Row
from station.model.spreadsheet import safe_row
from station.office.till import bounds
from station.paths import replace_private
from station.store import journal

CONTENT_FIELDS = ("description", "quantity", "net_weight_g", "value", "hs_code", "origin_country")
ITEM_FIELDS = (
    "item_id",
    "posted_at",
    "office_of_posting",
    "station_id",
    "product",
    "mail_class",
    "gross_weight_g",
    "postage",
    "postage_currency",
    "sender_name",
    "sender_address",
    "sender_country",
    "addressee_name",
    "addressee_street",
    "addressee_city",
    "addressee_area",
    "addressee_district",
    "addressee_postcode",
    "addressee_country",
    "category",
    "currency",
    "total_value",
    "net_weight_g",
    "form",
    "value_sdr",
    "sdr_rates_date",
    "licence",
    "certificate",
    "invoice",
    "sender_reference",
)


class CustomsExportError(Refused):
    """The export cannot be written (the message names the file and why)."""


@dataclass(frozen=True)
class CustomsExport:
    """What was written."""

    path: Path
    day: date
    items: int

    @property
    def line(self) -> str:
        """What the command prints."""
        return f"{self.items} customs record(s) of {self.day.isoformat()} written to {self.path}"


def records(
    conn: sqlite3.Connection, day: date, zone_name: str, home_country: str, currency: str = "USD"
) -> list[dict[str, Any]]:
    """The day's (local) accepted items abroad with a declaration, in the order they were accepted."""
    start, end = bounds(day, zone_name)
    accepted = [
        row
        for row in history.rows(conn, start, end)
        if row.kind == EventKind.ACCEPTANCE and isinstance(row.extra.get("customs"), dict)
    ]
    voided = _voided(conn, [row.item_id for row in accepted])
    return [_record(row, zone_name, home_country, currency) for row in accepted if row.item_id not in voided]


def _voided(conn: sqlite3.Connection, items: list[str]) -> set[str]:
    if not items:
        return set()
    return journal.items_with_kind(conn, EventKind.VOID, items)


def _record(row: Row, zone_name: str, home_country: str, currency: str) -> dict[str, Any]:
    extra = row.extra
    customs: dict[str, Any] = dict(extra["customs"])  # type: ignore[call-overload]
    addressee: dict[str, Any] = dict(extra.get("addressee") or {})  # type: ignore[call-overload]
    sender = [str(line) for line in extra.get("sender") or []]  # type: ignore[attr-defined]
    cents = int(str(extra.get("postage_cents", 0)))
    return {
        "item_id": row.item_id,
        "posted_at": local(row.at, zone_name).isoformat(timespec="seconds"),
        "office_of_posting": row.facility,
        "station_id": row.station_id,
        "product": extra.get("product", ""),
        "mail_class": row.item_id[:2],
        "gross_weight_g": customs.get("gross_weight_g"),
        "postage": f"{cents // 100}.{cents % 100:02d}",
        "postage_currency": currency,
        "sender": {"name": sender[0] if sender else "", "address": sender[1:], "country": home_country},
        "addressee": {
            "name": addressee.get("name", ""),
            "street": addressee.get("street", ""),
            "city": addressee.get("city", ""),
            "area": addressee.get("area", ""),
            "district": addressee.get("district", ""),
            "postcode": addressee.get("postcode", ""),
            "country": str(addressee.get("country", "")).upper(),
        },
        "category": customs["category"],
        "currency": customs["currency"],
        "total_value": customs["total_value"],
        "net_weight_g": customs["net_weight_g"],
        "form": customs["form"],
        "value_sdr": customs["value_sdr"],
        "sdr_rates_date": customs["sdr_rates_date"],
        "licence": customs.get("licence", ""),
        "certificate": customs.get("certificate", ""),
        "invoice": customs.get("invoice", ""),
        "sender_reference": customs.get("sender_reference", ""),
        "contents": [
            {
                "number": n,
                "description": line["description"],
                "quantity": line["quantity"],
                "net_weight_g": line["weight_g"],
                "value": line["value"],
                "hs_code": line["hs_code"],
                "origin_country": line["origin_country"],
            }
            for n, line in enumerate(customs["items"], 1)
        ],
    }


def write(path: Path, found: list[dict[str, Any]]) -> None:
    """The records as FILE.json or FILE.csv, written beside and renamed (never half a file)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = json.dumps({"items": found}, ensure_ascii=False, indent=1).encode()
    elif suffix == ".csv":
        data = _csv(found).encode("utf-8")
    else:
        raise CustomsExportError(f"{path}: the file must end in .json or .csv")
    try:
        replace_private(path, data)
    except OSError as exc:
        raise CustomsExportError(f"cannot write {path}: {exc.strerror or exc}") from None


def _csv(found: list[dict[str, Any]]) -> str:
    most = max((len(r["contents"]) for r in found), default=0)
    columns = [*ITEM_FIELDS] + [f"content_{n}_{f}" for n in range(1, most + 1) for f in CONTENT_FIELDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for r in found:  # every cell written so that no spreadsheet runs it (an addressee typed "=...")
        flat: dict[str, Any] = {k: v for k, v in r.items() if k not in ("sender", "addressee", "contents")}
        flat["sender_name"] = r["sender"]["name"]
        flat["sender_address"] = " | ".join(r["sender"]["address"])
        flat["sender_country"] = r["sender"]["country"]
        for key, value in r["addressee"].items():
            flat[f"addressee_{key}"] = str(value).replace("\n", " | ")
        for line in r["contents"]:
            for f in CONTENT_FIELDS:
                flat[f"content_{line['number']}_{f}"] = line[f]
        writer.writerow(safe_row(flat.get(c, "") for c in columns))
    return out.getvalue()
