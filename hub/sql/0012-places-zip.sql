-- a place's ZIP (a redirect forwards the item there); whether a sender forbade choices, on the public rows
-- A customer who redirects an item to another office makes it a forward: the stations sort it by the
-- office's ZIP from then on (their sack rule, their carriers' "another office's parcel" check).
ALTER TABLE hub.places ADD COLUMN zip text CHECK (zip ~ '^[0-9]{5}$');

-- Whether the sender forbade the addressee's choices (`no_choices` at acceptance): the page then offers
-- none, instead of refusing each one after it is made.
CREATE OR REPLACE VIEW hub.track_events WITH (security_barrier) AS
    SELECT e.item_id, e.kind, e.upu_code, e.facility, e.occurred_at, e.received_at, e.reason,
           e.container_id, e.station_id, e.seq, e.event_id, e.hash, e.prev_hash,
           CASE WHEN e.kind = 'acceptance' THEN e.extra ->> 'service' END AS service,
           CASE WHEN e.kind = 'acceptance' THEN left(e.extra ->> 'origin_zip', 3) END AS origin_zip3,
           CASE WHEN e.kind = 'acceptance'
                THEN left(coalesce(e.extra ->> 'routing_zip', e.extra ->> 'destination_zip'), 3) END
               AS destination_zip3,
           CASE WHEN e.kind = 'out-for-delivery' AND jsonb_typeof(e.extra -> 'stop') = 'number'
                THEN (e.extra ->> 'stop')::integer END AS round_stop,
           CASE WHEN e.kind = 'choice' THEN e.extra ->> 'choice' END AS choice,
           CASE WHEN e.kind = 'acceptance' THEN coalesce(e.extra ->> 'no_choices', 'false') = 'true' END
               AS choices_forbidden
    FROM hub.events e
    WHERE hub.is_public_kind(e.kind);
