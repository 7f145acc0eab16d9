/** The identity service's own environment (beyond NATS_URL, LOG_LEVEL and DATABASE_URL), validated at start. */
import { CLOCK_TOLERANCE_S } from '@hub/auth';
import { z } from '@hub/res';
import { TOKEN_CACHE_MAX_ENTRIES, TOKEN_CACHE_MAX_REFUSED, TOKEN_CACHE_REFUSED_TTL_MS } from './token-cache.ts';

/** Every variable may also come as NAME_FILE (a Docker secret). */
export const identityConfig = z.object({
  /** The realm's issuer, exactly as in tokens (Keycloak pins it with --hostname). */
  KEYCLOAK_ISSUER: z.url().default('http://localhost:8180/realms/servicehub'),
  /**
   * Where to fetch the realm's keys when the issuer URL (public, as in tokens) is not reachable
   * from the service, e.g. `http://keycloak:8080/realms/servicehub/protocol/openid-connect/certs`
   * in the stack. Default: the issuer's own certs endpoint.
   */
  KEYCLOAK_JWKS_URL: z.url().optional(),
  /** Audience every accepted access token must carry. */
  API_AUDIENCE: z.string().min(1).default('hub-api'),
  /** Cookie carrying the access token for browsers (header auth). */
  ACCESS_TOKEN_COOKIE: z.string().min(1).default('hub_access_token'),
  /** Port of the OIDC back-channel logout endpoint Keycloak posts to (0: a free one). */
  BACKCHANNEL_PORT: z.coerce.number().int().min(0).max(65535).default(8095),
  BACKCHANNEL_HOST: z.string().min(1).default('127.0.0.1'),
  /** How far a token's exp/nbf may be off our clock, in seconds. */
  JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(CLOCK_TOLERANCE_S),
  /** Verified tokens remembered (token-cache.ts), per instance. */
  TOKEN_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(TOKEN_CACHE_MAX_ENTRIES),
  /** Refused tokens remembered, per instance. */
  TOKEN_CACHE_MAX_REFUSED: z.coerce.number().int().min(1).default(TOKEN_CACHE_MAX_REFUSED),
  /** How long a refused token is remembered; 0 turns that off. */
  TOKEN_CACHE_REFUSED_TTL_MS: z.coerce.number().int().min(0).default(TOKEN_CACHE_REFUSED_TTL_MS),
});
