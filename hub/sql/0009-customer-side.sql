-- the customer's side: a web login that reads public columns only, the postcode gate, customers' choices
-- The tracking web app (hub/web) logs in as a member of hub_web. What it may read is named here, column
-- by column: hub.track_events holds an event's item, kind, place (facility), time, reason code and its
-- place in its station's chain, and of an acceptance the service and the first three digits of the ZIPs
-- (the lanes the estimates learn). No operator, no note, no body, no signature, no `extra`: a name, a
-- street, a phone, a customs line or a signature cannot reach a public answer, whatever the app does.
-- The destination postcode itself is never readable by the web login: hub.web_gate compares it, counts
-- the wrong ones per item and per client, and locks an item after too many. A choice is written only by
-- hub.web_choose, after the gate; the stations that handled the item take it by hub.choices_for_me and
-- say they hold it by hub.ack_choices (at least once, each choice once per station).
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hub_web') THEN
        CREATE ROLE hub_web NOLOGIN;
    END IF;
END $$;

-- What the public sees as an event's place: a town or office name for a facility, and its time zone.
CREATE TABLE hub.places (
    facility  text PRIMARY KEY,
    town      text NOT NULL CHECK (length(town) BETWEEN 1 AND 60),
    time_zone text NOT NULL DEFAULT 'UTC'
);

CREATE TABLE hub.web_logins (
    name        text PRIMARY KEY,
    role_name   text UNIQUE NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now()
);

