"""ISO 3166-1 countries (the last two letters of a UPU S10 identifier, the destination of an item), from
the maintained pycountry data (Debian's iso-codes) rather than a list kept by hand.

The UPU asks for the destination country printed in Latin capitals (Convention, Letter Post Regulations,
addressing): `latin_name` gives the ISO English short name for it ("RUSSIAN FEDERATION").
"""

from __future__ import annotations

import pycountry

from station.errors import Refused

ISO_3166_ALPHA2: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)


class UnknownCountry(Refused):
    """Not an ISO 3166-1 alpha-2 code; the message names it."""


def latin_name(alpha2: str) -> str:
    """The country's ISO English short name in capitals, as printed under an international address."""
    found = pycountry.countries.get(alpha_2=alpha2.upper()) if alpha2.isascii() and len(alpha2) == 2 else None
    if found is None:
        raise UnknownCountry(f"{alpha2!r} is not an ISO 3166 country code (two letters, e.g. DE, RU, CN)")
    return str(found.name).upper()
