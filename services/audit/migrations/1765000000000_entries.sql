-- Up Migration
-- Every domain event, once: `entries` is partitioned by month of the event's commit time
-- (declarative range partitioning; TimescaleDB cannot be installed here). The primary key is the
-- event's idempotency id with the partition key (Postgres requires the partition key in every
-- unique index of a partitioned table); an event's timestamp is fixed in its payload, so a
-- redelivery or a relay retry has the same (id, occurred_at) and is dropped by ON CONFLICT.
CREATE TABLE entries (
  id          uuid NOT NULL,
  -- The stream sequence of the delivery that stored it (a relay retry after JetStream's
  -- duplicate window has a later one, and is not stored).
  seq         bigint NOT NULL,
  service     text NOT NULL,
  resource    text NOT NULL,
  resource_id text NOT NULL,
  action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  -- The token's subject, a service's own name (`service:promotion`), or JSON for anything else.
  actor       text,
  occurred_at timestamptz NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  before      jsonb,
  after       jsonb,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
-- Newest first (every list), and the filters that narrow it; created on every partition.
CREATE INDEX entries_time_idx ON entries (occurred_at, id);
CREATE INDEX entries_resource_idx ON entries (service, resource, resource_id, occurred_at);
CREATE INDEX entries_actor_idx ON entries (actor, occurred_at);

-- The partition of the month holding `at` (UTC), created if missing. Serialised by an advisory
-- lock, so instances creating the same month at once do not collide.
CREATE FUNCTION ensure_entries_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  name  text := 'entries_' || to_char(first AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.entries_partition'));
  IF to_regclass(quote_ident(current_schema()) || '.' || name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF entries FOR VALUES FROM (%L) TO (%L)',
                   current_schema(), name, first, first + interval '1 month');
  END IF;
  RETURN name;
END $$;

-- Messages that are not domain events: kept (nothing is lost) with why, and acked.
CREATE TABLE rejected (
  seq         bigint PRIMARY KEY,
  subject     text NOT NULL,
  data        text NOT NULL,
  reason      text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Down Migration
DROP TABLE rejected;
DROP FUNCTION ensure_entries_partition(timestamptz);
DROP TABLE entries;
