/**
 * The identity service: the `identity` auth methods Resgate calls, `identity.user.<sub>`
 * profiles (in its own Postgres schema), and the back-channel logout endpoint Keycloak calls.
 */
import { createTokenVerifier } from '@hub/auth';
import { defineService } from '@hub/service';
import { startBackchannel } from './backchannel.ts';
import { identityConfig } from './config.ts';
import { ProfileStore } from './profiles.ts';
import { authResource } from './resources/auth.ts';
import { userResource } from './resources/user.ts';
import { Revocations } from './revocations.ts';
import { Sessions } from './sessions.ts';
import { TokenCache } from './token-cache.ts';

/** The method Resgate's headerAuth/wsHeaderAuth name: `<name>.header`. */
export const HEADER_AUTH_METHOD = 'header';

export const identityService = defineService({
  name: 'identity',
  config: identityConfig,
  // Profiles publish no domain events; the store's outbox stays empty.
  data: { migrations: new URL('../migrations', import.meta.url) },
  open: async ({ config, name, log, data, service }) => {
    const verifier = createTokenVerifier({
      issuer: config.KEYCLOAK_ISSUER, audience: config.API_AUDIENCE, clockToleranceS: config.JWT_CLOCK_TOLERANCE_S,
      ...(config.KEYCLOAK_JWKS_URL === undefined ? {} : { jwksUrl: config.KEYCLOAK_JWKS_URL }),
    });
    const tokens = new TokenCache((jwt) => verifier.verify(jwt), {
      maxEntries: config.TOKEN_CACHE_MAX_ENTRIES, maxRefused: config.TOKEN_CACHE_MAX_REFUSED, refusedTtlMs: config.TOKEN_CACHE_REFUSED_TTL_MS,
    });
    // Every revocation this instance learns (back channel, broadcast, Postgres) drops the session's cached tokens.
    const revocations = new Revocations(data.store.db, `hub.${name}.revoked`, log, (sid) => { tokens.dropSession(sid); });
    /** `system.tokenReset` subject: Resgate re-runs `auth.<name>.refresh` for the sessions' connections. */
    const refreshSubject = `auth.${name}.refresh`;
    const backchannel = await startBackchannel({
      host: config.BACKCHANNEL_HOST, port: config.BACKCHANNEL_PORT, verifier, log,
      onLogout: async (sid) => {
        // Stored and broadcast first, so whichever instance Resgate's re-check reaches knows.
        await revocations.revoke(service.connection, sid);
        service.tokenReset([sid], refreshSubject);
      },
    });
    return {
      backchannel, verifier, tokens, revocations, refreshSubject, sessions: new Sessions(), profiles: new ProfileStore(data.store.db),
      cookieName: config.ACCESS_TOKEN_COOKIE, apiPath: '/api/',
    };
  },
  resources: (deps) => [authResource(deps), userResource(deps)],
  // Follows other instances' revocations, then loads the stored ones.
  started: ({ deps, service }) => deps.revocations.start(service.connection),
});
