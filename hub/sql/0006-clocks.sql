-- clocks: an event dated ahead of the hub's own receive time is flagged, naming the station and its offset
-- The hub takes a station's occurred_at as the station says it (it is the hashed text), and keeps its own
-- received_at beside it. A station whose clock runs ahead would make its scans every item's newest on
-- every station; the look-ups order such an event by when the hub received it, and this alert tells the
-- hub's administrator which station's clock to set (once an hour a station, not once an event).
CREATE FUNCTION hub.flag_future_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = hub, pg_temp AS $$
BEGIN
    INSERT INTO hub.alerts (kind, station_id, seq, item_id, detail)
        SELECT 'clock', NEW.station_id, NEW.seq, NEW.item_id,
               format('the clock of %s runs ahead: its event %s is dated %s, %s after the hub received it',
                      NEW.station_id, NEW.seq, NEW.occurred_at,
                      justify_hours(date_trunc('minute', NEW.occurred_at - NEW.received_at + interval '30 seconds')))
        WHERE NOT EXISTS (SELECT 1 FROM hub.alerts a WHERE a.kind = 'clock' AND a.station_id = NEW.station_id
                          AND a.at > clock_timestamp() - interval '1 hour');
    RETURN NULL;
END $$;
CREATE TRIGGER events_from_the_future AFTER INSERT ON hub.events FOR EACH ROW
    WHEN (NEW.occurred_at > NEW.received_at + interval '5 minutes')
    EXECUTE FUNCTION hub.flag_future_event();
