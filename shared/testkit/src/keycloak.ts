/** Tokens for the realm's test users, fetched from the real Keycloak with the password grant. */
import { hub } from './context.ts';

/** Test users defined in keycloak/servicehub-realm.json (dev/test only; password = `<name>-pass`). */
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
