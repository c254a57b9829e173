"""Customs declarations for international items with goods: the UPU's CN 22 and CN 23 forms.

What the forms ask (UPU Convention, Letter Post Regulations; the forms' own notes) and what is checked:
- a category: gift, documents, sale of goods, returned goods, commercial sample, other;
- per line a detailed description ("gift", "sample", "goods", "parts" alone are refused: customs hold
  such items), the quantity, the net weight, the value, and for goods the HS tariff number (at least
  the 6 digits of the Harmonized System) and the country of origin;
- one currency (ISO 4217) for the whole declaration, amounts as decimals, never floats;
- net weights that add up to no more than the item's gross weight.

Which form: a CN 22 up to 300 SDR (the IMF's Special Drawing Right), a CN 23 above. The SDR rate is a
setting with the date it was taken from, so a declaration says which rate chose its form.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import pycountry

from station.errors import Refused
from station.ids.countries import ISO_3166_ALPHA2
from station.model.sdr import SdrRates

CN22_LIMIT_SDR = Decimal(300)
CN22_MAX_LINES = 4  # the rows of contents a CN 22 has room for
MAX_LINES = 99  # far beyond a CN 23's rows: a longer file is not a declaration
MAX_TEXT = 200


class Category(StrEnum):
    """The boxes of a CN 22 / CN 23."""

    GIFT = "gift"
    DOCUMENTS = "documents"
    SALE = "sale"
    RETURNED = "returned"
    SAMPLE = "sample"
    OTHER = "other"


class Form(StrEnum):
    """The declaration form an item needs."""

    CN22 = "CN 22"
    CN23 = "CN 23"


# Words that say nothing about what is inside: a description made of these alone is refused.
VAGUE_WORDS = frozenset(
    {
        "gift",
        "gifts",
        "present",
        "presents",
        "sample",
        "samples",
        "goods",
        "good",
        "parts",
        "part",
        "spare",
        "spares",
        "items",
        "item",
        "stuff",
        "things",
        "merchandise",
        "products",
        "product",
        "various",
        "miscellaneous",
        "misc",
        "accessories",
        "accessory",
        "personal",
        "effects",
        "belongings",
        "articles",
        "article",
        "commodity",
        "commodities",
        "general",
        "assorted",
        "mixed",
        "set",
    }
)


class DeclarationRefused(Refused):
    """The declaration cannot be used; `problems` names each reason (with its line number), `faults`
    the (line, field) each is about, so a form can mark the cells at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.faults = faults_of(problems)


LINE_FIELDS = ("description", "quantity", "value", "currency", "weight_g", "hs_code", "origin_country")
_LINE_PROBLEM = re.compile(r"^line (\d+): (?:(\w+) must|(\w+), when given|(.*))")


def faults_of(problems: list[str]) -> list[tuple[int, str]]:
    """(line number, field) of each problem (line 0: the whole declaration, as `category`)."""
    found: list[tuple[int, str]] = []
    for problem in problems:
        line = _LINE_PROBLEM.match(problem)
        if line is not None:
            named = line.group(2) or line.group(3)
            found.append((int(line.group(1)), named if named in LINE_FIELDS else "description"))
        elif problem.startswith("category"):
            found.append((0, "category"))
        elif problem.startswith("one currency"):
            found.append((0, "currency"))
        elif problem.startswith("the net weights"):
            found.append((0, "weight_g"))
        elif problem.split(":")[0] in ("sender_reference", "licence", "certificate", "invoice"):
            found.append((0, problem.split(":")[0]))
    return found


@dataclass(frozen=True)
class Line:
    """One row of the form."""

    description: str
    quantity: int
    value: Decimal
    weight_g: int
    hs_code: str
    origin_country: str


@dataclass(frozen=True)
class Declaration:
    """A checked declaration."""

    category: Category
    currency: str
    lines: tuple[Line, ...]
    sender_reference: str = ""
    licence: str = ""
    certificate: str = ""
    invoice: str = ""

    @property
    def total_value(self) -> Decimal:
        """The declaration's total value, in its currency."""
        return sum((line.value for line in self.lines), Decimal(0))

    @property
    def net_weight_g(self) -> int:
        """The lines' net weights added up."""
        return sum(line.weight_g for line in self.lines)


def form_for(declaration: Declaration, rates: SdrRates) -> Form:
    """CN 22 up to 300 SDR, CN 23 above (and when the contents need more rows than a CN 22 has)."""
    value = rates.to_sdr(declaration.total_value, declaration.currency)
    fits = value <= CN22_LIMIT_SDR and len(declaration.lines) <= CN22_MAX_LINES
    return Form.CN22 if fits else Form.CN23


def declaration_to_dict(declaration: Declaration) -> dict[str, Any]:
    """The declaration as JSON-ready data (amounts as decimal text, never floats)."""
    return {
        "category": str(declaration.category),
        "currency": declaration.currency,
        "items": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "value": f"{line.value:.2f}",
                "weight_g": line.weight_g,
                "hs_code": line.hs_code,
                "origin_country": line.origin_country,
            }
            for line in declaration.lines
        ],
        "total_value": f"{declaration.total_value:.2f}",
        "net_weight_g": declaration.net_weight_g,
        "sender_reference": declaration.sender_reference,
        "licence": declaration.licence,
        "certificate": declaration.certificate,
        "invoice": declaration.invoice,
    }


