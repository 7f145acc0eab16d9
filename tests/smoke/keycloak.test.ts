// Smoke: Keycloak issues a password-grant token whose signature verifies against the realm JWKS.
import { describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { hub, userToken } from '@hub/testkit';

describe('keycloak', () => {
  it('issues a token that verifies against the realm JWKS', async () => {
    const { keycloakIssuer: issuer } = hub();
    const { access_token } = await userToken('reader');
    const jwks = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
    const { payload } = await jwtVerify(access_token, jwks, { issuer, audience: 'hub-api' });
    expect(decodeProtectedHeader(access_token).alg).toBe('RS256');
    expect(payload.sub).toEqual(expect.any(String));
    expect(payload.preferred_username).toBe('reader');
    expect((payload.realm_access as { roles: string[] }).roles).toContain('customer:read');
  });

  it('rejects a token whose payload was tampered with', async () => {
    const { keycloakIssuer: issuer } = hub();
    const { access_token } = await userToken('reader');
    const [h, p, s] = access_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, preferred_username: 'admin' })).toString('base64url'), s].join('.');
    const jwks = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
    await expect(jwtVerify(forged, jwks, { issuer })).rejects.toThrow(/signature/);
  });
});
