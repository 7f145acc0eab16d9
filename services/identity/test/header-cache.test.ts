// The verified-token cache on the header-auth path, against the real servers: a private Resgate
// whose headerAuth is this test's identity, tokens from the real Keycloak, profiles in Postgres.
// What the cache must never do: serve a logged-out session, an expired token or a forged one.
// What it is for: no signature check and no Postgres query for a token seen before.
import { describe, expect, it } from 'vitest';
import { createTestClient, keycloakLogout, nextEvent, openClient, realmToken, scopeSql, userToken, waitFor, type ResModel } from '@hub/testkit';
import { guarded, login, privateGateway, startIdentity, status, subOf } from './helpers.ts';

const bearer = (t: string): RequestInit => ({ headers: { authorization: `Bearer ${t}` } });

/** The `exp` claim of a JWT, in milliseconds (tests only read their own tokens). */
function expMs(jwt: string): number {
  return (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp * 1000;
}

/** Statuses of `n` sequential requests. */
async function statuses(n: number, url: string, init: RequestInit): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await status(url, init));
  return out;
}

describe('header auth with the token cache', () => {
  it('a cached token of a session logged out through the back channel is refused by the next request, on every instance', async () => {
    // Two instances share the header-auth queue group; Keycloak's back channel reaches the first.
    const first = await startIdentity();
    await startIdentity({ scope: first.scope });
    const gw = await privateGateway(`${first.name}.header`);
    const doc = await guarded();
    const url = `${gw.http}/api/${doc}/doc/1`;
    const clientId = await createTestClient({ backchannelLogoutUrl: first.backchannel.url });
    const reader = await realmToken('servicehub', clientId, 'reader');
    expect(await statuses(10, url, bearer(reader.access_token))).toEqual(Array<number>(10).fill(200));
    // A WebSocket connection with the same session: its unsubscribe says the logout was processed.
    const ws = await openClient();
    await login(ws, first.name, reader.access_token);
    const profile = (await ws.get(`${first.name}.user.${subOf(reader.access_token)}`)) as ResModel;
    const dropped = nextEvent(profile, 'unsubscribe', () => true, 30_000);

    await keycloakLogout('servicehub', clientId, reader.refresh_token ?? '');
    await dropped;

    // The instance the back channel reached dropped the session's cached token before the reset.
    expect(first.tokens.size.accepted).toBe(0);
    expect(await statuses(10, url, bearer(reader.access_token))).toEqual(Array<number>(10).fill(401));
  }, 60_000);

  it('a cached token is refused once its exp has passed', async () => {
    // No clock tolerance here, so the only thing that could still accept the token is the cache.
    const identity = await startIdentity({ clockToleranceS: 0 });
    const gw = await privateGateway(`${identity.name}.header`);
    const doc = await guarded();
    const url = `${gw.http}/api/${doc}/doc/1`;
    const clientId = await createTestClient({ accessTokenLifespanS: 10 });
    const { access_token } = await realmToken('servicehub', clientId, 'reader');
    expect(await status(url, bearer(access_token))).toBe(200);
    expect(identity.tokens.size.accepted).toBe(1);

    await waitFor(() => Date.now() >= expMs(access_token), 'the token’s exp', 30_000);

    expect(await status(url, bearer(access_token))).toBe(401);
  }, 60_000);

  it('a forged token stays refused (remembered as refused) and does not shadow the genuine token', async () => {
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const doc = await guarded();
    const url = `${gw.http}/api/${doc}/doc/1`;
    const genuine = (await userToken('reader')).access_token;
    const [h, p, s] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h ?? ''}.${Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['admin', 'customer:read'] } })).toString('base64url')}.${s ?? ''}`;

    expect(await statuses(3, url, bearer(forged))).toEqual([401, 401, 401]);
    expect(identity.tokens.size).toEqual({ accepted: 0, refused: 1 });
    expect(await status(url, bearer(genuine))).toBe(200);
    expect(await status(url, bearer(forged))).toBe(401);
  }, 60_000);

  it('the first header auth of a token records the user’s profile (in the background)', async () => {
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const doc = await guarded();
    const reader = (await userToken('reader')).access_token;

    expect(await status(`${gw.http}/api/${doc}/doc/1`, bearer(reader))).toBe(200);

    const rows = await waitFor(async () => {
      const r = await scopeSql<{ username: string }>(identity.scope, 'SELECT username FROM profiles WHERE sub = $1', [subOf(reader)]);
      return r.length > 0 && r;
    }, 'the profile row');
    expect(rows).toEqual([{ username: 'reader' }]);
  }, 60_000);

  it('header auth of a token seen before issues no Postgres query', async () => {
    // Every query of the service goes through its pool: count the connections it hands out.
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const doc = await guarded();
    const url = `${gw.http}/api/${doc}/doc/1`;
    const { pool } = identity.service.data.store.db;
    const reader = (await userToken('reader')).access_token;
    expect(await status(url, bearer(reader))).toBe(200);
    await waitFor(async () => (await scopeSql(identity.scope, 'SELECT 1 FROM profiles WHERE sub = $1', [subOf(reader)])).length > 0, 'the profile row');
    await waitFor(() => pool.idleCount === pool.totalCount && pool.waitingCount === 0, 'the profile write to finish');
    let queries = 0;
    pool.on('acquire', () => { queries++; });

    expect(await statuses(20, url, bearer(reader))).toEqual(Array<number>(20).fill(200));
    expect(queries).toBe(0);

    // The count is live: a token never seen (another user) records its profile through the pool.
    expect(await status(url, bearer((await userToken('writer')).access_token))).toBe(200);
    await waitFor(() => queries > 0, 'the new user’s profile query');
  }, 60_000);
});