def load(text: str | bytes, *, gross_weight_g: int) -> Declaration:
    """A declaration from its JSON (amounts read as decimals, NaN and Infinity refused)."""

    def no_constants(name: str) -> Any:
        raise DeclarationRefused([f"{name} is not a number a customs form can hold"])

    try:
        raw = json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DeclarationRefused([f"not valid JSON: {exc}"]) from None
    except RecursionError:  # e.g. 100,000 nested [ : no declaration nests more than three deep
        raise DeclarationRefused(["not a declaration: its JSON nests too deep"]) from None
    return parse(raw, gross_weight_g=gross_weight_g)


def parse(raw: object, *, gross_weight_g: int) -> Declaration:
    """Check every field as the forms require; all the problems are reported at once."""
    if not isinstance(raw, dict):
        raise DeclarationRefused(["a declaration is a JSON object with category and items"])
    problems: list[str] = []
    unknown = set(raw) - {"category", "items", "sender_reference", "licence", "certificate", "invoice"}
    if unknown:
        problems.append(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    category: Category | None = None
    try:
        category = Category(str(raw.get("category")))
    except ValueError:
        problems.append(f"category must be one of {', '.join(c.value for c in Category)}")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        problems.append("items: at least one line (description, quantity, value, currency, weight_g ...)")
        items = []
    elif len(items) > MAX_LINES:
        problems.append(f"items: at most {MAX_LINES} lines")
        items = []
    lines: list[Line] = []
    currencies: set[str] = set()
    for number, item in enumerate(items, 1):
        line = _line(number, item, category, problems, currencies)
        if line is not None:
            lines.append(line)
    if len(currencies) > 1:
        problems.append(f"one currency for the whole declaration, not {', '.join(sorted(currencies))}")
    if lines and len(lines) == len(items) and sum(x.weight_g for x in lines) > gross_weight_g:
        problems.append(
            f"the net weights add up to {sum(x.weight_g for x in lines)} g, more than the item's"
            f" {gross_weight_g} g"
        )
    extras = {}
    for key in ("sender_reference", "licence", "certificate", "invoice"):
        value = raw.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_TEXT or not value.isprintable():
            problems.append(f"{key}: text of at most {MAX_TEXT} printable characters")
            value = ""
        extras[key] = value.strip()
    if problems or category is None:
        raise DeclarationRefused(problems)
    return Declaration(category, currencies.pop(), tuple(lines), **extras)


def _line(
    number: int, item: object, category: Category | None, problems: list[str], currencies: set[str]
) -> Line | None:
    where = f"line {number}"
    if not isinstance(item, dict):
        problems.append(f"{where}: an object with description, quantity, value, currency, weight_g ...")
        return None
    before = len(problems)
    description = item.get("description")
    if not isinstance(description, str) or not description.strip() or len(description) > MAX_TEXT:
        problems.append(f"{where}: a description of what it is (at most {MAX_TEXT} characters)")
        description = ""
    elif not description.isprintable():
        problems.append(f"{where}: the description holds control characters")
    elif is_vague(description):
        problems.append(
            f"{where}: {description.strip()!r} does not say what it is: customs need the thing itself,"
            " e.g. 'cotton T-shirt', 'paperback novel', 'brake pads for a bicycle'"
        )
    quantity = item.get("quantity")
    if type(quantity) is not int or not 1 <= quantity <= 1_000_000:
        problems.append(f"{where}: quantity must be a whole number from 1")
    weight = item.get("weight_g")
    if type(weight) is not int or not 1 <= weight <= 2_000_000:
        problems.append(f"{where}: weight_g must be whole grams from 1")
    value = _amount(item.get("value"))
    documents = category is Category.DOCUMENTS
    if value is None or (value == 0 and not documents):
        problems.append(f"{where}: value must be a decimal amount above 0 with at most 2 decimals")
    currency = item.get("currency")
    if not isinstance(currency, str) or pycountry.currencies.get(alpha_3=currency.upper()) is None:
        problems.append(f"{where}: currency must be an ISO 4217 code such as USD, EUR, GBP")
    else:
        currencies.add(currency.upper())
    hs_code = re.sub(r"[ .]", "", str(item.get("hs_code") or ""))
    if not documents and not (hs_code.isascii() and hs_code.isdigit() and 6 <= len(hs_code) <= 10):
        problems.append(f"{where}: hs_code must be the HS tariff number, 6 to 10 digits (e.g. 6109.10)")
    elif documents and hs_code and not (hs_code.isdigit() and 6 <= len(hs_code) <= 10):
        problems.append(f"{where}: hs_code, when given, must be 6 to 10 digits")
    origin = item.get("origin_country")
    if not isinstance(origin, str) or origin.upper() not in ISO_3166_ALPHA2:
        if not (documents and origin in (None, "")):
            problems.append(f"{where}: origin_country must be an ISO 3166 code such as US, DE, CN")
        origin = ""
    if len(problems) > before:
        return None
    assert isinstance(description, str) and value is not None
    return Line(
        description.strip(), int(str(quantity)), value, int(str(weight)), hs_code, str(origin).upper()
    )


def is_vague(description: str) -> bool:
    """True when every word of the description is one that says nothing about the thing."""
    # NFKC first: a full-width 'ｇｉｆｔ' is the word gift, and must be read as one.
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFKC", description).casefold())
    return not words or all(word in VAGUE_WORDS for word in words)


def _amount(value: object) -> Decimal | None:
    """A decimal amount (a JSON number or a string), finite, at least 0, with at most 2 decimals."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000") or not isinstance(exponent, int):
        return None
    return amount if exponent >= -2 else None