-- The kinds a customer sees: the station's own records (notes, disputes, fraud alerts, overrides,
-- reprints, opening a sack) never leave it.
CREATE FUNCTION hub.is_public_kind(kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT kind NOT IN ('note', 'dispute', 'fraud-alert', 'override', 'reprint', 'sack-open')
$$;

CREATE VIEW hub.track_events AS
    SELECT e.item_id, e.kind, e.upu_code, e.facility, e.occurred_at, e.received_at, e.reason,
           e.container_id, e.station_id, e.seq, e.event_id, e.hash, e.prev_hash,
           CASE WHEN e.kind = 'acceptance' THEN e.extra ->> 'service' END AS service,
           CASE WHEN e.kind = 'acceptance' THEN left(e.extra ->> 'origin_zip', 3) END AS origin_zip3,
           CASE WHEN e.kind = 'acceptance'
                THEN left(coalesce(e.extra ->> 'routing_zip', e.extra ->> 'destination_zip'), 3) END
               AS destination_zip3,
           CASE WHEN e.kind = 'out-for-delivery' AND jsonb_typeof(e.extra -> 'stop') = 'number'
                THEN (e.extra ->> 'stop')::integer END AS round_stop,
           CASE WHEN e.kind = 'choice' THEN e.extra ->> 'choice' END AS choice
    FROM hub.events e
    WHERE hub.is_public_kind(e.kind);

-- A customer's choice for an item, made on the web page behind the postcode.
CREATE TABLE hub.choices (
    id       bigserial PRIMARY KEY,
    item_id  text NOT NULL,
    choice   text NOT NULL CHECK (choice IN ('hold', 'redirect', 'safe-place', 'neighbour', 'another-day')),
    detail   jsonb NOT NULL DEFAULT '{}',
    made_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX choices_by_item ON hub.choices (item_id, id);
CREATE TABLE hub.choice_receipts (
    station_id  text NOT NULL REFERENCES hub.stations,
    choice_id   bigint NOT NULL REFERENCES hub.choices,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (station_id, choice_id)
);
CREATE TABLE hub.gate_failures (
    item_id text NOT NULL,
    client  text NOT NULL,
    at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX gate_failures_by_item ON hub.gate_failures (item_id, at);
CREATE INDEX gate_failures_by_client ON hub.gate_failures (client, at);

-- A neighbour's name handed in with a choice is personal data: other stations never read it.
CREATE OR REPLACE FUNCTION hub.public_extra(x jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT x - 'addressee' - 'sender' - 'customs' - 'neighbour'
$$;

-- The destination postcode of an item, as its acceptance wrote it ('' when none), in one spelling.
CREATE FUNCTION hub.postcode_of(wanted text) RETURNS text
LANGUAGE sql STABLE SET search_path = hub, pg_temp AS $$
    SELECT upper(regexp_replace(coalesce(e.extra ->> 'destination_zip', e.extra -> 'addressee' ->> 'postcode',
                                         ''), '[^A-Za-z0-9]', '', 'g'))
    FROM hub.events e
    WHERE e.item_id = wanted AND e.kind = 'acceptance'
    ORDER BY e.occurred_at
    LIMIT 1
$$;

-- 'ok', 'wrong', 'locked' (too many wrong postcodes for the item, or from the client, in 15 minutes) or
-- 'unknown'. A wrong answer is counted; the count is what slows and then refuses a guesser.
CREATE FUNCTION hub.web_gate(wanted text, postcode text, client text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    kept text := hub.postcode_of(wanted);
    given text := upper(regexp_replace(coalesce(postcode, ''), '[^A-Za-z0-9]', '', 'g'));
    by_item integer;
    by_client integer;
BEGIN
    IF kept IS NULL THEN
        RETURN 'unknown';
    END IF;
    SELECT count(*) INTO by_item FROM hub.gate_failures g
        WHERE g.item_id = wanted AND g.at > clock_timestamp() - interval '15 minutes';
    SELECT count(*) INTO by_client FROM hub.gate_failures g
        WHERE g.client = web_gate.client AND g.at > clock_timestamp() - interval '15 minutes';
    IF by_item >= 8 OR by_client >= 20 THEN
        RETURN 'locked';
    END IF;
    -- A US ZIP+4 is the ZIP it begins with; elsewhere the whole postcode.
    IF kept <> '' AND (given = kept OR (kept ~ '^[0-9]{5}$' AND left(given, 5) = kept AND given ~ '^[0-9]{5}([0-9]{4})?$')) THEN
        RETURN 'ok';
    END IF;
    INSERT INTO hub.gate_failures (item_id, client) VALUES (wanted, web_gate.client);
    RETURN 'wrong';
END $$;

-- How many wrong postcodes the item and the client gave in the last 15 minutes (the app slows by it).
CREATE FUNCTION hub.web_gate_failures(wanted text, client text) RETURNS TABLE (by_item integer, by_client integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
    SELECT (SELECT count(*)::integer FROM hub.gate_failures g
            WHERE g.item_id = wanted AND g.at > clock_timestamp() - interval '15 minutes'),
           (SELECT count(*)::integer FROM hub.gate_failures g
            WHERE g.client = web_gate_failures.client AND g.at > clock_timestamp() - interval '15 minutes')
$$;

-- Make a choice: the gate first, then the item must not be out for delivery or done, nor its sender have
-- forbidden choices at acceptance (`no_choices`). Returns the choice's id, or why not (gate:wrong,
-- gate:locked, gate:unknown, state:KIND, sender:forbidden): an answer, not an error, so that a wrong
-- postcode stays counted.
CREATE FUNCTION hub.web_choose(wanted text, postcode text, client text, chosen text, detail jsonb)
RETURNS TABLE (choice_id bigint, refusal text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    gate text := hub.web_gate(wanted, postcode, client);
    last_kind text;
    forbidden boolean;
    made bigint;
BEGIN
    IF gate <> 'ok' THEN
        RETURN QUERY SELECT NULL::bigint, 'gate:' || gate;
        RETURN;
    END IF;
    SELECT e.kind INTO last_kind FROM hub.events e
        WHERE e.item_id = wanted AND e.kind IN ('acceptance', 'sort-in', 'sack-remove', 'dispatch', 'arrival',
              'delivery-office', 'out-for-delivery', 'delivered', 'attempted', 'delayed', 'returned', 'void')
        ORDER BY e.occurred_at DESC, e.received_at DESC LIMIT 1;
    IF last_kind IN ('out-for-delivery', 'delivered', 'returned', 'void') THEN
        RETURN QUERY SELECT NULL::bigint, 'state:' || last_kind;
        RETURN;
    END IF;
    SELECT coalesce((e.extra ->> 'no_choices')::boolean, false) INTO forbidden FROM hub.events e
        WHERE e.item_id = wanted AND e.kind = 'acceptance' ORDER BY e.occurred_at LIMIT 1;
    IF forbidden THEN
        RETURN QUERY SELECT NULL::bigint, 'sender:forbidden';
        RETURN;
    END IF;
    INSERT INTO hub.choices (item_id, choice, detail) VALUES (wanted, chosen, coalesce(detail, '{}'))
        RETURNING id INTO made;
    PERFORM pg_notify('hub_choices', wanted);
    RETURN QUERY SELECT made, NULL::text;
END $$;

-- The choice in force for an item (the latest), without its personal detail, for the page behind the
-- postcode: the app has checked the postcode with hub.web_gate first.
CREATE FUNCTION hub.web_choice_of(wanted text)
RETURNS TABLE (id bigint, choice text, made_at timestamptz, office text, day date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
    SELECT c.id, c.choice, c.made_at, c.detail ->> 'office', (c.detail ->> 'day')::date
    FROM hub.choices c WHERE c.item_id = wanted ORDER BY c.id DESC LIMIT 1
$$;

-- A station takes the choices for items it handled that it has not said it holds, each with the station
-- that scanned the item last as the hub knows (the one where the choice takes effect now).
CREATE FUNCTION hub.choices_for_me()
RETURNS TABLE (id bigint, item_id text, choice text, detail jsonb, made_at timestamptz, last_scanned_by text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
    WITH me AS (
        SELECT s.station_id FROM hub.stations s WHERE s.role_name = session_user AND s.revoked_at IS NULL
    )
    SELECT c.id, c.item_id, c.choice, c.detail, c.made_at,
           (SELECT e.station_id FROM hub.events e
            WHERE e.item_id = c.item_id AND hub.is_public_kind(e.kind) AND e.kind <> 'choice'
            ORDER BY e.occurred_at DESC, e.received_at DESC LIMIT 1)
    FROM hub.choices c CROSS JOIN me
    WHERE EXISTS (SELECT 1 FROM hub.events e WHERE e.item_id = c.item_id AND e.station_id = me.station_id)
      AND NOT EXISTS (SELECT 1 FROM hub.choice_receipts r WHERE r.station_id = me.station_id
                      AND r.choice_id = c.id)
    ORDER BY c.id
    LIMIT 1000
$$;

CREATE FUNCTION hub.ack_choices(ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    me text;
    n integer;
BEGIN
    SELECT s.station_id INTO me FROM hub.stations s WHERE s.role_name = session_user AND s.revoked_at IS NULL;
    IF me IS NULL THEN
        RAISE EXCEPTION 'role % is not an enrolled station', session_user USING ERRCODE = 'PH002';
    END IF;
    INSERT INTO hub.choice_receipts (station_id, choice_id)
        SELECT me, c.id FROM hub.choices c WHERE c.id = ANY(ids)
        ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

REVOKE ALL ON hub.places, hub.web_logins, hub.choices, hub.choice_receipts, hub.gate_failures FROM PUBLIC;
REVOKE ALL ON FUNCTION hub.web_gate(text, text, text), hub.web_gate_failures(text, text),
    hub.web_choose(text, text, text, text, jsonb), hub.web_choice_of(text), hub.choices_for_me(),
    hub.ack_choices(bigint[]), hub.postcode_of(text) FROM PUBLIC;
GRANT USAGE ON SCHEMA hub TO hub_web;
GRANT SELECT ON hub.track_events, hub.places TO hub_web;
GRANT EXECUTE ON FUNCTION hub.web_gate(text, text, text), hub.web_gate_failures(text, text),
    hub.web_choose(text, text, text, text, jsonb), hub.web_choice_of(text) TO hub_web;
GRANT EXECUTE ON FUNCTION hub.choices_for_me(), hub.ack_choices(bigint[]) TO hub_station;
GRANT SELECT ON hub.places TO hub_station;
