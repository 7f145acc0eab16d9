// Keycloak logout reaches the identity service over OIDC back-channel logout and resets the
// session's connection tokens (system.tokenReset), so Resgate drops what the user may no longer read.
import { describe, expect, it } from 'vitest';
import { generateKeyPair, SignJWT } from 'jose';
import { createTestClient, hub, keycloakLogout, nextEvent, openClient, realmToken, userToken, type ResModel } from '@hub/testkit';
import { errorCode, login, startIdentity, subOf } from './helpers.ts';

describe('back-channel logout', () => {
  it('a Keycloak logout clears the session’s token and drops its open subscription; other sessions keep theirs', async () => {
    const identity = await startIdentity();
    const { name } = identity;
    const clientId = await createTestClient({ backchannelLogoutUrl: identity.backchannel.url });
    const reader = await realmToken('servicehub', clientId, 'reader');
    const writer = await realmToken('servicehub', clientId, 'writer');
    const rc = await openClient();
    const wc = await openClient();
    await login(rc, name, reader.access_token);
    await login(wc, name, writer.access_token);
    const readerProfile = (await rc.get(`${name}.user.${subOf(reader.access_token)}`)) as ResModel;
    const writerProfile = (await wc.get(`${name}.user.${subOf(writer.access_token)}`)) as ResModel;
    const dropped = nextEvent(readerProfile, 'unsubscribe', () => true, 30_000);
    let writerDropped = false;
    writerProfile.on('unsubscribe', () => { writerDropped = true; });

    await keycloakLogout('servicehub', clientId, reader.refresh_token ?? '');

    await dropped;
    // The logged-out access token is still unexpired, but its session is revoked.
    expect(await errorCode(login(rc, name, reader.access_token))).toBe('identity.invalidToken');
    // The writer's session was not reset: a request after the reader's reset still passes access.
    await wc.call(`${name}.user.${subOf(writer.access_token)}`, 'set', { preferences: { still: true } });
    expect(writerDropped).toBe(false);
  }, 60_000);

  it('the endpoint refuses logout tokens that are forged or are not logout tokens, and resets nothing', async () => {
    const identity = await startIdentity();
    const { name } = identity;
    const reader = (await userToken('reader')).access_token;
    const client = await openClient();
    await login(client, name, reader);
    const sid = (JSON.parse(Buffer.from(reader.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ iss: hub().keycloakIssuer, aud: 'hub-test', sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
      .setProtectedHeader({ alg: 'RS256', kid: 'attacker' }).setIssuedAt().setJti('x').sign(privateKey);
    const post = async (logoutToken: string): Promise<number> => {
      const res = await fetch(identity.backchannel.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: logoutToken }) });
      return res.status;
    };

    expect(await post(forged)).toBe(400);
    expect(await post(reader)).toBe(400); // genuine realm signature, but no back-channel logout event

    // The session was not revoked: the same token still logs in.
    await login(client, name, reader);
  });

  it('logging out a hub-test session succeeds whether or not an identity service listens on the realm’s back-channel URL', async () => {
    const { refresh_token } = await userToken('reader');
    await keycloakLogout('servicehub', 'hub-test', refresh_token ?? '');
  });

  it('a logout that reached one instance is honoured by every instance, and by one started later', async () => {
    // Two instances in one queue group; Keycloak's back channel reaches only the first. Resgate's
    // re-check and later logins land on either: each must refuse the logged-out session.
    const first = await startIdentity();
    const { name, scope } = first;
    const second = await startIdentity({ scope });
    const clientId = await createTestClient({ backchannelLogoutUrl: first.backchannel.url });
    const reader = await realmToken('servicehub', clientId, 'reader');
    const rc = await openClient();
    await login(rc, name, reader.access_token);
    const profile = (await rc.get(`${name}.user.${subOf(reader.access_token)}`)) as ResModel;
    const dropped = nextEvent(profile, 'unsubscribe', () => true, 30_000);

    await keycloakLogout('servicehub', clientId, reader.refresh_token ?? '');

    await dropped;
    for (let i = 0; i < 10; i++) {
      expect(await errorCode(login(await openClient(), name, reader.access_token))).toBe('identity.invalidToken');
    }
    // A restart forgets nothing: an instance started now, alone, loads the revocation.
    await first.close();
    await second.close();
    await startIdentity({ scope });
    expect(await errorCode(login(await openClient(), name, reader.access_token))).toBe('identity.invalidToken');
  }, 60_000);
});
