"""How did we do: one question after delivery, answered 1 to 5; the owner of the `sms_feedback` table.

An opted-in customer gets one "Reply 1-5" text per delivered item (consent, quiet hours and the rate
limit apply as to every text). A lone digit texted back answers the latest question not yet answered;
the scores are counted in the till's end-of-day report.
"""

from __future__ import annotations

import sqlite3

SCHEMA_V7 = """
CREATE TABLE IF NOT EXISTS sms_feedback (
    phone   TEXT NOT NULL,
    item_id TEXT NOT NULL,
    score   INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    at      TEXT NOT NULL,
    PRIMARY KEY (phone, item_id)
);
"""
TEMPLATE = "feedback"


def asked(conn: sqlite3.Connection, phone: str, item_id: str) -> bool:
    """True when this number was asked about this item already (once per item)."""
    return (
        conn.execute(
            "SELECT 1 FROM sms_outbox WHERE phone = ? AND item_id = ? AND template = ?",
            (phone, item_id, TEMPLATE),
        ).fetchone()
        is not None
    )


def awaiting(conn: sqlite3.Connection, phone: str) -> str | None:
    """The item of the latest question sent to this number and not answered yet."""
    row = conn.execute(
        "SELECT o.item_id FROM sms_outbox o WHERE o.phone = ? AND o.template = ? AND o.state = 'sent'"
        " AND NOT EXISTS (SELECT 1 FROM sms_feedback f WHERE f.phone = o.phone AND f.item_id = o.item_id)"
        " ORDER BY o.id DESC LIMIT 1",
        (phone, TEMPLATE),
    ).fetchone()
    return str(row[0]) if row else None


def record(conn: sqlite3.Connection, phone: str, item_id: str, score: int, at: str) -> None:
    """The customer's answer."""
    conn.execute(
        "INSERT INTO sms_feedback (phone, item_id, score, at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
        (phone, item_id, score, at),
    )
