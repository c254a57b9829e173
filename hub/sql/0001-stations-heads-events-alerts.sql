-- stations, heads, events partitioned by month, alerts, the checks, the push function
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
