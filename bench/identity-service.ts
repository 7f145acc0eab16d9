/**
 * The identity service as benchmarks run it: its own process, the production path (token
 * verification against the real Keycloak, profiles in Postgres, back-channel endpoint), quiet logs.
 */
import { configOrExit } from '@hub/res';
import { configSchema } from '../services/identity/src/config.ts';
import { createIdentity } from '../services/identity/src/service.ts';

const c = configOrExit(configSchema);
const identity = await createIdentity({
  natsUrl: c.NATS_URL, databaseUrl: c.DATABASE_URL, schema: c.DB_SCHEMA, issuer: c.KEYCLOAK_ISSUER, logLevel: 'warn',
  backchannel: { host: c.BACKCHANNEL_HOST, port: c.BACKCHANNEL_PORT },
  tokenCache: { maxEntries: c.TOKEN_CACHE_MAX_ENTRIES, maxRefused: c.TOKEN_CACHE_MAX_REFUSED, refusedTtlMs: c.TOKEN_CACHE_REFUSED_TTL_MS },
});
await identity.service.start();
process.stdout.write('READY\n');
process.on('SIGTERM', () => { void identity.close().then(() => process.exit(0)); });
