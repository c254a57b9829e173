-- held for pickup, picked up, locker doors: what other stations and the web never read of them
-- An item picked up at the counter records the identity document shown (its kind and last 4 characters)
-- under "identity", and one left in a safe place says where under "safe_place": both are about the
-- addressee, so other stations read neither (the delivering station reads its own events whole).
CREATE OR REPLACE FUNCTION hub.public_extra(x jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT x - 'addressee' - 'sender' - 'customs' - 'neighbour' - 'identity' - 'safe_place'
$$;

-- A locker door's opening is the station's own record, as a note is: never on the public page.
CREATE OR REPLACE FUNCTION hub.is_public_kind(kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT kind NOT IN ('note', 'dispute', 'fraud-alert', 'override', 'reprint', 'sack-open', 'locker-open')
$$;

-- An item picked up is delivered: no choice is taken for it any more; one held for pickup may still be
-- redirected or its holding changed.
CREATE OR REPLACE FUNCTION hub.web_choose(wanted text, postcode text, client text, chosen text, detail jsonb)
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
              'delivery-office', 'out-for-delivery', 'delivered', 'attempted', 'delayed', 'returned', 'void',
              'held', 'picked-up')
        ORDER BY e.occurred_at DESC, e.received_at DESC LIMIT 1;
    IF last_kind IN ('out-for-delivery', 'delivered', 'returned', 'void', 'picked-up') THEN
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
