-- follows for the network's texts, handed in by stations, read only by the hub's notifier
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
