/**
 * No dev credentials in production: the realm the stack imports (keycloak/servicehub-realm.json)
 * has no users, no client with the password grant and no fixed client secret; those come only from
 * the dev/test overlay that `make up` and the test kit merge in.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { devRealm, mergeRealm, productionRealm, REALM_FILE, repoRoot } from '@hub/servers';

interface Client { clientId: string; directAccessGrantsEnabled?: boolean; publicClient?: boolean; secret?: string; redirectUris?: string[]; webOrigins?: string[] }

describe('the production realm', () => {
  const realm = productionRealm() as { users?: unknown[]; clients: Client[] };

  it('has no users, no direct-access-grant client (Keycloak\'s own admin-cli included) and no fixed client secret', () => {
    expect(realm.clients.find((c) => c.clientId === 'admin-cli')?.directAccessGrantsEnabled).toBe(false);
    expect(realm.users ?? []).toEqual([]);
    expect(realm.clients.filter((c) => c.directAccessGrantsEnabled === true).map((c) => c.clientId)).toEqual([]);
    expect(realm.clients.filter((c) => c.secret !== undefined).map((c) => c.clientId)).toEqual([]);
  });

  it('lets the hub CLI sign users in with the device flow only (hub-cli: public, no password grant)', () => {
    const clients = realm.clients as (Client & { publicClient?: boolean; attributes?: Record<string, string> })[];
    const cli = clients.find((c) => c.clientId === 'hub-cli');
    expect(cli?.publicClient).toBe(true);
    expect(cli?.directAccessGrantsEnabled).toBe(false);
    expect(cli?.attributes?.['oauth2.device.authorization.grant.enabled']).toBe('true');
  });

  it('has the web app\'s public client, redirecting only to the public origin, and no self-registration', () => {
    const web = realm.clients.find((c) => c.clientId === 'hub-web');
    expect(web).toMatchObject({ publicClient: true, directAccessGrantsEnabled: false, redirectUris: ['${HUB_PUBLIC_URL}/*'], webOrigins: ['+'] });
    expect((realm as { registrationAllowed?: boolean }).registrationAllowed).toBe(false);
  });

  it('is the file the stack imports', () => {
    const stack = parse(readFileSync(`${repoRoot}/docker-stack.yml`, 'utf8')) as { configs: Record<string, { file: string }> };
    expect(`${repoRoot}/${stack.configs.keycloak_realm?.file.replace(/^\.\//, '') ?? ''}`).toBe(REALM_FILE);
  });
});

describe('the dev/test realm (production realm + overlay)', () => {
  const realm = devRealm() as { users: { username: string }[]; clients: Client[]; passwordPolicy?: string };

  it('adds the test users and the hub-test password-grant client, and patches the others', () => {
    expect(realm.users.map((u) => u.username).sort()).toEqual(['admin', 'nobody', 'reader', 'writer']);
    expect(realm.clients.find((c) => c.clientId === 'hub-test')?.directAccessGrantsEnabled).toBe(true);
    expect(realm.clients.find((c) => c.clientId === 'hub-service')?.secret).toBe('hub-service-dev-secret');
    // hub-web stays as in production: its one redirect origin comes from HUB_PUBLIC_URL, which the
    // launcher sets to the app's origin (a wildcard such as http://127.0.0.1:* would let any local
    // page receive codes, and Keycloak's CORS cannot match wildcard origins anyway).
    expect(realm.clients.find((c) => c.clientId === 'hub-web')).toEqual((productionRealm() as { clients: Client[] }).clients.find((c) => c.clientId === 'hub-web'));
    expect((realm as { registrationAllowed?: boolean }).registrationAllowed).toBe(true);
    expect(realm.clients.map((c) => c.clientId)).toEqual(['admin-cli', 'hub-web', 'hub-service', 'hub-cli', 'hub-test']);
  });

  it('merges without changing its inputs', () => {
    const base = { a: 1, clients: [{ clientId: 'x', k: 1 }] };
    const overlay = { a: 2, clients: [{ clientId: 'x', k: 2 }, { clientId: 'y' }], users: [{ username: 'u' }], _comment: 'c' };
    expect(mergeRealm(base, overlay)).toEqual({ a: 2, clients: [{ clientId: 'x', k: 2 }, { clientId: 'y' }], users: [{ username: 'u' }] });
    expect(base).toEqual({ a: 1, clients: [{ clientId: 'x', k: 1 }] });
  });
});
