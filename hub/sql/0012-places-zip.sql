-- a place's ZIP: a redirect to an office carries the office's ZIP, so the item is forwarded there
-- A customer who redirects an item to another office makes it a forward: the stations sort it by the
-- office's ZIP from then on (their sack rule, their carriers' "another office's parcel" check).
ALTER TABLE hub.places ADD COLUMN zip text CHECK (zip ~ '^[0-9]{5}$');
