-- door photos: a delivery's photo kept at the hub, shown on the tracking page only behind the postcode
-- The delivering station hands over the photo of one of its own delivery events after the event: the
-- event names the photo and its SHA-256, and the bytes must hash to it. Nobody reads the table: the
-- tracking site gets the photo of an item through hub.web_photo, which asks the postcode gate first.
CREATE TABLE hub.door_photos (
    station_id  text NOT NULL,
    ref         text NOT NULL,
    item_id     text NOT NULL,
    sha256      text NOT NULL,
    jpeg        bytea NOT NULL CHECK (octet_length(jpeg) <= 200000),
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (station_id, ref)
);
CREATE INDEX door_photos_by_item ON hub.door_photos (item_id, received_at);

-- NULL when kept (or kept already), else why not, in words.
CREATE FUNCTION hub.push_photo(wanted_item text, wanted_ref text, photo bytea) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    me text;
    named text;
BEGIN
    SELECT s.station_id INTO me FROM hub.stations s WHERE s.role_name = session_user AND s.revoked_at IS NULL;
    IF me IS NULL THEN
        RETURN 'not a station of this hub';
    END IF;
    SELECT e.extra ->> 'photo_sha256' INTO named FROM hub.events e
        WHERE e.station_id = me AND e.item_id = wanted_item AND e.extra ->> 'photo' = wanted_ref
        ORDER BY e.seq DESC LIMIT 1;
    IF named IS NULL THEN
        RETURN 'no event of this station names that photo';
    END IF;
    IF octet_length(photo) > 200000 THEN
        RETURN 'a door photo is at most 200 KB';
    END IF;
    IF encode(sha256(photo), 'hex') <> named THEN
        RETURN 'the photo does not match the hash in its delivery event';
    END IF;
    INSERT INTO hub.door_photos (station_id, ref, item_id, sha256, jpeg)
        VALUES (me, wanted_ref, wanted_item, named, photo)
        ON CONFLICT (station_id, ref) DO NOTHING;
    RETURN NULL;
END $$;

-- The photo of the item's latest delivery, behind the postcode gate (a wrong postcode is counted as for
-- every look behind it): the gate's answer, and the photo only when it is 'ok'.
CREATE FUNCTION hub.web_photo(wanted text, postcode text, client text) RETURNS TABLE (gate text, photo bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
BEGIN
    gate := hub.web_gate(wanted, postcode, client);
    photo := NULL;
    IF gate = 'ok' THEN
        SELECT p.jpeg INTO photo FROM hub.door_photos p WHERE p.item_id = wanted
            ORDER BY p.received_at DESC LIMIT 1;
    END IF;
    RETURN NEXT;
END $$;

REVOKE ALL ON hub.door_photos FROM PUBLIC;
REVOKE ALL ON FUNCTION hub.push_photo(text, text, bytea), hub.web_photo(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.push_photo(text, text, bytea) TO hub_station;
GRANT EXECUTE ON FUNCTION hub.web_photo(text, text, text) TO hub_web;
