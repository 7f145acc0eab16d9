// A connection's token is cleared when the access token expires.
import { describe, expect, it } from 'vitest';
import { createTestClient, nextEvent, openClient, realmToken, type ResModel } from '@hub/testkit';
import { errorCode, login, startIdentity, subOf } from './helpers.ts';

describe('token expiry', () => {
  it('when the access token expires the token is cleared and Resgate drops the subscription', async () => {
    // Intent: Resgate never expires tokens itself; the identity service's per-connection timer does.
    const { name } = await startIdentity();
    const clientId = await createTestClient({ accessTokenLifespanS: 15 });
    const { access_token } = await realmToken('servicehub', clientId, 'reader');
    const client = await openClient();
    await login(client, name, access_token);
    const rid = `${name}.user.${subOf(access_token)}`;
    const profile = (await client.get(rid)) as ResModel;

    await nextEvent(profile, 'unsubscribe', () => true, 45_000);

    expect(await errorCode(client.get(rid))).toBe('system.accessDenied');
  }, 90_000);
});
