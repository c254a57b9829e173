-- stations' signed checkpoints at the hub: each event's evidence for its customer, checked offline
-- A station pushes the checkpoints it signed (version 2: the head, and the SHA-256 of the hashes of its
-- last 100 events, one per line). The hub keeps each only if it agrees with what the hub holds: the
-- hash at that seq, and the span computed from the hub's own rows; a disagreement is refused and
-- recorded in hub.alerts. The first public key a station pushes is pinned; another one is refused.
-- The web login reads checkpoints and keys (they are public: hashes, times, signatures).
CREATE TABLE hub.station_keys (
    station_id text PRIMARY KEY REFERENCES hub.stations,
    public_key text NOT NULL,
    pinned_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE hub.checkpoints (
    station_id text NOT NULL REFERENCES hub.stations,
    seq        bigint NOT NULL,
    hash       text NOT NULL,
    at         text NOT NULL,
    span_from  bigint NOT NULL,
    span       text NOT NULL,
    signature  text NOT NULL,
    PRIMARY KEY (station_id, seq)
);

-- The checkpoints pushed: how many were new, and why the rest were refused (a key that is not the pinned
-- one, a checkpoint the hub's rows contradict), recorded in hub.alerts. An answer, not an error, so the
-- alert stays.
CREATE FUNCTION hub.push_checkpoints(key text, seqs bigint[], hashes text[], ats text[], span_froms bigint[],
                                     spans text[], signatures text[])
RETURNS TABLE (stored integer, problem text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    me text;
    pinned text;
    n integer := 0;
    i integer;
    held text;
    computed text;
BEGIN
    SELECT s.station_id INTO me FROM hub.stations s WHERE s.role_name = session_user AND s.revoked_at IS NULL;
    IF me IS NULL THEN
        RAISE EXCEPTION 'role % is not an enrolled station', session_user USING ERRCODE = 'PH002';
    END IF;
    SELECT k.public_key INTO pinned FROM hub.station_keys k WHERE k.station_id = me;
    IF pinned IS NULL THEN
        INSERT INTO hub.station_keys (station_id, public_key) VALUES (me, key);
    ELSIF pinned <> key THEN
        INSERT INTO hub.alerts (kind, station_id, detail)
            VALUES ('checkpoint-key', me, format('station %s signs with another checkpoint key', me));
        RETURN QUERY SELECT 0, 'another checkpoint key than the one the hub pinned for this station';
        RETURN;
    END IF;
    FOR i IN 1 .. coalesce(array_length(seqs, 1), 0) LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM hub.checkpoints c WHERE c.station_id = me AND c.seq = seqs[i]);
        SELECT e.hash INTO held FROM hub.events e WHERE e.station_id = me AND e.seq = seqs[i];
        CONTINUE WHEN held IS NULL;  -- its events are not pushed yet: it comes again with them
        SELECT encode(sha256(convert_to(string_agg(e.hash, E'\n' ORDER BY e.seq), 'UTF8')), 'hex')
            INTO computed
            FROM hub.events e WHERE e.station_id = me AND e.seq BETWEEN span_froms[i] AND seqs[i];
        IF held <> hashes[i] OR computed IS DISTINCT FROM spans[i] THEN
            INSERT INTO hub.alerts (kind, station_id, seq, detail)
                VALUES ('checkpoint', me, seqs[i],
                        format('checkpoint %s contradicts the chain the hub holds', seqs[i]));
            RETURN QUERY SELECT n, format('checkpoint %s contradicts the chain the hub holds', seqs[i]);
            RETURN;
        END IF;
        INSERT INTO hub.checkpoints VALUES (me, seqs[i], hashes[i], ats[i], span_froms[i], spans[i], signatures[i]);
        n := n + 1;
    END LOOP;
    RETURN QUERY SELECT n, NULL::text;
END $$;

-- The newest checkpoint the hub holds of the calling station (0: none).
CREATE FUNCTION hub.my_checkpoint_seq() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
    SELECT coalesce(max(c.seq), 0) FROM hub.checkpoints c JOIN hub.stations s USING (station_id)
    WHERE s.role_name = session_user
$$;

-- The evidence of one event: the first checkpoint at or after it whose span covers it, with the hashes
-- of that span and the station's key.
CREATE FUNCTION hub.event_evidence(wanted_station text, wanted_seq bigint)
RETURNS TABLE (seq bigint, hash text, at text, span_from bigint, span text, signature text, public_key text,
               hashes text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
    SELECT c.seq, c.hash, c.at, c.span_from, c.span, c.signature, k.public_key,
           (SELECT array_agg(e.hash ORDER BY e.seq) FROM hub.events e
            WHERE e.station_id = c.station_id AND e.seq BETWEEN c.span_from AND c.seq)
    FROM hub.checkpoints c JOIN hub.station_keys k USING (station_id)
    WHERE c.station_id = wanted_station AND c.seq >= wanted_seq AND c.span_from <= wanted_seq
    ORDER BY c.seq LIMIT 1
$$;

REVOKE ALL ON hub.station_keys, hub.checkpoints FROM PUBLIC;
REVOKE ALL ON FUNCTION hub.push_checkpoints(text, bigint[], text[], text[], bigint[], text[], text[]),
    hub.my_checkpoint_seq(), hub.event_evidence(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.push_checkpoints(text, bigint[], text[], text[], bigint[], text[], text[]),
    hub.my_checkpoint_seq() TO hub_station;
GRANT EXECUTE ON FUNCTION hub.event_evidence(text, bigint) TO hub_web, hub_station;
