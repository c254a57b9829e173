"""The page's languages: gettext catalogs (`hub/web/locale/LANG/LC_MESSAGES/messages.po`, read by Babel),
chosen by `?lang=`, then the `lang` cookie, then `Accept-Language`; dates in the language's own form."""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "es": "Español", "fr": "Français"}
DEFAULT = "en"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The language's catalog (English is the source text)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    source = files("hub.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with source.open("rb") as f:
        catalog = read_po(f, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def negotiate(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language to answer in."""
    for explicit in (asked, cookie):
        if explicit in LANGUAGES:
            return str(explicit)
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if tag and weight > 0:
            wanted.append((weight, tag.strip().replace("_", "-")))
    wanted.sort(key=lambda w: -w[0])
    found = Locale.negotiate([t for _, t in wanted], list(LANGUAGES), sep="-")
    return str(found.language) if found is not None else DEFAULT


class Words:
    """One request's language: `_` for the text, and dates and times in its form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.gettext = translations(lang).gettext
        try:
            self.locale = Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse(DEFAULT)

    def __call__(self, text: str) -> str:
        return self.gettext(text)

    def moment(self, at: datetime, zone: str) -> str:
        """'Tue 1 Dec 2026, 14:05' in the place's own time, in the language's form."""
        return format_datetime(at, "EEE d MMM y, HH:mm", tzinfo=ZoneInfo(zone), locale=self.locale)

    def day(self, day: date) -> str:
        """'Tuesday 1 December'."""
        return format_date(day, "EEEE d MMMM", locale=self.locale)

    def clock(self, at: datetime, zone: str) -> str:
        """'14:00'."""
        return format_time(at, "HH:mm", tzinfo=ZoneInfo(zone), locale=self.locale)
