-- Up Migration
-- Promotions. `product` and `customer` hold the ids of resources of other services (no foreign
-- keys: their rows live in other schemas, and the service asks their owners instead). `search` is
-- the full-text document for `q`: to_tsvector('simple', name), matching promotions.ts's
-- `text.fields`. Constraints are named after the field a violation is reported on.
CREATE TABLE promotions (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('percent', 'amount')),
  value      bigint NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz NOT NULL,
  product    bigint NOT NULL,
  customer   bigint NOT NULL,
  orphaned   boolean NOT NULL DEFAULT false,
  version    integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  search     tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED,
  CONSTRAINT value CHECK (value >= 1 AND (kind <> 'percent' OR value <= 100)),
  CONSTRAINT valid_to CHECK (valid_from < valid_to)
);
CREATE INDEX promotions_search_idx ON promotions USING gin (search);
CREATE INDEX promotions_product_idx ON promotions (product, id);
CREATE INDEX promotions_customer_idx ON promotions (customer, id);
CREATE INDEX promotions_name_idx ON promotions (name, id);
CREATE INDEX promotions_valid_from_idx ON promotions (valid_from, id);
CREATE INDEX promotions_created_idx ON promotions (created_at, id);

-- Down Migration
DROP TABLE promotions;
