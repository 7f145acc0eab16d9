/**
 * @hub/auth — Keycloak identity for Service Hub services: token verification with `jose`
 * (`keycloak-connect` is deprecated by its maintainers and not used), typed claims, the
 * connection token shape, and declarative access policies for `defineResource`.
 */
export { createTokenVerifier, TokenError, ASYMMETRIC_ALGORITHMS, API_AUDIENCE, CLOCK_TOLERANCE_S, JWKS_CACHE_MAX_AGE_MS, JWKS_COOLDOWN_MS, JWKS_TIMEOUT_MS } from './verifier.ts';
export type { LogoutClaims, TokenFailure, TokenVerifier, VerifierOptions } from './verifier.ts';
export { connectionToken, hubToken, keycloakClaims, toHubToken } from './claims.ts';
export type { HubToken, KeycloakClaims } from './claims.ts';
export { ADMIN_ROLE, allOf, allow, anyOf, anyone, authenticated, authorize, hasRole, owner, requires, tokenOf } from './access.ts';
export type { AccessInput, Params, Policy, Rule } from './access.ts';
