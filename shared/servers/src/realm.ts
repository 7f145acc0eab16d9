/**
 * The realm Keycloak imports. `keycloak/servicehub-realm.json` is the production realm (the stack
 * imports it as is: no users, no password-grant client, no fixed secrets); local runs and tests
 * import it with the dev/test overlay `keycloak/servicehub-realm.dev.json` merged over it (test
 * users, the `hub-test` password-grant client, the dev client secret, cheap password hashing).
 *
 * Merge contract: top-level scalar fields of the overlay replace the realm's; `clients` entries
 * whose `clientId` the realm has are patched field by field, others are added; `users` are added.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

export const REALM = 'servicehub';
/** The production realm, imported by the stack. */
export const REALM_FILE = join(repoRoot, 'keycloak', `${REALM}-realm.json`);
/** Dev/test only: merged over {@link REALM_FILE} by {@link devRealm}. */
export const DEV_REALM_OVERLAY_FILE = join(repoRoot, 'keycloak', `${REALM}-realm.dev.json`);

type Json = Record<string, unknown>;

function list(value: unknown, what: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`realm overlay: ${what} must be an array`);
  return value as Json[];
}

/** The realm with the overlay merged in (see the module contract). Neither input is changed. */
export function mergeRealm(realm: Json, overlay: Json): Json {
  const { clients, users, _comment: _ignored, ...fields } = overlay;
  const merged: Json = { ...realm, ...fields };
  const base = list(realm.clients, 'clients');
  const patches = list(clients, 'clients');
  const byId = new Map(patches.map((c) => [c.clientId, c]));
  merged.clients = [
    ...base.map((c) => ({ ...c, ...(byId.get(c.clientId) ?? {}) })),
    ...patches.filter((p) => !base.some((c) => c.clientId === p.clientId)),
  ];
  merged.users = [...list(realm.users, 'users'), ...list(users, 'users')];
  return merged;
}

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

/** The production realm from the repo. */
export function productionRealm(): Json {
  return readJson(REALM_FILE);
}

/** The realm `make up` and the tests import: production realm + dev/test overlay. */
export function devRealm(): Json {
  return mergeRealm(productionRealm(), readJson(DEV_REALM_OVERLAY_FILE));
}
