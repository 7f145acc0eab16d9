-- Up Migration
-- Ownership of the service's resources across its instances (see src/leases.ts). Partitions are
-- leased by instances; `epoch` grows with every acquisition and every write of the service checks
-- it (fencing), so an owner paused past its lease cannot commit after another took over.
CREATE TABLE hub_instances (
  id        text PRIMARY KEY,
  seen_at   timestamptz NOT NULL,
  leaving   boolean NOT NULL DEFAULT false
);
CREATE TABLE hub_leases (
  partition  integer PRIMARY KEY,
  owner      text,
  epoch      bigint NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL DEFAULT '-infinity',
  -- Written by an owner that released the partition gracefully: where its last requests end.
  handover   jsonb
);

-- Down Migration
DROP TABLE hub_leases;
DROP TABLE hub_instances;
