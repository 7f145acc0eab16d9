/**
 * Typed Keycloak claims (after the signature and registered claims are verified) and the
 * connection token the identity service sets on a Resgate connection — the only identity shape
 * other services ever see (as `ctx.token` in access and call handlers).
 */
import { z } from 'zod';

/** The claims of a Keycloak access token that Service Hub relies on; others pass through. */
export const keycloakClaims = z.looseObject({
  iss: z.string(),
  sub: z.string().min(1),
  exp: z.number().int(),
  iat: z.number().int().optional(),
  sid: z.string().min(1).optional(),
  azp: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  typ: z.string().optional(),
  preferred_username: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  realm_access: z.looseObject({ roles: z.array(z.string()) }).optional(),
});

/** Verified Keycloak access-token claims. */
export type KeycloakClaims = z.infer<typeof keycloakClaims>;

/**
 * The connection token: what services receive as `ctx.token`. `exp` is in seconds since the epoch
 * (as in the JWT); `sid` is Keycloak's session id, also the token id for `system.tokenReset`.
 */
export const hubToken = z.object({
  sub: z.string().min(1),
  username: z.string(),
  roles: z.array(z.string()),
  exp: z.number().int(),
  sid: z.string().nullable(),
});

/** The connection token's type. */
export type HubToken = z.infer<typeof hubToken>;

/**
 * The schema to give a resource's `token` member: a connection may have no token (`null`).
 * @example defineResource({ pattern: 'thing.$id', token: connectionToken, access: allow({ get: authenticated }) })
 */
export const connectionToken = hubToken.nullable();

/**
 * The connection token for verified claims.
 * @example service.tokenEvent(cid, toHubToken(claims), claims.sid);
 */
export function toHubToken(c: KeycloakClaims): HubToken {
  return {
    sub: c.sub,
    username: c.preferred_username ?? c.sub,
    roles: [...(c.realm_access?.roles ?? [])].sort(),
    exp: c.exp,
    sid: c.sid ?? null,
  };
}
