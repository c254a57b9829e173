-- serial leases: each station's blocks of tracking-number serials, leased from the hub, never overlapping
-- Two stations of one network must never issue the same tracking number. The serial space of each
-- kind of number is split into blocks the hub leases, one station at a time:
--   s10:EE:US     UPU S10, one service indicator of one country: 8-digit serials;
--   impb:MID      USPS IMpb of one Mailer ID: the serial after a 9-digit MID has 7 digits, after a
--                 6-digit MID 10;
--   sscc:PREFIX   GS1 SSCC of one company prefix: the serial reference has 16 - len(PREFIX) digits.
-- A block is never leased while another lease of its space overlaps it and that lease is unfinished,
-- or finished (used up, or its station revoked) less than 12 months ago: the UPU's S10 rule is that an
-- item id is not reused within 12 months, and IMpb's 180 days are within it.
CREATE TABLE hub.serial_leases (
    id           bigserial PRIMARY KEY,
    station_id   text NOT NULL REFERENCES hub.stations (station_id),
    space        text NOT NULL,
    first_serial bigint NOT NULL,
    last_serial  bigint NOT NULL,
    leased_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz,
    CHECK (1 <= first_serial AND first_serial <= last_serial)
);
CREATE INDEX serial_leases_space ON hub.serial_leases (space, first_serial);
REVOKE ALL ON hub.serial_leases FROM PUBLIC;

-- The largest serial of a space, or NULL for a name that is not one.
CREATE FUNCTION hub.serial_space_top(p_space text) RETURNS bigint
LANGUAGE sql IMMUTABLE SET search_path = hub, pg_temp AS $$
    SELECT CASE
        WHEN p_space ~ '^s10:[A-Z]{2}:[A-Z]{2}$' THEN 99999999::bigint
        WHEN p_space ~ '^impb:[0-9]{9}$' THEN 9999999::bigint
        WHEN p_space ~ '^impb:[0-9]{6}$' THEN 9999999999::bigint
        WHEN p_space ~ '^sscc:[0-9]{6,12}$' THEN (10::bigint ^ (21 - length(p_space)))::bigint - 1
    END
$$;

-- The caller's station leases its next block of `p_size` serials of `p_space`: the lowest free one.
-- A station holds at most two unfinished blocks of a space (the one it issues from and the next), and
-- a block is at most a twentieth of its space, so no station can take a space from the others.
CREATE FUNCTION hub.lease_serials(p_space text, p_size bigint)
RETURNS TABLE (id bigint, space text, first_serial bigint, last_serial bigint, leased_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    caller text;
    top bigint := hub.serial_space_top(p_space);
    candidate bigint := 1;
    taken record;
BEGIN
    SELECT s.station_id INTO caller FROM hub.stations s
        WHERE s.role_name = session_user AND s.revoked_at IS NULL;
    IF caller IS NULL THEN
        RAISE EXCEPTION 'only an enrolled station leases serials' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF top IS NULL THEN
        RAISE EXCEPTION 'no serial space is named %', p_space USING ERRCODE = 'PH003';
    END IF;
    IF p_size IS NULL OR p_size < 1 OR p_size > least(1000000, top / 20) THEN
        RAISE EXCEPTION 'a block of % holds 1 to % serials, not %', p_space, least(1000000, top / 20), p_size
            USING ERRCODE = 'PH003';
    END IF;
    -- One lease of a space at a time, network-wide: two stations asking together get different blocks.
    PERFORM pg_advisory_xact_lock(hashtext('hub.serial_leases'), hashtext(p_space));
    IF (SELECT count(*) FROM hub.serial_leases l
        WHERE l.station_id = caller AND l.space = p_space AND l.finished_at IS NULL) >= 2 THEN
        RAISE EXCEPTION 'station % holds two unfinished blocks of % already', caller, p_space
            USING ERRCODE = 'PH003';
    END IF;
    FOR taken IN
        SELECT l.first_serial, l.last_serial FROM hub.serial_leases l JOIN hub.stations s USING (station_id)
        WHERE l.space = p_space
          AND coalesce(l.finished_at, s.revoked_at, 'infinity') > clock_timestamp() - interval '12 months'
        ORDER BY l.first_serial
    LOOP
        EXIT WHEN taken.first_serial > candidate + p_size - 1;
        candidate := greatest(candidate, taken.last_serial + 1);
    END LOOP;
    IF candidate + p_size - 1 > top THEN
        RAISE EXCEPTION 'the serial space % has no free block of % left', p_space, p_size
            USING ERRCODE = 'PH003';
    END IF;
    RETURN QUERY INSERT INTO hub.serial_leases AS l (station_id, space, first_serial, last_serial)
        VALUES (caller, p_space, candidate, candidate + p_size - 1)
        RETURNING l.id, l.space, l.first_serial, l.last_serial, l.leased_at;
END $$;

-- The caller's station says it has used a block up: its 12 months start. Only its own lease.
CREATE FUNCTION hub.finish_lease(p_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    caller text;
BEGIN
    SELECT s.station_id INTO caller FROM hub.stations s
        WHERE s.role_name = session_user AND s.revoked_at IS NULL;
    IF caller IS NULL THEN
        RAISE EXCEPTION 'only an enrolled station finishes its leases' USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE hub.serial_leases l SET finished_at = clock_timestamp()
        WHERE l.id = p_id AND l.station_id = caller AND l.finished_at IS NULL;
    RETURN FOUND;
END $$;

-- What a station reads of the leases: its own unfinished blocks (the view runs as its owner).
CREATE VIEW hub.my_serial_leases AS
    SELECT l.id, l.space, l.first_serial, l.last_serial, l.leased_at
    FROM hub.serial_leases l JOIN hub.stations s USING (station_id)
    WHERE s.role_name = session_user AND s.revoked_at IS NULL AND l.finished_at IS NULL;

REVOKE ALL ON FUNCTION hub.lease_serials(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.lease_serials(text, bigint) TO hub_station;
REVOKE ALL ON FUNCTION hub.finish_lease(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.finish_lease(bigint) TO hub_station;
REVOKE ALL ON hub.my_serial_leases FROM PUBLIC;
GRANT SELECT ON hub.my_serial_leases TO hub_station;
