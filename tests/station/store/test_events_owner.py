"""One owner per table: the journal's `events` table is named in SQL by the journal alone.

The rest of the station asks the journal (`station.store.journal`) what was scanned, so the table's
columns can change in one module. The schema's migrations (past steps written once) are the exception.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SQL_ON_EVENTS = re.compile(r"\b(FROM|JOIN|INTO|UPDATE)\s+events\b", re.IGNORECASE)
OWNERS = {Path("station/store/journal.py"), Path("station/migrations.py")}


def test_only_the_journal_names_the_events_table_in_sql() -> None:
    found = sorted(
        str(path.relative_to(ROOT))
        for package in ("station", "hardware", "ui")
        for path in (ROOT / package).rglob("*.py")
        if path.relative_to(ROOT) not in OWNERS and SQL_ON_EVENTS.search(path.read_text(encoding="utf-8"))
    )
    assert found == []


def test_the_check_finds_sql_on_the_events_table() -> None:
    # The control: the pattern does see the journal's own queries.
    assert SQL_ON_EVENTS.search((ROOT / "station/store/journal.py").read_text(encoding="utf-8"))
    assert not SQL_ON_EVENTS.search("SELECT * FROM hub.events_2026_12")
