// Resgate header auth end to end: a PRIVATE Resgate (the shared one keeps gateway/resgate.json as
// is) whose headerAuth and wsHeaderAuth name this test's identity service; HTTP statuses 401/403.
import { describe, expect, it } from 'vitest';
import { openClient, userToken } from '@hub/testkit';
import { errorCode, guarded, privateGateway, startIdentity, status } from './helpers.ts';

describe('header auth through a private Resgate', () => {
  it('HTTP GET: no token 401, invalid bearer 401, a user without the role 403, a reader 200', async () => {
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const name = await guarded();
    const url = `${gw.http}/api/${name}/doc/1`;
    const bearer = (t: string): RequestInit => ({ headers: { authorization: `Bearer ${t}` } });
    const reader = (await userToken('reader')).access_token;

    expect(await status(url)).toBe(401);
    expect(await status(url, bearer(`${reader.slice(0, -4)}AAAA`))).toBe(401);
    expect(await status(url, bearer((await userToken('nobody')).access_token))).toBe(403);
    expect(await status(url, bearer(reader))).toBe(200);
  }, 60_000);

  it('HTTP POST: a writer’s call succeeds (204), a reader’s or nobody’s is refused with 403, an anonymous one with 401', async () => {
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const name = await guarded();
    const url = `${gw.http}/api/${name}/doc/1/touch`;
    const post = (t?: string): RequestInit => ({ method: 'POST', headers: t === undefined ? {} : { authorization: `Bearer ${t}` } });

    expect(await status(url, post((await userToken('writer')).access_token))).toBe(204);
    expect(await status(url, post((await userToken('reader')).access_token))).toBe(403);
    expect(await status(url, post((await userToken('nobody')).access_token))).toBe(403);
    expect(await status(url, post())).toBe(401);
  }, 60_000);

  it('the access-token cookie authenticates a browser request; a stale cookie leaves it anonymous', async () => {
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const name = await guarded();
    const url = `${gw.http}/api/${name}/doc/1`;
    const reader = (await userToken('reader')).access_token;

    expect(await status(url, { headers: { cookie: `other=1; hub_access_token=${reader}` } })).toBe(200);
    expect(await status(url, { headers: { cookie: `hub_access_token=${reader.slice(0, -4)}AAAA` } })).toBe(401);
  }, 60_000);

  it('WebSocket: wsHeaderAuth authenticates the connection from its Authorization header; a bad one is refused', async () => {
    const identity = await startIdentity();
    const gw = await privateGateway(`${identity.name}.header`);
    const name = await guarded();
    const reader = (await userToken('reader')).access_token;

    const authed = await openClient({ url: gw.ws, headers: { Authorization: `Bearer ${reader}` } });
    expect((await authed.get(`${name}.doc.7`)).toJSON()).toEqual({ id: '7' });
    const anonymous = await openClient({ url: gw.ws });
    expect(await errorCode(anonymous.get(`${name}.doc.7`))).toBe('system.accessDenied');
    await expect(openClient({ url: gw.ws, headers: { Authorization: 'Bearer not-a-token' } })).rejects.toBeDefined();
  }, 60_000);
});
