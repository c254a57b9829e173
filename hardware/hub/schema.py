"""The hub's schema, as ordered migrations (`hub.schema_version` holds the last one applied).

The hub keeps every station's journal, chain intact. PostgreSQL itself enforces what a station may do:
- `hub.events` is partitioned by month of `occurred_at` (partitions made as events arrive);
- every row is checked by a trigger before it is stored: its hash is recomputed from the canonical body
  the station hashed (`sha256(prev_hash|seq|body)`), its columns are taken from that body (a station
  cannot store one thing and hash another), and it must continue its station's chain (`hub.heads`);
- no one updates, deletes or truncates events (no privilege, and a trigger as a second wall);
- a station's role inserts only rows of its own station id (row-level security) and reads everyone's;
- `hub.push_rows` (SECURITY DEFINER; schema 3, `hub.push` before it) is the station's path: it takes
  a batch COPYed into a temporary table (each event's hashed text and its columns), skips what the hub
  already holds, refuses a gap, a fork, an altered event or columns that are not the hashed text as a
  whole batch and records it in `hub.alerts` (the hub is the outside witness of each station's chain);
- a second acceptance of an item by another station is recorded in `hub.alerts` as it arrives;
- every push that stores something wakes the hub's notifier (`pg_notify('hub_events')`), which texts
  the network's customers once, from the events and the follows (`hub.follows`) stations handed in.
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

-- A row inserted directly (not through hub.push): hash recomputed, columns from the hashed body, chain
-- continued, one row at a time. hub.push checks its whole batch at once and inserts as the schema's
-- owner (SECURITY DEFINER), so inside it current_user differs from session_user and the row check is
-- not repeated; a station role cannot make a definer function run as anyone but itself.
CREATE FUNCTION hub.checked_row(r hub.events) RETURNS hub.events
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    b jsonb := r.body::jsonb;
    h hub.heads%ROWTYPE;
BEGIN
    IF r.hash <> encode(sha256(convert_to(r.prev_hash || '|' || r.seq || '|' || r.body, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'altered event: % seq % does not hash to its stored hash', r.station_id, r.seq
            USING ERRCODE = 'PH001';
    END IF;
    IF b->>'station_id' IS DISTINCT FROM r.station_id THEN
        RAISE EXCEPTION 'event % seq % names station %', r.station_id, r.seq, b->>'station_id'
            USING ERRCODE = 'PH001';
    END IF;
    r.event_id := b->>'event_id';
    r.item_id := b->>'item_id';
    r.kind := b->>'kind';
    r.upu_code := b->>'upu_code';
    r.facility := b->>'facility';
    r.operator := b->>'operator';
    r.occurred_at := (b->>'occurred_at')::timestamptz;
    r.container_id := b->>'container_id';
    r.weight_g := (b->>'weight_g')::integer;
    r.reason := b->>'reason';
    r.signature_ref := b->>'signature_ref';
    r.note := b->>'note';
    r.extra := coalesce(b->'extra', '{}'::jsonb);
    SELECT * INTO h FROM hub.heads WHERE station_id = r.station_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'station % is not enrolled at this hub', r.station_id USING ERRCODE = 'PH002';
    END IF;
    IF r.seq <> h.last_seq + 1 THEN
        RAISE EXCEPTION 'gap in the chain of %: the hub holds up to seq %, this event is seq %',
            r.station_id, h.last_seq, r.seq USING ERRCODE = 'PH001';
    END IF;
    IF r.prev_hash <> h.last_hash THEN
        RAISE EXCEPTION 'fork in the chain of % at seq %: it does not follow the event the hub holds',
            r.station_id, r.seq USING ERRCODE = 'PH001';
    END IF;
    UPDATE hub.heads SET last_seq = r.seq, last_hash = r.hash, updated_at = clock_timestamp()
        WHERE station_id = r.station_id;
    IF r.kind = 'acceptance' THEN
        INSERT INTO hub.alerts (kind, station_id, seq, item_id, detail)
            SELECT DISTINCT ON (e.item_id) 'duplicate-acceptance', r.station_id, r.seq, r.item_id,
                   format('%s accepted at %s and at %s', r.item_id, e.station_id, r.station_id)
            FROM hub.events e WHERE e.item_id = r.item_id AND e.kind = 'acceptance'
                AND e.station_id <> r.station_id;
    END IF;
    PERFORM pg_notify('hub_events', r.station_id);
    RETURN r;
END $$;
CREATE FUNCTION hub.check_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_user <> session_user THEN
        RETURN NEW;  -- inserted by hub.push, whose batch was checked as a whole
    END IF;
    RETURN hub.checked_row(NEW);
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
    -- The whole batch checked at once: every body parsed and every hash recomputed in one pass, then
    -- the chain followed from the hub's head.
    DROP TABLE IF EXISTS pg_temp.parsed;
    CREATE TEMP TABLE parsed ON COMMIT DROP AS
        SELECT i.seq, i.prev_hash, i.hash, i.body, i.recorded_at, i.body::jsonb AS b,
               encode(sha256(convert_to(i.prev_hash || '|' || i.seq || '|' || i.body, 'UTF8')),
                   'hex') AS computed,
               lag(i.seq) OVER w AS prev_seq, lag(i.hash) OVER w AS prev_row_hash
        FROM pg_temp.incoming i WHERE i.seq > h.last_seq WINDOW w AS (ORDER BY i.seq);
    SELECT p.seq, CASE
            WHEN p.hash <> p.computed
                THEN format('altered event: %s seq %s does not hash to its stored hash', me, p.seq)
            WHEN p.seq <> coalesce(p.prev_seq, h.last_seq) + 1 THEN
                format('gap in the chain of %s: seq %s follows seq %s', me, p.seq, coalesce(p.prev_seq,
                    h.last_seq))
            WHEN p.prev_hash <> coalesce(p.prev_row_hash, h.last_hash)
                THEN format('fork in the chain of %s at seq %s', me, p.seq)
            WHEN (p.b->>'station_id') IS DISTINCT FROM me
                THEN format('event %s of %s names another station', p.seq, me)
        END AS problem
        INTO clash FROM pg_temp.parsed p
        WHERE p.hash <> p.computed OR p.seq <> coalesce(p.prev_seq, h.last_seq) + 1
           OR p.prev_hash <> coalesce(p.prev_row_hash, h.last_hash) OR (p.b->>'station_id') IS DISTINCT
               FROM me
        ORDER BY p.seq LIMIT 1;
    IF FOUND THEN
        INSERT INTO hub.alerts (kind, station_id, seq, detail) VALUES ('tamper', me, clash.seq,
            clash.problem);
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash, clash.problem::text;
        RETURN;
    END IF;
    FOR month IN SELECT DISTINCT date_trunc('month', (p.b->>'occurred_at')::timestamptz)
        FROM pg_temp.parsed p LOOP
        PERFORM hub.ensure_month(month);
    END LOOP;
    INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, upu_code, facility, operator,
        occurred_at,
                            container_id, weight_g, reason, signature_ref, note, extra, body, prev_hash, hash,
                            recorded_at)
        SELECT me, i.seq, b->>'event_id', b->>'item_id', b->>'kind', b->>'upu_code', b->>'facility',
               b->>'operator', (b->>'occurred_at')::timestamptz, b->>'container_id',
                   (b->>'weight_g')::integer,
               b->>'reason', b->>'signature_ref', b->>'note', coalesce(b->'extra', '{}'::jsonb), i.body,
               i.prev_hash, i.hash, i.recorded_at
        FROM pg_temp.parsed i ORDER BY i.seq;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        UPDATE hub.heads SET (last_seq, last_hash, updated_at) = (
            SELECT i.seq, i.hash, clock_timestamp() FROM pg_temp.parsed i ORDER BY i.seq DESC LIMIT 1)
            WHERE station_id = me;
        -- A second acceptance of an item by another station (two offline counters): flagged as it arrives.
        INSERT INTO hub.alerts (kind, station_id, seq, item_id, detail)
            SELECT DISTINCT ON (i.item_id) 'duplicate-acceptance', me, i.seq, i.item_id,
                   format('%s accepted at %s and at %s', i.item_id, e.station_id, me)
            FROM (SELECT x.seq, x.b->>'item_id' AS item_id FROM pg_temp.parsed x
                WHERE x.b->>'kind' = 'acceptance') i
            JOIN hub.events e ON e.item_id = i.item_id AND e.kind = 'acceptance' AND e.station_id <> me;
        PERFORM pg_notify('hub_events', me);
    END IF;
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
    (
        2,
        "follows for the network's texts, handed in by stations, read only by the hub's notifier",
        r"""
