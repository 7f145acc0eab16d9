/** Tokens for the realm's test users, fetched from the real Keycloak with the password grant. */
import { hub } from './context.ts';

/** Test users of the dev/test realm overlay keycloak/servicehub-realm.dev.json (password = `<name>-pass`). */
export type TestUser = 'reader' | 'writer' | 'admin' | 'nobody';

/** Public client with direct access grants enabled, for tests only. */
export const TEST_CLIENT_ID = 'hub-test';

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  id_token?: string;
}

/**
 * Password-grant tokens for a test user.
 * @example const { access_token } = await userToken('writer');
 */
export async function userToken(user: TestUser, password = `${user}-pass`): Promise<TokenSet> {
  const res = await fetch(`${hub().keycloakIssuer}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: TEST_CLIENT_ID, username: user, password, scope: 'openid' }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`Keycloak password grant for ${user} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenSet;
}

const reusable = new Map<TestUser, { token: string; until: number }>();

/**
 * A test user's access token, reused while it has more than a minute left: one Keycloak session
 * per test file and user instead of one per request. Tests of logout or expiry take their own
 * tokens with {@link userToken}, so revoking one never affects another test.
 * @example const client = await openClient({ token: await accessToken('writer') });
 */
export async function accessToken(user: TestUser): Promise<string> {
  const hit = reusable.get(user);
  if (hit !== undefined && hit.until > Date.now()) return hit.token;
  const t = await userToken(user);
  reusable.set(user, { token: t.access_token, until: Date.now() + (t.expires_in - 60) * 1000 });
  return t.access_token;
}

/**
 * The `sub` claim of a JWT, read without verification (tests only read their own tokens).
 * @example expect(event.actor).toBe(tokenSubject(await accessToken('writer')));
 */
export function tokenSubject(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { sub?: unknown };
  if (typeof payload.sub !== 'string') throw new Error('token has no sub claim');
  return payload.sub;
}
