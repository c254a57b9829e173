-- definer functions bound to their caller: the row check only as a trigger, rebuilt bodies refuse escaped text
-- Until schema 4 the row check was hub.checked_row(hub.events), SECURITY DEFINER and executable by
-- PUBLIC, which did not check that the row's station was the caller's: a station login could call it
-- with another station's made-up row, move that station's head without storing an event (every later
-- push of that station then refused as "journal rewritten"), and add made-up alerts. The check is now
-- the trigger function itself, run as the hub's owner: PostgreSQL calls a trigger function only as a
-- trigger, and it refuses a row of any station but the caller's.
DROP TRIGGER events_checked ON hub.events;
DROP FUNCTION hub.check_event();
DROP FUNCTION hub.checked_row(hub.events);
-- The first push function, unused since hub.push_rows (schema 3): a definer function nobody needs is
-- one more door.
DROP FUNCTION hub.push(bigint, text, text);

CREATE FUNCTION hub.check_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    caller text;
    b jsonb;
    h hub.heads%ROWTYPE;
BEGIN
    SELECT s.station_id INTO caller FROM hub.stations s WHERE s.role_name = session_user;
    IF caller IS NOT NULL AND caller IS DISTINCT FROM NEW.station_id THEN
        RAISE EXCEPTION 'station % may not store events of station %', caller, NEW.station_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.hash <> encode(sha256(convert_to(NEW.prev_hash || '|' || NEW.seq || '|' || NEW.body, 'UTF8')),
                          'hex') THEN
        RAISE EXCEPTION 'altered event: % seq % does not hash to its stored hash', NEW.station_id, NEW.seq
            USING ERRCODE = 'PH001';
    END IF;
    b := NEW.body::jsonb;
    IF b->>'station_id' IS DISTINCT FROM NEW.station_id THEN
        RAISE EXCEPTION 'event % seq % names station %', NEW.station_id, NEW.seq, b->>'station_id'
            USING ERRCODE = 'PH001';
    END IF;
    -- The columns are the hashed text's, whatever was sent beside it.
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
    IF NEW.kind = 'acceptance' THEN
        INSERT INTO hub.alerts (kind, station_id, seq, item_id, detail)
            SELECT DISTINCT ON (e.item_id) 'duplicate-acceptance', NEW.station_id, NEW.seq, NEW.item_id,
                   format('%s accepted at %s and at %s', NEW.item_id, e.station_id, NEW.station_id)
            FROM hub.events e WHERE e.item_id = NEW.item_id AND e.kind = 'acceptance'
                AND e.station_id <> NEW.station_id;
    END IF;
    PERFORM pg_notify('hub_events', NEW.station_id);
    RETURN NEW;
END $$;
-- Rows stored by hub.push_rows (run as the owner, so current_user is not session_user there) were
-- checked as a batch; a row inserted directly is checked here, one at a time.
CREATE TRIGGER events_checked BEFORE INSERT ON hub.events FOR EACH ROW
    WHEN (current_user = session_user) EXECUTE FUNCTION hub.check_event();

-- A text that JSON escapes (a quote, a backslash, a control character) cannot be glued between quotes:
-- `note = 'x","kind":"delivered'` would make a rebuilt body that parses (the last key wins) to
-- something the columns do not say. The station sends the body itself whenever its text has an escape
-- in it, so a column holding such a character with no body beside it is a forgery.
CREATE FUNCTION hub.escapes_in_json(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT t ~ ('["\\' || chr(1) || '-' || chr(31) || ']')
$$;

CREATE OR REPLACE FUNCTION hub.push_rows(claim_seq bigint, claim_hash text, at_head_hash text)
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
                WHEN c.rebuilt IS NOT NULL AND hub.escapes_in_json(concat_ws(' ', c.container_id,
                        c.event_id, c.facility, c.item_id, c.kind, c.note, c.occurred_at, c.operator,
                        c.reason, c.signature_ref, c.upu_code))
                    THEN hub.refuse(c.seq, format('event %s of %s: a column holds a quote, a backslash or'
                        ' a control character but no body was sent to prove it', c.seq, me))
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
REVOKE ALL ON FUNCTION hub.escapes_in_json(text) FROM PUBLIC;
