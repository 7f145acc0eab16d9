/**
 * Keycloak administration for identity tests: throwaway clients and realms (so a test never
 * changes what other tests rely on), key rotation, logout, and tokens for any client or realm.
 */
import { cleanup, hub, uniqueName } from './context.ts';
import type { TestUser, TokenSet } from './keycloak.ts';

const REQUEST_TIMEOUT_MS = 15_000;

async function adminToken(): Promise<string> {
  const h = hub();
  const res = await fetch(`${h.keycloakUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: h.keycloakAdminUser, password: h.keycloakAdminPassword }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`Keycloak admin login failed: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * A Keycloak admin REST call (`path` below `/admin/realms`); throws on a non-2xx status.
 * @example const keys = await keycloakAdmin<{ keys: unknown[] }>('/servicehub/keys');
 */
export async function keycloakAdmin<T = unknown>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const res = await fetch(`${hub().keycloakUrl}/admin/realms${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${await adminToken()}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.json === undefined ? null : JSON.stringify(init.json),
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`Keycloak admin ${init.method ?? 'GET'} ${path} failed: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** The issuer of a realm on the test Keycloak. */
export function realmIssuer(realm: string): string {
  return `${hub().keycloakUrl}/realms/${realm}`;
}

const AUDIENCE_MAPPER = {
  name: 'hub-api audience',
  protocol: 'openid-connect',
  protocolMapper: 'oidc-audience-mapper',
  config: { 'included.custom.audience': 'hub-api', 'access.token.claim': 'true', 'id.token.claim': 'false', 'introspection.token.claim': 'true' },
};

export interface TestClientOptions {
  readonly realm?: string;
  /** Keycloak posts logout tokens here when a session of this client ends. */
  readonly backchannelLogoutUrl?: string;
  /** Access token lifespan in seconds (default: the realm's). */
  readonly accessTokenLifespanS?: number;
  /** Add the hub-api audience mapper (default true). */
  readonly audience?: boolean;
}

/**
 * A public password-grant client of its own, deleted when the test ends.
 * @example const clientId = await createTestClient({ backchannelLogoutUrl: identity.backchannel.url });
 */
export async function createTestClient(o: TestClientOptions = {}): Promise<string> {
  const realm = o.realm ?? 'servicehub';
  const clientId = uniqueName('client');
  const attributes: Record<string, string> = {};
  if (o.backchannelLogoutUrl !== undefined) {
    attributes['backchannel.logout.url'] = o.backchannelLogoutUrl;
    attributes['backchannel.logout.session.required'] = 'true';
  }
  if (o.accessTokenLifespanS !== undefined) attributes['access.token.lifespan'] = String(o.accessTokenLifespanS);
  await keycloakAdmin(`/${realm}/clients`, {
    method: 'POST',
    json: {
      clientId, enabled: true, protocol: 'openid-connect', publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false,
      frontchannelLogout: false, attributes, protocolMappers: o.audience === false ? [] : [AUDIENCE_MAPPER],
    },
  });
  cleanup(clientId, async (id) => {
    const found = await keycloakAdmin<{ id: string }[]>(`/${realm}/clients?clientId=${encodeURIComponent(id)}`);
    for (const c of found) await keycloakAdmin(`/${realm}/clients/${c.id}`, { method: 'DELETE' });
  });
  return clientId;
}

/**
 * A realm of its own (one user `reader`/`reader-pass` with role customer:read, client `hub-test`
 * with the hub-api audience), deleted when the test ends. For key rotation and foreign-realm tests.
 * @example const realm = await createTestRealm(); const t = await realmToken(realm, 'hub-test', 'reader');
 */
export async function createTestRealm(): Promise<string> {
  const realm = uniqueName('realm');
  await keycloakAdmin('', {
    method: 'POST',
    json: {
      realm, enabled: true, sslRequired: 'none', passwordPolicy: 'hashAlgorithm(pbkdf2-sha256) and hashIterations(1)',
      roles: { realm: [{ name: 'customer:read' }] },
      clients: [{ clientId: 'hub-test', enabled: true, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false, protocolMappers: [AUDIENCE_MAPPER] }],
      users: [{ username: 'reader', enabled: true, emailVerified: true, firstName: 'R', lastName: 'R', email: 'reader@realm.test', requiredActions: [], credentials: [{ type: 'password', value: 'reader-pass', temporary: false }], realmRoles: ['customer:read'] }],
    },
  });
  cleanup(realm, (r) => keycloakAdmin(`/${r}`, { method: 'DELETE' }));
  return realm;
}

/**
 * Password-grant tokens of `user` through `clientId` in `realm`.
 * @example const t = await realmToken('servicehub', clientId, 'reader');
 */
export async function realmToken(realm: string, clientId: string, user: TestUser, password = `${user}-pass`): Promise<TokenSet> {
  const res = await fetch(`${realmIssuer(realm)}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: clientId, username: user, password, scope: 'openid' }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`password grant for ${user} via ${clientId} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenSet;
}

/**
 * Ends the Keycloak session of a refresh token the way an app's logout does (RP-initiated,
 * refresh-token logout); Keycloak then sends back-channel logouts to the session's clients.
 */
export async function keycloakLogout(realm: string, clientId: string, refreshToken: string): Promise<void> {
  const res = await fetch(`${realmIssuer(realm)}/protocol/openid-connect/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, refresh_token: refreshToken }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`logout failed: ${res.status} ${await res.text()}`);
}

/**
 * Rotates a realm's signing key: adds a new RSA key provider with a higher priority (it becomes
 * the active signing key; the old one stays published for tokens already issued). Returns its kid.
 */
export async function rotateRealmKey(realm: string): Promise<string> {
  const { id: parentId } = await keycloakAdmin<{ id: string }>(`/${realm}`);
  const name = uniqueName('rotated');
  await keycloakAdmin(`/${realm}/components`, {
    method: 'POST',
    json: { name, providerId: 'rsa-generated', providerType: 'org.keycloak.keys.KeyProvider', parentId, config: { priority: ['1000'], enabled: ['true'], active: ['true'], keySize: ['2048'], algorithm: ['RS256'] } },
  });
  const keys = await keycloakAdmin<{ active: Record<string, string> }>(`/${realm}/keys`);
  const kid = keys.active.RS256;
  if (kid === undefined) throw new Error('no active RS256 key after rotation');
  return kid;
}