-- Phone numbers are personal data: a station hands in the follows its counter took and never reads
-- anyone's (no privilege on the table); the hub's notifier reads them as the hub's owner.
CREATE TABLE hub.follows (
    station_id   text NOT NULL REFERENCES hub.stations,
    local_id     bigint NOT NULL,
    phone        text NOT NULL,
    item_id      text NOT NULL,
    requested_at timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (station_id, local_id)
);
CREATE FUNCTION hub.push_follows(local_ids bigint[], phones text[], items text[], requested timestamptz[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    me text;
    n integer;
BEGIN
    SELECT s.station_id INTO me FROM hub.stations s WHERE s.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'role % is not an enrolled station', session_user USING ERRCODE = 'PH002';
    END IF;
    -- One push of a station at a time (its head row is the lock pushes of events take too), so its
    -- follows become visible in its own order and the notifier's per-station cursor misses none.
    PERFORM 1 FROM hub.heads WHERE station_id = me FOR UPDATE;
    INSERT INTO hub.follows (station_id, local_id, phone, item_id, requested_at)
        SELECT me, f.local_id, f.phone, f.item_id, f.requested_at
        FROM unnest(local_ids, phones, items, requested) AS f (local_id, phone, item_id, requested_at)
        ORDER BY f.local_id
        ON CONFLICT (station_id, local_id) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        PERFORM pg_notify('hub_events', me);
    END IF;
    RETURN n;
END $$;
REVOKE ALL ON hub.follows FROM PUBLIC;
REVOKE ALL ON FUNCTION hub.push_follows(bigint[], text[], text[], timestamptz[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.push_follows(bigint[], text[], text[], timestamptz[]) TO hub_station;
""",
    ),
    (
        3,
        "push_rows: the columns sent with the body and checked against the hashed text, in one statement",
        r"""
-- Who accepted an item: the duplicate-acceptance check of every push, and the online refusal.
CREATE INDEX events_acceptances ON hub.events (item_id, station_id) WHERE kind = 'acceptance';

-- The row check is for rows inserted directly; inside hub.push_rows (SECURITY DEFINER) current_user is
-- the owner and the batch was checked as a whole: the trigger's WHEN skips the per-row call entirely.
DROP TRIGGER events_checked ON hub.events;
CREATE TRIGGER events_checked BEFORE INSERT ON hub.events FOR EACH ROW
    WHEN (current_user = session_user) EXECUTE FUNCTION hub.check_event();

CREATE FUNCTION hub.refuse(seq bigint, problem text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', problem USING ERRCODE = 'PH004', DETAIL = seq::text;
END $$;

-- The station's push since schema 3: rows COPYed into pg_temp.incoming_rows, then this. The chain is
-- followed over the whole batch in one pass (each row after the one before it), then the rows are
-- stored by one INSERT ... SELECT that recomputes every hash as it goes: a row that does not hash,
-- or whose columns are not the text it hashed, stops it through hub.refuse, and the batch is
-- refused whole.
--
-- Each row comes as its columns (`extra` as its canonical text). The text a station hashed is
-- canonical JSON (keys sorted, no spaces), and without a backslash in it no character was escaped,
-- so each string's JSON is the string between quotes: the station then sends no body, the hub
-- rebuilds it by concatenation and hashes that, so the hash itself proves the columns are the hashed
-- ones. A body with a backslash (an escaped quote, a new line) is sent as it is, hashed as sent, and
-- compared with the columns as JSON: slower, and never refused wrongly.
CREATE FUNCTION hub.push_rows(claim_seq bigint, claim_hash text, at_head_hash text)
RETURNS TABLE (accepted integer, last_seq bigint, last_hash text, problem text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    me text;
    h hub.heads%ROWTYPE;
    n integer := 0;
    month timestamptz;
    clash record;
    whole record;
    refusal text;
    refused_seq text;
    attempt integer;
BEGIN
    SELECT s.station_id INTO me FROM hub.stations s WHERE s.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'role % is not an enrolled station', session_user USING ERRCODE = 'PH002';
    END IF;
    SELECT * INTO h FROM hub.heads WHERE station_id = me FOR UPDATE;
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
    IF EXISTS (SELECT 1 FROM pg_temp.incoming_rows i WHERE i.seq <= h.last_seq) THEN
        SELECT i.seq INTO clash FROM pg_temp.incoming_rows i
            JOIN hub.events e ON e.station_id = me AND e.seq = i.seq
            WHERE i.seq <= h.last_seq AND e.hash <> i.hash LIMIT 1;
        IF FOUND THEN
            INSERT INTO hub.alerts (kind, station_id, seq, detail) VALUES ('tamper', me, clash.seq,
                format('fork: the station''s event %s differs from the one the hub holds', clash.seq));
            RETURN QUERY SELECT 0, h.last_seq, h.last_hash, format('fork at seq %s', clash.seq);
            RETURN;
        END IF;
    END IF;
    -- The chain, in one pass: each row after the one before it, no gap, no seq twice (a seq twice
    -- would make the join's rows outnumber the seqs from first to last). Hashes are checked as the
    -- rows are stored, below.
    SELECT count(*) AS rows, min(i.seq) AS first, max(i.seq) AS last,
           coalesce(bool_and(i.prev_hash IS NOT DISTINCT FROM CASE WHEN i.seq = h.last_seq + 1
                                 THEN h.last_hash ELSE p.hash END), true) AS chained
        INTO whole
        FROM pg_temp.incoming_rows i LEFT JOIN pg_temp.incoming_rows p ON p.seq = i.seq - 1
        WHERE i.seq > h.last_seq;
    IF whole.rows > 0 AND NOT (whole.chained AND whole.first = h.last_seq + 1
                               AND whole.last - whole.first + 1 = whole.rows) THEN
        -- Something is wrong: find the first row that is, and say what.
        SELECT c.seq, CASE
                WHEN c.seq <> coalesce(c.prev_seq, h.last_seq) + 1
                    THEN format('gap in the chain of %s: seq %s follows seq %s', me, c.seq,
                                coalesce(c.prev_seq, h.last_seq))
                ELSE format('fork in the chain of %s at seq %s', me, c.seq)
            END AS problem
            INTO clash
            FROM (SELECT i.seq, i.prev_hash, lag(i.seq) OVER w AS prev_seq,
                         lag(i.hash) OVER w AS prev_row_hash
                  FROM pg_temp.incoming_rows i WHERE i.seq > h.last_seq WINDOW w AS (ORDER BY i.seq)) c
            WHERE c.seq <> coalesce(c.prev_seq, h.last_seq) + 1
               OR c.prev_hash <> coalesce(c.prev_row_hash, h.last_hash)
            ORDER BY c.seq LIMIT 1;
        INSERT INTO hub.alerts (kind, station_id, seq, detail) VALUES ('tamper', me, clash.seq,
            clash.problem);
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash, clash.problem::text;
        RETURN;
    END IF;
    BEGIN
      FOR attempt IN 1..2 LOOP
       BEGIN
        INSERT INTO hub.events (station_id, seq, event_id, item_id, kind, upu_code, facility, operator,
                                occurred_at, container_id, weight_g, reason, signature_ref, note, extra,
                                body, prev_hash, hash, recorded_at)
            SELECT me, c.seq, c.event_id, c.item_id, c.kind, c.upu_code, c.facility, c.operator,
                   c.occurred_at::timestamptz, c.container_id, c.weight_g, c.reason, c.signature_ref,
                   c.note, CASE WHEN c.extra = '{}' THEN '{}'::jsonb ELSE c.extra::jsonb END,
                   coalesce(c.rebuilt, c.body), c.prev_hash, c.hash, c.recorded_at::timestamptz
            FROM (
                SELECT i.*, CASE WHEN i.body IS NULL THEN '{"container_id":'
                        || coalesce('"' || i.container_id || '"', 'null')
                        || ',"event_id":' || coalesce('"' || i.event_id || '"', 'null')
                        || ',"extra":' || i.extra
                        || ',"facility":' || coalesce('"' || i.facility || '"', 'null')
                        || ',"item_id":' || coalesce('"' || i.item_id || '"', 'null')
                        || ',"kind":' || coalesce('"' || i.kind || '"', 'null')
                        || ',"note":' || coalesce('"' || i.note || '"', 'null')
                        || ',"occurred_at":' || coalesce('"' || i.occurred_at || '"', 'null')
                        || ',"operator":' || coalesce('"' || i.operator || '"', 'null')
                        || ',"reason":' || coalesce('"' || i.reason || '"', 'null')
                        || ',"signature_ref":' || coalesce('"' || i.signature_ref || '"', 'null')
                        || ',"station_id":"' || me || '"'
                        || ',"upu_code":' || coalesce('"' || i.upu_code || '"', 'null')
                        || ',"weight_g":' || coalesce(i.weight_g::text, 'null') || '}' END AS rebuilt
                FROM pg_temp.incoming_rows i
                WHERE i.seq > h.last_seq
                OFFSET 0  -- the text rebuilt once per row: hashed, checked and stored alike
            ) c
            WHERE CASE
                WHEN c.hash IS DISTINCT FROM encode(sha256(convert_to(
                        c.prev_hash || '|' || c.seq || '|' || coalesce(c.rebuilt, c.body), 'UTF8')), 'hex')
                    THEN hub.refuse(c.seq,
                        format('altered event: %s seq %s does not hash to its stored hash', me, c.seq))
                WHEN c.rebuilt IS NULL AND c.body::jsonb IS DISTINCT FROM jsonb_build_object(
                        'container_id', c.container_id, 'event_id', c.event_id, 'extra', c.extra::jsonb,
                        'facility', c.facility, 'item_id', c.item_id, 'kind', c.kind, 'note', c.note,
                        'occurred_at', c.occurred_at, 'operator', c.operator, 'reason', c.reason,
                        'signature_ref', c.signature_ref, 'station_id', me, 'upu_code', c.upu_code,
                        'weight_g', c.weight_g)
                    THEN hub.refuse(c.seq, format('event %s of %s: its columns are not the text it hashed',
                                                  c.seq, me))
                ELSE true END;
        GET DIAGNOSTICS n = ROW_COUNT;
        EXIT;
       EXCEPTION WHEN check_violation THEN  -- no partition for a row yet: the first push of a month
        IF attempt = 2 THEN
            RAISE;
        END IF;
        FOR month IN SELECT generate_series(date_trunc('month', min(i.occurred_at::timestamptz)),
                                            max(i.occurred_at::timestamptz), interval '1 month')
            FROM pg_temp.incoming_rows i WHERE i.seq > h.last_seq LOOP
            PERFORM hub.ensure_month(month);
        END LOOP;
       END;
      END LOOP;
    EXCEPTION WHEN SQLSTATE 'PH004' OR data_exception THEN  -- data_exception: a body that is not JSON
        GET STACKED DIAGNOSTICS refusal = MESSAGE_TEXT, refused_seq = PG_EXCEPTION_DETAIL;
        INSERT INTO hub.alerts (kind, station_id, seq, detail)
            VALUES ('tamper', me, nullif(refused_seq, '')::bigint, refusal);
        RETURN QUERY SELECT 0, h.last_seq, h.last_hash, refusal;
        RETURN;
    END;
    IF n > 0 THEN
        UPDATE hub.heads SET (last_seq, last_hash, updated_at) = (
            SELECT i.seq, i.hash, clock_timestamp() FROM pg_temp.incoming_rows i ORDER BY i.seq DESC LIMIT 1)
            WHERE station_id = me;
        -- A second acceptance of an item by another station (two offline counters): flagged as it arrives.
        INSERT INTO hub.alerts (kind, station_id, seq, item_id, detail)
            SELECT DISTINCT ON (i.item_id) 'duplicate-acceptance', me, i.seq, i.item_id,
                   format('%s accepted at %s and at %s', i.item_id, e.station_id, me)
            FROM pg_temp.incoming_rows i
            JOIN hub.events e ON e.item_id = i.item_id AND e.kind = 'acceptance' AND e.station_id <> me
            WHERE i.kind = 'acceptance' AND i.seq > h.last_seq;
        PERFORM pg_notify('hub_events', me);
    END IF;
    SELECT * INTO h FROM hub.heads WHERE station_id = me;
    RETURN QUERY SELECT n, h.last_seq, h.last_hash, NULL::text;
END $$;
REVOKE ALL ON FUNCTION hub.push_rows(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.push_rows(bigint, text, text) TO hub_station;
REVOKE ALL ON FUNCTION hub.refuse(bigint, text) FROM PUBLIC;
""",
    ),
)
LATEST = MIGRATIONS[-1][0]
