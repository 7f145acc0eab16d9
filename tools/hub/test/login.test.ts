// The sign-in's life: an access token about to expire is refreshed with the refresh token (and
// saved), a session ended elsewhere asks to log in again, `hub logout` ends the Keycloak session,
// the device flow signs a user in through a browser, and HUB_TOKEN is sent as given.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessToken, hub, keycloakLogout } from '@hub/testkit';
import { approveDevice } from './browser.ts';
import { hubUser, json, loggedIn } from './hub.ts';

const LONG = 180_000;

interface Saved {
  username: string;
  clientId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}
const saved = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Saved;

/** Marks the saved access token as expired, so the next command must refresh it. */
function expire(file: string): Saved {
  const s = saved(file);
  writeFileSync(file, JSON.stringify({ ...s, expiresAt: Date.now() - 1000 }), { mode: 0o600 });
  return s;
}

async function refreshStatus(refreshToken: string, clientId: string): Promise<number> {
  const res = await fetch(`${hub().keycloakIssuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }),
  });
  return res.status;
}

describe('hub sign-in', () => {
  it('refreshes an expiring access token with the refresh token and saves the new one (0600)', { timeout: LONG }, async () => {
    const h = await loggedIn('reader');
    const before = expire(h.tokenFile);
    const me = await h.run(['--json', 'whoami']);
    expect([me.code, me.stderr]).toEqual([0, '']);
    expect(json(me)).toMatchObject({ username: 'reader' });
    const after = saved(h.tokenFile);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    expect(statSync(h.tokenFile).mode & 0o777).toBe(0o600);
  });

  it('says to log in again when the session has ended elsewhere', { timeout: LONG }, async () => {
    const h = await loggedIn('reader');
    const s = expire(h.tokenFile);
    await keycloakLogout('servicehub', s.clientId, s.refreshToken);
    const r = await h.run(['get', 'identity.user.x']);
    expect([r.code, r.stderr.trim()]).toEqual([3, 'hub: your sign-in as reader has ended — run `hub login` again']);
  });

  it('hub logout ends the Keycloak session and removes the token file', { timeout: LONG }, async () => {
    const h = await loggedIn('writer');
    const s = saved(h.tokenFile);
    expect(await refreshStatus(s.refreshToken, s.clientId)).toBe(200);
    const r = await h.run(['logout']);
    expect([r.code, r.stdout.trim()]).toEqual([0, `signed out writer; removed ${h.tokenFile}`]);
    expect(() => statSync(h.tokenFile)).toThrow();
    expect(await refreshStatus(s.refreshToken, s.clientId)).toBe(400);
    const again = await h.run(['logout']);
    expect([again.code, again.stdout.trim()]).toEqual([0, `not signed in (no ${h.tokenFile})`]);
  });

  it('signs in through a browser with the device flow (hub-cli client)', { timeout: LONG }, async () => {
    const h = hubUser();
    const login = h.start(['login']);
    const prompt = await login.errLine((l) => l.startsWith('To sign in, open '), 'the device prompt');
    const url = prompt.slice('To sign in, open '.length);
    // The second line is a write of its own: wait for it rather than read what has arrived.
    const code = await login.errLine((l) => l.startsWith('and confirm'), 'the code line');
    expect(code).toMatch(/^and confirm the code [A-Z]{4}-[A-Z]{4} \(it expires in \d+ min\)\. Waiting…$/);
    expect(login.stderr.indexOf(code)).toBe(1);
    await approveDevice(url, 'writer', 'writer-pass');
    expect(await login.exited).toBe(0);
    expect(login.stdout[0]).toMatch(/^signed in as writer \(roles: .*customer:write.*\); token saved in /);
    expect(saved(h.tokenFile)).toMatchObject({ username: 'writer', clientId: 'hub-cli' });
    const me = await h.run(['--json', 'whoami']);
    expect(json(me)).toMatchObject({ username: 'writer' });
  });

  it('sends HUB_TOKEN as given, without a token file', { timeout: LONG }, async () => {
    const h = hubUser();
    const r = await h.run(['--json', 'whoami'], { env: { HUB_TOKEN: await accessToken('reader') } });
    expect([r.code, json(r)]).toEqual([0, expect.objectContaining({ username: 'reader' })]);
    expect(() => statSync(h.tokenFile)).toThrow();
  });
});
