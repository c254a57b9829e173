"""The page's texts, as Babel extracts them from the templates and the app (`_("...")`, `N_("...")`,
`words("...")`), and the catalogs' upkeep: `python -m hub.web.catalogs` adds the new texts to each
language's `messages.po` (translations kept) and names those still untranslated."""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from hub.web.i18n import DEFAULT, LANGUAGES

KEYWORDS = {"_": None, "N_": None, "words": None}
METHODS = [("templates/**.html", "jinja2"), ("*.py", "python")]


def messages() -> list[str]:
    """Every text the site can show, in order of first appearance."""
    root = Path(str(files("hub.web")))
    found: dict[str, None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), METHODS, keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, None)
    return list(found)


def po_path(lang: str) -> Path:
    """The language's catalog file."""
    return Path(str(files("hub.web"))) / "locale" / lang / "LC_MESSAGES" / "messages.po"


def untranslated(lang: str) -> list[str]:
    """The texts the language's catalog lacks."""
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    missing = []
    for text in messages():
        kept = catalog.get(text)
        if kept is None or not kept.string:
            missing.append(text)
    return missing


def update() -> int:
    """Add the new texts to every catalog; the number still untranslated."""
    missing = 0
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as f:
                old = read_po(f, locale=lang)
        else:
            old = Catalog(locale=lang)
        fresh = Catalog(locale=lang, project="Parcel Station", charset="utf-8")
        for text in messages():
            kept = old.get(text)
            fresh.add(text, kept.string if kept else "")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, fresh, omit_header=False, width=100)
        left = untranslated(lang)
        missing += len(left)
        for text in left:
            print(f"{lang}: untranslated: {text}")
    return missing


if __name__ == "__main__":
    sys.exit(1 if update() else 0)
