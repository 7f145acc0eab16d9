// Keycloak away, simulated by a JWKS endpoint of the test's own that stops answering (the shared
// Keycloak serves every other test and must not be stopped): tokens already issued keep verifying
// from the cached key set, a sign-in that needs a key we never fetched fails with a clear
// hub.unavailable (503 with Retry-After), and once the keys are reachable again it succeeds by
// itself — no restart.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, TokenError } from '@hub/auth';
import { cleanup, hub, userToken } from '@hub/testkit';
import { SIGN_IN_UNAVAILABLE } from '../src/resources/auth.ts';
import { guarded, privateGateway, startIdentity, status } from './helpers.ts';

/** Keycloak's certs endpoint behind a switch: `down()` refuses connections, `up()` serves again (same port). */
async function jwksSwitch(): Promise<{ url: string; fetches: () => number; down: () => Promise<void>; up: () => Promise<void> }> {
  const certs = `${hub().keycloakIssuer}/protocol/openid-connect/certs`;
  let fetches = 0;
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<Server>((resolve) => {
      const s = createServer((_req, res) => {
        fetches++;
        void fetch(certs).then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
        });
      });
      s.listen(port, '127.0.0.1', () => {
        resolve(s);
      });
    });
  server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const down = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (s === undefined) resolve();
      else {
        s.closeAllConnections();
        s.close(() => {
          resolve();
        });
      }
    });
  cleanup(undefined, down);
  return {
    url: `http://127.0.0.1:${String(port)}/certs`,
    fetches: () => fetches,
    down,
    up: async () => {
      server ??= await listen(port);
    },
  };
}

async function errorBody(url: string, token: string): Promise<{ status: number; retryAfter: string | null; body: { code?: string; message?: string } }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { code?: string; message?: string } };
}

describe('Keycloak away', () => {
  it('issued tokens keep validating; a sign-in needing unfetched keys gets a clear 503; recovery is automatic', { timeout: 90_000 }, async () => {
    const jwks = await jwksSwitch();
    const doc = await guarded();
    const warm = await startIdentity({ jwksUrl: jwks.url });
    const warmGw = await privateGateway(`${warm.name}.header`);
    const [writer, reader] = [(await userToken('writer')).access_token, (await userToken('reader')).access_token];
    expect(await status(`${warmGw.http}/api/${doc}/doc/1`, { headers: { authorization: `Bearer ${writer}` } })).toBe(200);
    expect(jwks.fetches()).toBe(1);

    await jwks.down();
    // A token this instance never saw (not in its token cache) verifies against the cached keys.
    expect(await status(`${warmGw.http}/api/${doc}/doc/1`, { headers: { authorization: `Bearer ${reader}` } })).toBe(200);
    // An instance that never fetched the keys cannot verify anything: a clear, retryable refusal.
    const cold = await startIdentity({ jwksUrl: jwks.url });
    const coldGw = await privateGateway(`${cold.name}.header`);
    const refused = await errorBody(`${coldGw.http}/api/${doc}/doc/1`, reader);
    expect(refused).toEqual({ status: 503, retryAfter: '1', body: { code: 'hub.unavailable', message: SIGN_IN_UNAVAILABLE } });

    await jwks.up();
    expect(await status(`${coldGw.http}/api/${doc}/doc/1`, { headers: { authorization: `Bearer ${reader}` } })).toBe(200);
  });

  it('past the key set’s max age, a Keycloak that does not answer leaves the last key set in use', { timeout: 60_000 }, async () => {
    // jose refetches a key set older than cacheMaxAge before using it; unreachable, the last one stays.
    const jwks = await jwksSwitch();
    const verifier = createTokenVerifier({ issuer: hub().keycloakIssuer, jwksUrl: jwks.url, jwksCacheMaxAgeMs: 1 });
    const [writer, reader] = [(await userToken('writer')).access_token, (await userToken('reader')).access_token];
    expect((await verifier.verify(writer)).preferred_username).toBe('writer');
    await jwks.down();
    expect((await verifier.verify(reader)).preferred_username).toBe('reader');
    // A key the last set lacks cannot be checked while Keycloak is away: unavailable, not invalid.
    const [, payload, signature] = reader.split('.');
    const unknownKid = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'rotated-meanwhile' })).toString('base64url')}.${payload ?? ''}.${signature ?? ''}`;
    await expect(verifier.verify(unknownKid)).rejects.toSatisfy((e) => e instanceof TokenError && e.reason === 'unavailable');
  });
});
