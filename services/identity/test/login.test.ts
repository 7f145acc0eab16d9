// WebSocket login/logout and the identity.user profile: who may read and write it.
import { describe, expect, it } from 'vitest';
import { nextEvent, openClient, userToken, type ResModel } from '@hub/testkit';
import { errorCode, login, startIdentity, subOf } from './helpers.ts';

describe('identity login and profiles', () => {
  it('login sets the connection token: the user reads their own profile, not another user’s; admins read both', async () => {
    // Intent: the token set by login reaches access checks (owner or admin).
    const { name } = await startIdentity();
    const reader = (await userToken('reader')).access_token;
    const writer = (await userToken('writer')).access_token;
    const admin = (await userToken('admin')).access_token;
    const rc = await openClient();
    const wc = await openClient();
    const ac = await openClient();
    expect(await login(rc, name, reader)).toMatchObject({ username: 'reader', roles: expect.arrayContaining(['customer:read']) as unknown });
    await login(wc, name, writer);
    await login(ac, name, admin);

    const own = (await rc.get(`${name}.user.${subOf(reader)}`)) as ResModel;
    expect(own.toJSON()).toMatchObject({ username: 'reader', email: 'reader@servicehub.test' });
    expect(await errorCode(rc.get(`${name}.user.${subOf(writer)}`))).toBe('system.accessDenied');
    expect(((await ac.get(`${name}.user.${subOf(reader)}`)) as ResModel).toJSON()).toMatchObject({ username: 'reader' });
  });

  it('a tampered token is refused and the connection stays anonymous', async () => {
    const { name } = await startIdentity();
    const token = (await userToken('reader')).access_token;
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h ?? ''}.${Buffer.from(JSON.stringify({ ...claims, realm_access: { roles: ['admin'] } })).toString('base64url')}.${s ?? ''}`;
    const client = await openClient();
    expect(await errorCode(login(client, name, tampered))).toBe('identity.invalidToken');
    // The genuine token creates the profile; this connection still has no token to read it.
    const other = await openClient();
    await login(other, name, token);
    expect(await errorCode(client.get(`${name}.user.${subOf(token)}`))).toBe('system.accessDenied');
  });

  it('logout clears the token and Resgate drops the open profile subscription', async () => {
    const { name } = await startIdentity();
    const token = (await userToken('reader')).access_token;
    const client = await openClient();
    await login(client, name, token);
    const profile = (await client.get(`${name}.user.${subOf(token)}`)) as ResModel;
    const dropped = nextEvent(profile, 'unsubscribe');
    await client.authenticate(name, 'logout');
    await dropped;
    expect(await errorCode(client.get(`${name}.user.${subOf(token)}`))).toBe('system.accessDenied');
  });

  it('the owner sets preferences and subscribers see the change; another user may not', async () => {
    const { name } = await startIdentity();
    const reader = (await userToken('reader')).access_token;
    const nobody = (await userToken('nobody')).access_token;
    const rc = await openClient();
    const nc = await openClient();
    await login(rc, name, reader);
    await login(nc, name, nobody);
    const rid = `${name}.user.${subOf(reader)}`;
    const profile = (await rc.get(rid)) as ResModel;
    const changed = nextEvent<Record<string, unknown>>(profile, 'change');

    await rc.call(rid, 'set', { preferences: { theme: 'dark', pageSize: 50 } });

    expect(Object.keys(await changed)).toEqual(['preferences']);
    expect(profile.toJSON().preferences).toEqual({ theme: 'dark', pageSize: 50 });
    expect(await errorCode(nc.call(rid, 'set', { preferences: { theme: 'light' } }))).toBe('system.accessDenied');
    expect(await errorCode(rc.call(rid, 'set', { preferences: { 'bad key': 1 } }))).toBe('system.invalidParams');
  });

  it('a key set that cannot be fetched is hub.unavailable (retry), not an invalid token', async () => {
    // Intent: a Keycloak outage must not look like the user's bad credentials.
    const { name } = await startIdentity({ issuer: 'http://127.0.0.1:1/realms/servicehub' });
    const client = await openClient();
    expect(await errorCode(login(client, name, (await userToken('reader')).access_token))).toBe('hub.unavailable');
  });
});
