-- Up Migration
-- User profiles: the claims of the user's last verified token plus their preferences (a flat
-- JSON object, at most MAX_PREFERENCES keys — enforced by the service in the writing statement).
-- `version` counts writes; `updated_at` is the last one.
CREATE TABLE profiles (
  sub         text PRIMARY KEY,
  username    text NOT NULL,
  email       text,
  name        text,
  roles       text[] NOT NULL DEFAULT '{}',
  preferences jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(preferences) = 'object'),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Down Migration
DROP TABLE profiles;
