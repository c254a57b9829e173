-- texts from the tracking page: a customer asks for texts about an item, or stops them, behind the postcode
-- The page never reads a phone number back: it hands the request to hub.web_text_request (after the
-- postcode gate) and the hub's notifier takes the requests in with the stations' follows, in order: a
-- follow asks the number to reply YES first (the double opt-in stays), a stop ends that item's texts
-- at once. Only the notifier (the hub's owner) reads hub.web_texts.
CREATE TABLE hub.web_texts (
    id           bigserial PRIMARY KEY,
    phone        text NOT NULL,
    item_id      text NOT NULL,
    action       text NOT NULL CHECK (action IN ('follow', 'stop')),
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- NULL when taken, else why not (gate:wrong, gate:locked, gate:unknown).
CREATE FUNCTION hub.web_text_request(wanted text, postcode text, client text, phone text, wanted_action text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
DECLARE
    gate text := hub.web_gate(wanted, postcode, client);
BEGIN
    IF gate <> 'ok' THEN
        RETURN 'gate:' || gate;
    END IF;
    -- One request at a time: ids are then committed in their order, and the notifier, which reads on
    -- from the last id it took, never passes one still being written.
    PERFORM pg_advisory_xact_lock(hashtext('hub.web_texts'));
    INSERT INTO hub.web_texts (phone, item_id, action) VALUES (phone, wanted, wanted_action);
    PERFORM pg_notify('hub_events', 'web');
    RETURN NULL;
END $$;

REVOKE ALL ON hub.web_texts FROM PUBLIC;
REVOKE ALL ON FUNCTION hub.web_text_request(text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.web_text_request(text, text, text, text, text) TO hub_web;
