/** Entry point: configuration in, identity service and back-channel endpoint running until SIGINT/SIGTERM. */
import { configOrExit, runService } from '@hub/res';
import { configSchema } from './config.ts';
import { createIdentity } from './service.ts';

const config = configOrExit(configSchema);
const identity = await createIdentity({
  natsUrl: config.NATS_URL,
  databaseUrl: config.DATABASE_URL,
  schema: config.DB_SCHEMA,
  logLevel: config.LOG_LEVEL,
  issuer: config.KEYCLOAK_ISSUER,
  audience: config.API_AUDIENCE,
  cookieName: config.ACCESS_TOKEN_COOKIE,
  ...(config.KEYCLOAK_JWKS_URL === undefined ? {} : { verifier: { jwksUrl: config.KEYCLOAK_JWKS_URL } }),
  backchannel: { host: config.BACKCHANNEL_HOST, port: config.BACKCHANNEL_PORT },
  tokenCache: { maxEntries: config.TOKEN_CACHE_MAX_ENTRIES, maxRefused: config.TOKEN_CACHE_MAX_REFUSED, refusedTtlMs: config.TOKEN_CACHE_REFUSED_TTL_MS },
});
// runService closes the service (and its store) first; identity.close() then ends the rest.
await runService(identity.service, { onClose: () => identity.close() });
