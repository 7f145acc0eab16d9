-- Up Migration
-- The transactional outbox (see src/outbox.ts): written in the same transaction as the domain
-- change, relayed to JetStream and deleted by src/relay.ts. `seq` orders rows in insert order,
-- which per resource is commit order (a mutation holds the row lock while it inserts here).
CREATE TABLE hub_outbox (
  seq        bigserial PRIMARY KEY,
  event_id   uuid NOT NULL, -- dedupe happens in JetStream (Nats-Msg-Id), no index needed here
  subject    text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE hub_outbox;
