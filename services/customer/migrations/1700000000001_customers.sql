-- Up Migration
-- Customers. `search` is the full-text document for the `q` query parameter ('simple' config:
-- no stemming, lowercased, so `acme` finds "Acme Corp"). Every sort has `id` as tie-breaker so
-- list order — and with it every add/remove index — is deterministic.
CREATE TABLE customers (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  email      text NOT NULL UNIQUE,
  company    text NOT NULL DEFAULT '',
  phone      text NOT NULL DEFAULT '',
  address    text NOT NULL DEFAULT '',
  tags       text[] NOT NULL DEFAULT '{}',
  active     boolean NOT NULL DEFAULT true,
  version    integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  search     tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || email || ' ' || company)) STORED
);
CREATE INDEX customers_search_idx ON customers USING gin (search);
CREATE INDEX customers_tags_idx ON customers USING gin (tags);
CREATE INDEX customers_name_idx ON customers (name, id);
CREATE INDEX customers_created_idx ON customers (created_at, id);

-- Down Migration
DROP TABLE customers;
