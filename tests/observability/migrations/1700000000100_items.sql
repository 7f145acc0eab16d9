-- Up Migration
-- The observability tests' service table (its outbox comes from @hub/store).
CREATE TABLE items (id text PRIMARY KEY, title text NOT NULL);

-- Down Migration
DROP TABLE items;
