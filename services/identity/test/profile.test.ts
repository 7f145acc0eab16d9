// identity.user.<sub> profiles in Postgres: persistence across restarts and instances, claim sync,
// concurrent preference writes, and logins that survive a database fault.
import { describe, expect, it } from 'vitest';
import { nextEvent, openClient, scopeSql, userToken, type ResModel } from '@hub/testkit';
import { errorCode, login, startIdentity, subOf } from './helpers.ts';

describe('identity profiles in Postgres', () => {
  it('preferences the owner sets survive a restart; afterwards a non-owner is denied and an admin reads them', async () => {
    // Intent: the profile lives in the service's schema, not in the instance that wrote it.
    const first = await startIdentity();
    const reader = (await userToken('reader')).access_token;
    const rid = `${first.name}.user.${subOf(reader)}`;
    const rc = await openClient();
    await login(rc, first.name, reader);
    expect(((await rc.get(rid)) as ResModel).toJSON()).toMatchObject({ username: 'reader', email: 'reader@servicehub.test', preferences: {} });
    await rc.call(rid, 'set', { preferences: { theme: 'dark', pageSize: 50 } });
    await rc.call(rid, 'set', { preferences: { pageSize: null, lang: 'de' } });
    rc.disconnect();

    await first.close();
    const second = await startIdentity({ scope: first.scope });

    const owner = await openClient();
    const writer = await openClient();
    const admin = await openClient();
    await login(owner, second.name, reader);
    await login(writer, second.name, (await userToken('writer')).access_token);
    await login(admin, second.name, (await userToken('admin')).access_token);
    expect(((await owner.get(rid)) as ResModel).toJSON()).toMatchObject({ username: 'reader', preferences: { theme: 'dark', lang: 'de' } });
    expect(await errorCode(writer.get(rid))).toBe('system.accessDenied');
    expect(await errorCode(writer.call(rid, 'set', { preferences: { theme: 'light' } }))).toBe('system.accessDenied');
    expect(((await admin.get(rid)) as ResModel).toJSON().preferences).toEqual({ theme: 'dark', lang: 'de' });
  });

  it('claims that differ from the stored profile are written back with a change event of only those fields', async () => {
    // Intent: a login whose token disagrees with the row (here: an email edited behind the
    // service's back) updates the row and tells subscribers what changed.
    const { name, scope } = await startIdentity();
    const reader = (await userToken('reader')).access_token;
    const sub = subOf(reader);
    const rc = await openClient();
    await login(rc, name, reader);
    await scopeSql(scope, 'UPDATE profiles SET email = $2 WHERE sub = $1', [sub, 'stale@example.com']);
    const profile = (await rc.get(`${name}.user.${sub}`)) as ResModel;
    expect(profile.toJSON().email).toBe('stale@example.com');
    const changed = nextEvent<Record<string, unknown>>(profile, 'change');

    await login(rc, name, reader);

    // resclient's change event carries the previous values of the changed properties.
    expect(await changed).toEqual({ email: 'stale@example.com' });
    expect(profile.toJSON().email).toBe('reader@servicehub.test');
    expect(await scopeSql(scope, 'SELECT email, version FROM profiles WHERE sub = $1', [sub])).toEqual([{ email: 'reader@servicehub.test', version: 2 }]);
  });

  it('concurrent preference writes through two instances lose no key, and the limit holds', async () => {
    // Intent: writers on different instances merge on the locked row, never over a stale copy.
    const first = await startIdentity();
    await startIdentity({ scope: first.scope });
    const reader = (await userToken('reader')).access_token;
    const rid = `${first.name}.user.${subOf(reader)}`;
    const rc = await openClient();
    await login(rc, first.name, reader);
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(i)}`);

    await Promise.all(keys.map((k, i) => rc.call(rid, 'set', { preferences: { [k]: i } })));

    const [row] = await scopeSql<{ preferences: Record<string, number> }>(first.scope, 'SELECT preferences FROM profiles WHERE sub = $1', [subOf(reader)]);
    expect(Object.keys(row?.preferences ?? {}).sort()).toEqual([...keys].sort());
    const tooMany = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`x${String(i)}`, true]));
    expect(await errorCode(rc.call(rid, 'set', { preferences: tooMany }))).toBe('identity.tooManyPreferences');
  });

  it('with the profile table gone, login still sets the token and the profile answers internalError', async () => {
    // Intent: logins must not depend on Postgres; a database fault is a clean error, not a hang.
    const { name, scope } = await startIdentity({ logLevel: 'silent' });
    await scopeSql(scope, 'DROP TABLE profiles');
    const reader = (await userToken('reader')).access_token;
    const rc = await openClient();

    expect(await login(rc, name, reader)).toMatchObject({ username: 'reader' });

    // Access is granted (the token is set); reading the row is what fails.
    expect(await errorCode(rc.get(`${name}.user.${subOf(reader)}`))).toBe('system.internalError');
  });
});
