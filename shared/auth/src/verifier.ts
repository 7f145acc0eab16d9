/**
 * Keycloak token verification with `jose` (not `keycloak-connect`, which its maintainers have
 * deprecated): signature against the realm's JWKS, issuer pinned, audience (or `azp`) checked,
 * algorithms limited to asymmetric ones, `exp`/`nbf` with a small clock skew.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { keycloakClaims, type KeycloakClaims } from './claims.ts';

/** Asymmetric JWS algorithms only: never `none`, never HS* (an HMAC "signed" with the public key). */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Clock skew accepted on `exp`/`nbf`/`iat`, in seconds. */
export const CLOCK_TOLERANCE_S = 30;
/** The API audience Keycloak's audience mapper adds to access tokens. */
export const API_AUDIENCE = 'hub-api';
/** Minimum time between two JWKS fetches triggered by unknown `kid`s (rate limit against junk tokens). */
export const JWKS_COOLDOWN_MS = 10_000;
/** A cached JWKS is refetched at the next verification after this age. */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/** Timeout of one JWKS fetch. */
export const JWKS_TIMEOUT_MS = 5_000;

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Why a token was refused (stable, safe to log; never sent to clients in detail). */
export type TokenFailure = 'malformed' | 'algorithm' | 'unknownKey' | 'signature' | 'expired' | 'notYetValid' | 'issuer' | 'audience' | 'claims' | 'unavailable';

/** A token that did not verify. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly reason: TokenFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface VerifierOptions {
  /** The realm's issuer, e.g. `http://localhost:8180/realms/servicehub`; pinned exactly. */
  readonly issuer: string;
  /** Required in `aud` (default {@link API_AUDIENCE}). */
  readonly audience?: string;
  /** Clients whose tokens are accepted by `azp` when `aud` lacks the audience (default none). */
  readonly authorizedParties?: readonly string[];
  /** Default `${issuer}/protocol/openid-connect/certs`. */
  readonly jwksUrl?: string;
  readonly algorithms?: readonly string[];
  readonly clockToleranceS?: number;
  readonly jwksCooldownMs?: number;
  readonly jwksCacheMaxAgeMs?: number;
  readonly jwksTimeoutMs?: number;
}

/** Claims of a verified OIDC back-channel logout token. */
export interface LogoutClaims {
  readonly sid: string | undefined;
  readonly sub: string | undefined;
}

/** Verifies Keycloak tokens of one realm; keys are fetched once and refreshed on an unknown `kid`. */
export interface TokenVerifier {
  /** Verifies an access token; throws {@link TokenError}. */
  verify(jwt: string): Promise<KeycloakClaims>;
  /** Verifies a back-channel logout token (any client of the realm as audience); throws {@link TokenError}. */
  verifyLogoutToken(jwt: string): Promise<LogoutClaims>;
}

function failure(err: unknown): TokenError {
  if (err instanceof TokenError) return err;
  if (err instanceof errors.JWTExpired) return new TokenError('expired', 'Token expired', { cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    const reason: TokenFailure = err.claim === 'nbf' ? 'notYetValid' : err.claim === 'iss' ? 'issuer' : err.claim === 'aud' ? 'audience' : 'claims';
    return new TokenError(reason, `Token claim "${err.claim}" invalid`, { cause: err });
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return new TokenError('algorithm', 'Token algorithm not allowed', { cause: err });
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return new TokenError('unknownKey', 'Token key unknown', { cause: err });
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenError('signature', 'Token signature invalid', { cause: err });
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return new TokenError('unavailable', 'Key set unavailable', { cause: err });
  if (err instanceof errors.JOSEError) return new TokenError('malformed', 'Token malformed', { cause: err });
  // A failed JWKS fetch (network) surfaces as a plain error.
  return new TokenError('unavailable', 'Key set unavailable', { cause: err });
}

/** Failures of the key lookup itself (not of the fetch): the token's key is not in a set we have. */
const keyFailure = (err: unknown): boolean =>
  err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported;

/**
 * Keycloak away: jose refetches a key set older than its max age before using it, and a failed
 * fetch would refuse every token. Instead the last key set fetched keeps verifying the tokens it
 * covers until Keycloak answers again (a token whose key it lacks still fails as unavailable: we
 * cannot know whether a new key exists).
 */
function staleIfUnreachable(remote: ReturnType<typeof createRemoteJWKSet>): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (err) {
      const last = remote.jwks();
      if (keyFailure(err) || last === undefined) throw err;
      try {
        return await createLocalJWKSet(last)(header, token);
      } catch {
        throw err; // the fetch's failure: unavailable
      }
    }
  };
}

/**
 * @example
 * const verifier = createTokenVerifier({ issuer: 'http://localhost:8180/realms/servicehub' });
 * const claims = await verifier.verify(bearer); // claims.sub, claims.realm_access?.roles
 */
export function createTokenVerifier(o: VerifierOptions): TokenVerifier {
  const audience = o.audience ?? API_AUDIENCE;
  const parties = new Set(o.authorizedParties ?? []);
  const jwks = createRemoteJWKSet(new URL(o.jwksUrl ?? `${o.issuer}/protocol/openid-connect/certs`), {
    cooldownDuration: o.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
    cacheMaxAge: o.jwksCacheMaxAgeMs ?? JWKS_CACHE_MAX_AGE_MS,
    timeoutDuration: o.jwksTimeoutMs ?? JWKS_TIMEOUT_MS,
  });
  const keys = staleIfUnreachable(jwks);
  const options = { issuer: o.issuer, algorithms: [...(o.algorithms ?? ASYMMETRIC_ALGORITHMS)], clockTolerance: o.clockToleranceS ?? CLOCK_TOLERANCE_S };
  const verifyJwt = async (jwt: string): Promise<JWTPayload> => {
    try {
      return (await jwtVerify(jwt, keys, { ...options, requiredClaims: ['exp'] })).payload;
    } catch (err) {
      throw failure(err);
    }
  };
  return {
    async verify(jwt) {
      const payload = await verifyJwt(jwt);
      const parsed = keycloakClaims.safeParse(payload);
      if (!parsed.success) throw new TokenError('claims', 'Token claims invalid');
      const claims = parsed.data;
      // Only access tokens: an ID or refresh token of the same realm verifies too, but is not one.
      if (claims.typ !== undefined && claims.typ !== 'Bearer') throw new TokenError('claims', 'Not an access token');
      const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(audience) && !(claims.azp !== undefined && parties.has(claims.azp))) throw new TokenError('audience', 'Token audience invalid');
      return claims;
    },
    async verifyLogoutToken(jwt) {
      let payload: JWTPayload;
      try {
        payload = (await jwtVerify(jwt, keys, options)).payload;
      } catch (err) {
        throw failure(err);
      }
      const events = payload.events;
      // OIDC Back-Channel Logout 1.0 §2.6: the event member is required, a nonce is forbidden.
      if (typeof events !== 'object' || events === null || !(BACKCHANNEL_LOGOUT_EVENT in events) || 'nonce' in payload) throw new TokenError('claims', 'Not a logout token');
      const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
      if (sid === undefined && payload.sub === undefined) throw new TokenError('claims', 'Logout token names no session');
      return { sid, sub: payload.sub };
    },
  };
}
