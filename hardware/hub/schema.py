"""The hub's schema, as ordered migrations (`hub.schema_version` holds the last one applied).

The hub keeps every station's journal, chain intact. PostgreSQL itself enforces what a station may do:
- `hub.events` is partitioned by month of `occurred_at` (partitions made as events arrive);
- every row is checked by a trigger before it is stored: its hash is recomputed from the canonical body
  the station hashed (`sha256(prev_hash|seq|body)`), its columns are taken from that body (a station
  cannot store one thing and hash another), and it must continue its station's chain (`hub.heads`);
- no one updates, deletes or truncates events (no privilege, and a trigger as a second wall);
- a station's role inserts only rows of its own station id (row-level security) and reads everyone's;
- `hub.push` (SECURITY DEFINER) is the station's path: it takes a batch COPYed into a temporary table,
  skips what the hub already holds, refuses a gap, a fork or an altered event as a whole batch and
  records it in `hub.alerts` (the hub is the outside witness of each station's chain);
- a second acceptance of an item by another station is recorded in `hub.alerts` as it arrives.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "stations, heads, events partitioned by month, alerts, the checks, the push function",
        r"""
CREATE SCHEMA IF NOT EXISTS hub;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_station') THEN
        CREATE ROLE hub_station NOLOGIN;
    END IF;
