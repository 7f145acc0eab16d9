// A realm key rotation is picked up by a running identity service (no restart).
import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { createTestRealm, openClient, realmIssuer, realmToken, rotateRealmKey, waitFor } from '@hub/testkit';
import { login, startIdentity } from './helpers.ts';

describe('key rotation', () => {
  it('tokens signed with a newly activated realm key are accepted by the running service, old ones still are', async () => {
    // Own realm: rotating the shared realm's key would change what other tests' tokens are signed with.
    const realm = await createTestRealm();
    const { name } = await startIdentity({ issuer: realmIssuer(realm) });
    const before = (await realmToken(realm, 'hub-test', 'reader')).access_token;
    const client = await openClient();
    await login(client, name, before); // the service has now fetched and cached the realm's keys

    const newKid = await rotateRealmKey(realm);
    const after = (await realmToken(realm, 'hub-test', 'reader')).access_token;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect(decodeProtectedHeader(before).kid).not.toBe(newKid);

    // An unknown kid refetches the key set (at most once per cooldown, so allow for it).
    await waitFor(async () => { await login(client, name, after); return true; }, 'the rotated key to be accepted', 30_000);
    await login(client, name, before);
  }, 90_000);
});
