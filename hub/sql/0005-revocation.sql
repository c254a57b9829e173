-- revocation: a station's login can be withdrawn, its history kept, the withdrawal on record
-- `station hub revoke ID` disables the station's login, takes it out of hub_station (so no push, no
-- direct insert, no read is allowed to it any more), ends its open sessions and records when and why.
-- Its events stay: the hub is the witness of what it did while it was trusted.
ALTER TABLE hub.stations ADD COLUMN revoked_at timestamptz;
ALTER TABLE hub.stations ADD COLUMN revoked_because text;