END $$;
CREATE TABLE hub.stations (
    station_id  text PRIMARY KEY,
    role_name   text UNIQUE NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE hub.heads (
    station_id text PRIMARY KEY REFERENCES hub.stations,
    last_seq   bigint NOT NULL DEFAULT 0,
    last_hash  text NOT NULL DEFAULT repeat('0', 64),
    updated_at timestamptz
);
CREATE TABLE hub.events (
    station_id    text NOT NULL,
    seq           bigint NOT NULL,
    event_id      text NOT NULL,
    item_id       text NOT NULL,
    kind          text NOT NULL,
    upu_code      text,
    facility      text NOT NULL,
    operator      text NOT NULL,
    occurred_at   timestamptz NOT NULL,
    container_id  text,
    weight_g      integer,
    reason        text,
    signature_ref text,
    note          text,
    extra         jsonb NOT NULL,
    body          text NOT NULL,
    prev_hash     text NOT NULL,
    hash          text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (station_id, seq, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX events_by_item ON hub.events (item_id, occurred_at);
CREATE INDEX events_by_container ON hub.events (container_id, occurred_at) WHERE container_id IS NOT NULL;
CREATE TABLE hub.alerts (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL,
    station_id text NOT NULL,
    seq        bigint,
    item_id    text,
    detail     text NOT NULL,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE FUNCTION hub.ensure_month(moment timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    first date := date_trunc('month', moment AT TIME ZONE 'UTC')::date;
    name text := format('events_%s', to_char(first, 'YYYY_MM'));
BEGIN
    IF to_regclass('hub.' || name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS hub.%I PARTITION OF hub.events FOR VALUES FROM (%L) TO (%L)',
            name, (first::timestamp AT TIME ZONE 'UTC'),
            ((first + interval '1 month')::timestamp AT TIME ZONE 'UTC')
        );
    END IF;
END $$;

-- Every row: hash recomputed, columns from the hashed body, chain continued.
CREATE FUNCTION hub.check_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    b jsonb := NEW.body::jsonb;
    h hub.heads%ROWTYPE;
BEGIN
    IF NEW.hash <> encode(
        sha256(convert_to(NEW.prev_hash || '|' || NEW.seq || '|' || NEW.body, 'UTF8')), 'hex'
    ) THEN
        RAISE EXCEPTION 'altered event: % seq % does not hash to its stored hash', NEW.station_id, NEW.seq
            USING ERRCODE = 'PH001';
    END IF;
    IF b->>'station_id' IS DISTINCT FROM NEW.station_id THEN
        RAISE EXCEPTION 'event % seq % names station %', NEW.station_id, NEW.seq, b->>'station_id'
            USING ERRCODE = 'PH001';
    END IF;
    NEW.event_id := b->>'event_id';
    NEW.item_id := b->>'item_id';
    NEW.kind := b->>'kind';
    NEW.upu_code := b->>'upu_code';
    NEW.facility := b->>'facility';
    NEW.operator := b->>'operator';
    NEW.occurred_at := (b->>'occurred_at')::timestamptz;
    NEW.container_id := b->>'container_id';
    NEW.weight_g := (b->>'weight_g')::integer;
    NEW.reason := b->>'reason';
    NEW.signature_ref := b->>'signature_ref';
    NEW.note := b->>'note';
    NEW.extra := coalesce(b->'extra', '{}'::jsonb);
    SELECT * INTO h FROM hub.heads WHERE station_id = NEW.station_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'station % is not enrolled at this hub', NEW.station_id USING ERRCODE = 'PH002';
    END IF;
    IF NEW.seq <> h.last_seq + 1 THEN
        RAISE EXCEPTION 'gap in the chain of %: the hub holds up to seq %, this event is seq %',
            NEW.station_id, h.last_seq, NEW.seq USING ERRCODE = 'PH001';
    END IF;
    IF NEW.prev_hash <> h.last_hash THEN
        RAISE EXCEPTION 'fork in the chain of % at seq %: it does not follow the event the hub holds',
            NEW.station_id, NEW.seq USING ERRCODE = 'PH001';
    END IF;
    UPDATE hub.heads SET last_seq = NEW.seq, last_hash = NEW.hash, updated_at = clock_timestamp()
        WHERE station_id = NEW.station_id;
    RETURN NEW;
END $$;
CREATE TRIGGER events_checked BEFORE INSERT ON hub.events FOR EACH ROW EXECUTE FUNCTION hub.check_event();

CREATE FUNCTION hub.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the hub journal is append-only: events cannot be changed or removed'
        USING ERRCODE = 'PH003';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON hub.events
    FOR EACH ROW EXECUTE FUNCTION hub.append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON hub.events
    FOR EACH STATEMENT EXECUTE FUNCTION hub.append_only();

-- A second acceptance of an item by another station (two offline counters): flagged as it arrives.
CREATE FUNCTION hub.flag_duplicate_acceptance() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    first_station text;
BEGIN
    IF NEW.kind = 'acceptance' THEN
        SELECT station_id INTO first_station FROM hub.events
            WHERE item_id = NEW.item_id AND kind = 'acceptance' AND station_id <> NEW.station_id LIMIT 1;
        IF FOUND THEN
            INSERT INTO hub.alerts (kind, station_id, seq, item_id, detail) VALUES (
                'duplicate-acceptance', NEW.station_id, NEW.seq, NEW.item_id,
                format('%s accepted at %s and at %s', NEW.item_id, first_station, NEW.station_id));
        END IF;
    END IF;
    PERFORM pg_notify('hub_events', NEW.item_id);
    RETURN NULL;
END $$;
CREATE TRIGGER events_duplicates AFTER INSERT ON hub.events
    FOR EACH ROW EXECUTE FUNCTION hub.flag_duplicate_acceptance();

-- The station's push: rows COPYed into pg_temp.incoming, then this. Returns what the hub now holds.
CREATE FUNCTION hub.push(claim_seq bigint, claim_hash text, at_head_hash text)
RETURNS TABLE (accepted integer, last_seq bigint, last_hash text, problem text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    me text;
    h hub.heads%ROWTYPE;
    n integer := 0;
    month timestamptz;
    clash record;
BEGIN
    SELECT s.station_id INTO me FROM hub.stations s WHERE s.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'role % is not an enrolled station', session_user USING ERRCODE = 'PH002';
    END IF;
    SELECT * INTO h FROM hub.heads WHERE station_id = me FOR UPDATE;
    -- What the station says it holds against what the hub witnessed.
    IF claim_seq < h.last_seq THEN
        INSERT INTO hub.alerts (kind, station_id, seq, detail) VALUES ('tamper', me, claim_seq,
            format('truncated journal: the station holds up to seq %s, the hub witnessed up to %s',
                   claim_seq, h.last_seq));
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash,
            format('journal truncated: the hub holds up to seq %s', h.last_seq);
        RETURN;
    END IF;
    IF h.last_seq > 0 AND at_head_hash IS DISTINCT FROM h.last_hash THEN
        INSERT INTO hub.alerts (kind, station_id, seq, detail) VALUES ('tamper', me, h.last_seq,
            format('rewritten journal: the station''s event %s is not the one the hub witnessed',
                   h.last_seq));
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash, format('journal rewritten at seq %s', h.last_seq);
        RETURN;
    END IF;
    -- Rows the hub holds already must be the same rows (a batch pushed twice is no harm).
    SELECT i.seq INTO clash FROM pg_temp.incoming i JOIN hub.events e ON e.station_id = me AND e.seq = i.seq
        WHERE e.hash <> i.hash LIMIT 1;
    IF FOUND THEN
        INSERT INTO hub.alerts (kind, station_id, seq, detail) VALUES ('tamper', me, clash.seq,
            format('fork: the station''s event %s differs from the one the hub holds', clash.seq));
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash, format('fork at seq %s', clash.seq);
        RETURN;
    END IF;
    FOR month IN SELECT DISTINCT date_trunc('month', (i.body::jsonb->>'occurred_at')::timestamptz)
                 FROM pg_temp.incoming i WHERE i.seq > h.last_seq LOOP
        PERFORM hub.ensure_month(month);
    END LOOP;
    BEGIN
        INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, facility, operator, occurred_at,
                                extra, body, prev_hash, hash, recorded_at)
            SELECT me, i.seq, '', '', '', '', '', (i.body::jsonb->>'occurred_at')::timestamptz, '{}',
                   i.body, i.prev_hash, i.hash, i.recorded_at
            FROM pg_temp.incoming i WHERE i.seq > h.last_seq ORDER BY i.seq;
        GET DIAGNOSTICS n = ROW_COUNT;
    EXCEPTION WHEN SQLSTATE 'PH001' THEN
        INSERT INTO hub.alerts (kind, station_id, detail) VALUES ('tamper', me, SQLERRM);
        SELECT * INTO h FROM hub.heads WHERE station_id = me;
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash, SQLERRM;
        RETURN;
    END;
    SELECT * INTO h FROM hub.heads WHERE station_id = me;
    RETURN QUERY SELECT n, h.last_seq, h.last_hash, NULL::text;
END $$;

ALTER TABLE hub.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY stations_read ON hub.events FOR SELECT TO hub_station USING (true);
CREATE POLICY stations_insert_own ON hub.events FOR INSERT TO hub_station
    WITH CHECK (station_id = (SELECT s.station_id FROM hub.stations s WHERE s.role_name = current_user));
GRANT USAGE ON SCHEMA hub TO hub_station;
GRANT SELECT, INSERT ON hub.events TO hub_station;
GRANT SELECT ON hub.heads, hub.stations TO hub_station;
REVOKE ALL ON FUNCTION hub.push(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.push(bigint, text, text) TO hub_station;
REVOKE ALL ON FUNCTION hub.ensure_month(timestamptz) FROM PUBLIC;
""",
    ),
)
LATEST = MIGRATIONS[-1][0]
