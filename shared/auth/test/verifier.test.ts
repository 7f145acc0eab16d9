// Token verification against the real Keycloak realm, and forged tokens of every kind refused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, decodeProtectedHeader, type JWK, type JWTPayload } from 'jose';
import { cleanup, createTestClient, createTestRealm, hub, realmToken, userToken, type TestUser } from '@hub/testkit';
import { createTokenVerifier, TokenError, type TokenFailure, type TokenVerifier } from '../src/index.ts';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (jwt: string): [string, string, string] => jwt.split('.') as [string, string, string];
const payloadOf = (jwt: string): JWTPayload => JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString()) as JWTPayload;

async function reason(verifier: TokenVerifier, jwt: string): Promise<TokenFailure> {
  try {
    await verifier.verify(jwt);
  } catch (err) {
    if (err instanceof TokenError) return err.reason;
    throw err;
  }
  throw new Error('token was accepted');
}

/** The realm public key as PEM: the "secret" an algorithm-confusion attacker would use. */
function exportSPKIPem(jwk: JWK): string {
  return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

function realmVerifier(): TokenVerifier {
  return createTokenVerifier({ issuer: hub().keycloakIssuer });
}

/** A key set of our own, served over HTTP like a realm's JWKS, to sign tokens with chosen claims. */
async function localRealm(): Promise<{ verifier: TokenVerifier; issuer: string; sign: (claims: JWTPayload, kid?: string) => Promise<string> }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'local-1', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })); });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  cleanup(server, (s) => new Promise((resolve) => { s.close(resolve); }));
  const issuer = 'http://issuer.test/realms/local';
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  const now = Math.floor(Date.now() / 1000);
  return {
    issuer,
    verifier: createTokenVerifier({ issuer, jwksUrl, clockToleranceS: 30 }),
    sign: (claims, kid = 'local-1') => new SignJWT({ iss: issuer, aud: 'hub-api', sub: 'u1', typ: 'Bearer', iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(privateKey),
  };
}

describe('createTokenVerifier against the real realm', () => {
  const expected: Record<TestUser, string[]> = {
    reader: ['customer:read'],
    writer: ['customer:read', 'customer:write'],
    admin: ['admin', 'customer:read', 'customer:write'],
    nobody: [],
  };

  it.each(Object.entries(expected))('accepts a password-grant token of %s with exactly its hub roles', async (user, roles) => {
    // Intent: real Keycloak tokens verify (JWKS, issuer, audience) and carry the realm roles.
    const { access_token } = await userToken(user as TestUser);
    const claims = await realmVerifier().verify(access_token);
    expect(claims.preferred_username).toBe(user);
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof claims.sid).toBe('string');
    const hubRoles = (claims.realm_access?.roles ?? []).filter((r) => ['admin', 'customer:read', 'customer:write'].includes(r)).sort();
    expect(hubRoles).toEqual(roles);
  });

  it('refuses alg "none", even with the realm key id and a genuine payload', async () => {
    // Intent: unsecured JWTs never pass; only asymmetric algorithms are allowed.
    const { access_token } = await userToken('reader');
    const { kid } = decodeProtectedHeader(access_token);
    const forged = `${b64({ alg: 'none', typ: 'JWT', kid })}.${parts(access_token)[1]}.`;
    expect(['algorithm', 'malformed']).toContain(await reason(realmVerifier(), forged));
  });

  it('refuses HS256 "signed" with the realm public key (algorithm confusion)', async () => {
    // Intent: the public key, used as an HMAC secret, proves nothing.
    const { access_token } = await userToken('reader');
    const { kid } = decodeProtectedHeader(access_token);
    const jwks = (await (await fetch(`${hub().keycloakIssuer}/protocol/openid-connect/certs`)).json()) as { keys: JWK[] };
    const realmKey = jwks.keys.find((k) => k.kid === kid);
    if (realmKey === undefined) throw new Error('realm key not found');
    const pem = exportSPKIPem(realmKey);
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(realmKey))]) {
      const forged = await new SignJWT(payloadOf(access_token)).setProtectedHeader({ alg: 'HS256', kid }).sign(secret);
      expect(await reason(realmVerifier(), forged)).toBe('algorithm');
    }
  });

  it('refuses a tampered payload (roles added) under the genuine signature', async () => {
    const { access_token } = await userToken('nobody');
    const [h, , s] = parts(access_token);
    const claims = payloadOf(access_token);
    const forged = `${h}.${b64({ ...claims, realm_access: { roles: ['admin'] } })}.${s}`;
    expect(await reason(realmVerifier(), forged)).toBe('signature');
  });

  it('refuses a token signed by a key the realm does not publish (unknown kid)', async () => {
    const { access_token } = await userToken('reader');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(payloadOf(access_token)).setProtectedHeader({ alg: 'RS256', kid: 'not-a-realm-key' }).sign(privateKey);
    expect(await reason(realmVerifier(), forged)).toBe('unknownKey');
  });

  it('refuses a genuine token from another realm of the same Keycloak', async () => {
    // Intent: a token is trusted only by its own realm's verifier (issuer pinned, its own keys).
    const realm = await createTestRealm();
    const { access_token } = await realmToken(realm, 'hub-test', 'reader');
    expect(['unknownKey', 'issuer']).toContain(await reason(realmVerifier(), access_token));
  });

  it('refuses a genuine token without the hub-api audience, and accepts it by azp when allowed', async () => {
    const clientId = await createTestClient({ audience: false });
    const { access_token } = await realmToken('servicehub', clientId, 'reader');
    expect(await reason(realmVerifier(), access_token)).toBe('audience');
    const byAzp = createTokenVerifier({ issuer: hub().keycloakIssuer, authorizedParties: [clientId] });
    expect((await byAzp.verify(access_token)).azp).toBe(clientId);
  });

  it('refuses a genuine ID token (not an access token)', async () => {
    const { id_token } = await userToken('reader');
    if (id_token === undefined) throw new Error('no id_token');
    const r = await reason(createTokenVerifier({ issuer: hub().keycloakIssuer, authorizedParties: ['hub-test'] }), id_token);
    expect(r).toBe('claims');
  });
});

describe('createTokenVerifier registered claims (tokens signed with a key set of our own)', () => {
  const now = (): number => Math.floor(Date.now() / 1000);

  it('accepts a well-formed token (control for the cases below)', async () => {
    const local = await localRealm();
    expect((await local.verifier.verify(await local.sign({}))).sub).toBe('u1');
  });

  it('refuses an expired token beyond the clock skew, accepts one within it', async () => {
    const local = await localRealm();
    expect(await reason(local.verifier, await local.sign({ exp: now() - 120 }))).toBe('expired');
    expect((await local.verifier.verify(await local.sign({ exp: now() - 5 }))).sub).toBe('u1');
  });

  it('refuses a token not yet valid (nbf in the future beyond the skew)', async () => {
    const local = await localRealm();
    expect(await reason(local.verifier, await local.sign({ nbf: now() + 600 }))).toBe('notYetValid');
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    const local = await localRealm();
    expect(await reason(local.verifier, await local.sign({ iss: 'http://evil.test/realms/local' }))).toBe('issuer');
    expect(await reason(local.verifier, await local.sign({ aud: 'account' }))).toBe('audience');
  });

  it('refuses a token without exp', async () => {
    const local = await localRealm();
    expect(await reason(local.verifier, await local.sign({ exp: undefined }))).not.toBeUndefined();
  });
});
