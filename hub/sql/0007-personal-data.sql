-- personal data: a station reads another's addressees, senders and declarations only for items it handled
-- Until schema 7 every station could read every event whole, and an item abroad's acceptance names its
-- addressee, its sender and its customs declaration. A station now reads events through two doors:
-- hub.events_public (every station's events, the personal parts of `extra` left out, no hashed body),
-- and hub.events_of(item), whole for the items it journalled an event of itself (the origin, the
-- exchange office, the delivery office) and public for the rest. The notifier reads as the hub's owner.
CREATE FUNCTION hub.public_extra(x jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT x - 'addressee' - 'sender' - 'customs'
$$;

CREATE VIEW hub.events_public AS
    SELECT station_id, seq, event_id, item_id, kind, upu_code, facility, operator, occurred_at, container_id,
           weight_g, reason, signature_ref, note, hub.public_extra(extra) AS extra, prev_hash, hash,
           recorded_at, received_at
    FROM hub.events;

CREATE FUNCTION hub.events_of(wanted text)
RETURNS TABLE (station_id text, seq bigint, event_id text, item_id text, kind text, upu_code text,
               facility text, operator text, occurred_at timestamptz, container_id text, weight_g integer,
               reason text, signature_ref text, note text, extra jsonb, body text, received_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = hub, pg_temp AS $$
    WITH me AS (
        SELECT s.station_id FROM hub.stations s WHERE s.role_name = session_user AND s.revoked_at IS NULL
    ), wanted_events AS (
        SELECT * FROM hub.events e WHERE e.item_id = wanted
        UNION ALL
        SELECT * FROM hub.events e WHERE e.container_id = wanted AND e.item_id <> wanted
    )
    SELECT w.station_id, w.seq, w.event_id, w.item_id, w.kind, w.upu_code, w.facility, w.operator,
           w.occurred_at, w.container_id, w.weight_g, w.reason, w.signature_ref, w.note,
           CASE WHEN handled.yes THEN w.extra ELSE hub.public_extra(w.extra) END,
           CASE WHEN handled.yes THEN w.body END,
           w.received_at
    FROM wanted_events w
    CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1 FROM hub.events m JOIN me ON m.station_id = me.station_id
                       WHERE m.item_id = w.item_id) AS yes
    ) handled
$$;

REVOKE SELECT ON hub.events FROM hub_station;
GRANT SELECT ON hub.events_public TO hub_station;
REVOKE ALL ON FUNCTION hub.events_of(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.events_of(text) TO hub_station;
