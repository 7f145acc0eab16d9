-- Up Migration
-- Payloads are built by Postgres as `json` (text) and sent by the relay as they are: `jsonb` would
-- cost a conversion to binary on every write and back to text on every relay.
ALTER TABLE hub_outbox ALTER COLUMN payload TYPE json USING payload::json;

-- Down Migration
ALTER TABLE hub_outbox ALTER COLUMN payload TYPE jsonb USING payload::jsonb;
