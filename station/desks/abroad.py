"""What the counter checks and prepares for an item to another country, before anything is charged.

- the addressee, by the destination's own rules (required parts, postcode pattern), printable in the
  station's fonts (an address in a script it has no font for is refused, not printed as boxes);
- the product's S10 service indicator (a scanned label must carry it);
- the customs declaration: required for every parcel and for any item with goods inside, checked as
  the UPU forms require, and the form it needs (CN 22 up to 300 SDR, CN 23 above, or when its rows do
  not fit a CN 22), valued at the station's SDR rates of their date;
- what the acceptance event keeps: the addressee, the sender and the declaration, the electronic data
  `station export customs` gives to the operator's customs system (ITMATT).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from station.abroad.addresses import Address, label_lines, problems
from station.abroad.customs import (
    Declaration,
    DeclarationRefused,
    Form,
    declaration_to_dict,
    form_for,
    load,
    parse,
)
from station.abroad.forms import CustomsFormData, customs_forms
from station.config import StationConfig
from station.errors import Refused
from station.ids.countries import latin_name
from station.labels.model import Label
from station.labels.scripts import missing_glyphs
from station.model.sdr import SdrRates
from station.postage.international import InternationalTable, Product


class AbroadRefused(Refused):
    """The item cannot go abroad as entered; the message names every reason, `problems` each one and
    `faults` the customs cells they are about (line, field)."""

    def __init__(
        self, message: str, problems: list[str] | None = None, faults: list[tuple[int, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.problems = problems or [message]
        self.faults = faults or []


@dataclass(frozen=True)
class CustomsPapers:
    """The declaration an item travels with, the form chosen for it, and the pages printed."""

    declaration: Declaration | None
    form: Form | None
    value_sdr: Decimal | None
    rates: SdrRates
    pages: tuple[Label, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The `--json` answer's part."""
        return {
            "form": str(self.form) if self.form else None,
            "value_sdr": f"{self.value_sdr:.2f}" if self.value_sdr is not None else None,
            "sdr_rates_date": self.rates.as_of.isoformat(),
            "pages": len(self.pages),
        }


@dataclass(frozen=True)
class AbroadPlan:
    """An item abroad, checked: the address block, the product and the customs papers."""

    address: Address
    product: Product
    papers: CustomsPapers
    recipient_lines: tuple[str, ...]  # in the addressee's script and the country's order
    country_line: str  # the destination in Latin capitals, on its own last line
    cn23_copies: int  # what the destination's post asks for (the rate table)

    def forms(
        self,
        tracking: str,
        sender: tuple[str, ...],
        gross_weight_g: int,
        posted_on: date,
        office: str,
        postage: str,
        dpi: int,
    ) -> CustomsPapers:
        """The papers with their pages rendered for the item's id."""
        decl, form = self.papers.declaration, self.papers.form
        if decl is None or form is None:
            return self.papers
        data = CustomsFormData(
            tracking,
            form,
            decl,
            sender,
            (*self.recipient_lines, self.country_line),
            gross_weight_g,
            posted_on,
            office,
            postage,
            self.cn23_copies if form is Form.CN23 else 1,
        )
        pages = tuple(customs_forms(data, dpi))
        return CustomsPapers(decl, form, self.papers.value_sdr, self.papers.rates, pages)

    def journal(self, sender: tuple[str, ...], gross_weight_g: int) -> dict[str, Any]:
        """What the acceptance event keeps of it."""
        papers = self.papers
        customs = None
        if papers.declaration is not None:
            customs = {
                **declaration_to_dict(papers.declaration),
                "gross_weight_g": gross_weight_g,
                "form": str(papers.form),
                "value_sdr": f"{papers.value_sdr:.2f}",
                "sdr_rates_date": papers.rates.as_of.isoformat(),
            }
        return {
            "destination_country": self.address.country.upper(),
            "product": self.product.key,
            "addressee": asdict(self.address),
            "sender": list(sender),
            **({"customs": customs} if customs else {}),
        }


def destination_line(extra: dict[str, Any]) -> str:
    """The addressee and country an acceptance event names, for a receipt ('' for a domestic item)."""
    country = str(extra.get("destination_country") or "")
    if not country:
        return ""
    addressee = extra.get("addressee")
    name = str(addressee.get("name", "")) if isinstance(addressee, dict) else ""
    return f"{name}, {latin_name(country)}" if name else latin_name(country)


def unprintable(lines: tuple[str, ...] | list[str], what: str) -> str | None:
    """Why these lines cannot be printed in the station's fonts, or None."""
    missing = "".join(dict.fromkeys("".join(missing_glyphs(line) for line in lines)))
    if not missing:
        return None
    return (
        f"{what} holds characters no font of this station can print ({missing[:12]}): write it in Latin"
        " letters as well, as the destination's post accepts"
    )


def plan(
    address: Address,
    product_key: str,
    customs: str | bytes | dict[str, Any] | None,
    *,
    weight_g: int,
    sender: tuple[str, ...],
    config: StationConfig,
    on: date,
) -> AbroadPlan:
    """Check everything about an item abroad (AbroadRefused names all that is wrong)."""
    table = InternationalTable.for_date(on)
    product = table.product(product_key)
    found = problems(address)
    if found:
        raise AbroadRefused("the address: " + "; ".join(found))
    lines = label_lines(address)
    recipient, country_line = tuple(lines[:-1]), lines[-1]
    for block, what in ((recipient, "the address"), (sender, "the sender's address")):
        reason = unprintable(block, what)
        if reason:
            raise AbroadRefused(reason)
    declaration: Declaration | None = None
    if customs is not None:
        try:
            if isinstance(customs, dict):
                declaration = parse(customs, gross_weight_g=weight_g)
            else:
                declaration = load(customs, gross_weight_g=weight_g)
        except DeclarationRefused as exc:
            raise AbroadRefused(
                "customs declaration refused: " + "; ".join(exc.problems), exc.problems, exc.faults
            ) from None
        reason = unprintable([line.description for line in declaration.lines], "the customs declaration")
        if reason:
            raise AbroadRefused(reason)
    if declaration is None and product.needs_declaration(goods=False):
        raise AbroadRefused(
            f"an {product.name} needs a customs declaration (CN 22 / CN 23): fill in the customs form"
            " (at the counter: F7; on the command line: --customs FILE.json)"
        )
    rates = config.sdr()
    form: Form | None = None
    value_sdr: Decimal | None = None
    if declaration is not None:
        try:
            value_sdr = rates.to_sdr(declaration.total_value, declaration.currency)
        except KeyError as exc:
            raise AbroadRefused(
                f"{exc.args[0]}: add it to the sdr_rates setting, or declare in another currency"
            ) from None
        form = form_for(declaration, rates)
    papers = CustomsPapers(declaration, form, value_sdr, rates)
    return AbroadPlan(address, product, papers, recipient, country_line, table.cn23_copies(address.country))
