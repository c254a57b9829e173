"""Which customers' texts were handled already: the owner of the `sms_inbound_ids` table.

A provider names each text it delivers (Twilio's MessageSid). A signed webhook request captured on the
way can be sent again, and a provider retries a request it got no answer to: either way the same text
arrives twice. Its id is kept in the same transaction as what the text did, so a text is applied once,
ever: a replayed START cannot subscribe again a customer who has since texted STOP.
"""

from __future__ import annotations

import sqlite3

SCHEMA_V12 = """
CREATE TABLE IF NOT EXISTS sms_inbound_ids (
    provider_id TEXT PRIMARY KEY,
    phone       TEXT NOT NULL,
    at          TEXT NOT NULL
);
"""


def first_time(conn: sqlite3.Connection, provider_id: str, phone: str, at: str) -> bool:
    """Note the text `provider_id` as handled; False when it was handled already (a replay or a retry)."""
    done = conn.execute(
        "INSERT INTO sms_inbound_ids (provider_id, phone, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (provider_id, phone, at),
    )
    return done.rowcount == 1
