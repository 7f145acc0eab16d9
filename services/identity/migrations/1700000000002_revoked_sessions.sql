-- Up Migration
-- Keycloak sessions logged out through the back channel, shared by every identity instance and
-- kept across restarts until every access token of the session has expired (`until`).
CREATE TABLE revoked_sessions (
  sid text PRIMARY KEY,
  until timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_until ON revoked_sessions (until);

-- Down Migration
DROP TABLE revoked_sessions;
