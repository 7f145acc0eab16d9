-- Up Migration
-- Products. `search` is the full-text document for `q`: its expression MUST stay
-- to_tsvector('simple', sku || ' ' || name || ' ' || description), the fields products.ts declares
-- in `text.fields`, in that order (the live search rebuilds it from an entity to decide whether a
-- commit can change a result; see shared/store/src/search.ts). Every sort index ends with `id`,
-- the tie-breaker that makes list order deterministic.
CREATE TABLE products (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku         text NOT NULL UNIQUE,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  price       bigint NOT NULL CHECK (price >= 0),
  currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  active      boolean NOT NULL DEFAULT true,
  tags        text[] NOT NULL DEFAULT '{}',
  valid_from  timestamptz,
  valid_to    timestamptz,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  search      tsvector GENERATED ALWAYS AS (to_tsvector('simple', sku || ' ' || name || ' ' || description)) STORED,
  -- Named after the field a violation is reported on (the store maps a constraint name to a field).
  CONSTRAINT valid_to CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
);
CREATE INDEX products_search_idx ON products USING gin (search);
CREATE INDEX products_tags_idx ON products USING gin (tags);
CREATE INDEX products_name_idx ON products (name, id);
CREATE INDEX products_price_idx ON products (price, id);
CREATE INDEX products_created_idx ON products (created_at, id);

-- Down Migration
DROP TABLE products;
