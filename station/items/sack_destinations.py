"""Where a sack goes, and which items it takes.

A domestic sack is for a ZIP prefix (`941`: every ZIP starting 941). An exchange sack, for items abroad,
is for a country (`DE`): what the office of exchange sends on to that country's post. An item abroad
goes only into the exchange sack for its country; a domestic item never goes into an exchange sack.
"""

from __future__ import annotations

from station.ids.countries import ISO_3166_ALPHA2

HOME_COUNTRY = "US"


def parse(text: str) -> str | None:
    """A sack's destination as typed (`941`, `de`), normalised; None when it is neither."""
    clean = text.strip()
    if clean.isascii() and clean.isdigit() and 1 <= len(clean) <= 5:
        return clean
    code = clean.upper()
    if len(code) == 2 and code in ISO_3166_ALPHA2 and code != HOME_COUNTRY:
        return code
    return None


def is_exchange(destination: str) -> bool:
    """A sack for a country (items abroad), not for a ZIP prefix."""
    return destination.isalpha()


def shown(destination: str) -> str:
    """As a person reads it on a screen or a tag: `941xx`, or the country's code."""
    return destination if is_exchange(destination) else f"{destination}xx"


def refusal(item: str, sack: str, *, to_zip: str | None, to_country: str | None) -> str | None:
    """Why `item` may not go into a sack for `sack`, or None. An item whose destination is not known
    here (sorted at a depot that never saw it accepted) is taken."""
    abroad = to_country is not None and to_country.upper() != HOME_COUNTRY
    if abroad:
        assert to_country is not None
        country = to_country.upper()
        if not is_exchange(sack):
            return f"WRONG SACK: {item} goes abroad ({country}), this sack is for {shown(sack)}"
        if country != sack:
            return f"WRONG SACK: {item} goes to {country}, this exchange sack is for {sack}"
        return None
    if to_zip is None:
        return None
    if is_exchange(sack):
        return f"WRONG SACK: {item} goes to {to_zip}, this exchange sack is for {sack} (abroad)"
    if not to_zip.startswith(sack):
        return f"WRONG SACK: {item} goes to {to_zip}, this sack is for {sack}xx"
    return None
