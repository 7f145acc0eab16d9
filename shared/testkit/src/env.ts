/**
 * Lets a test run use servers that are already running (e.g. a `make up` platform or CI
 * services) instead of starting its own: set every HUB_TEST_* variable below.
 */
import type { PlatformUrls } from '@hub/servers';

const KEYS: Record<keyof PlatformUrls, string> = {
  natsUrl: 'HUB_TEST_NATS_URL',
  natsMonitorUrl: 'HUB_TEST_NATS_MONITOR_URL',
  resgateHttpUrl: 'HUB_TEST_RESGATE_HTTP_URL',
  resgateWsUrl: 'HUB_TEST_RESGATE_WS_URL',
  postgresUrl: 'HUB_TEST_POSTGRES_URL',
  redisUrl: 'HUB_TEST_REDIS_URL',
  keycloakUrl: 'HUB_TEST_KEYCLOAK_URL',
  keycloakIssuer: 'HUB_TEST_KEYCLOAK_ISSUER',
  keycloakAdminUser: 'HUB_TEST_KEYCLOAK_ADMIN_USER',
  keycloakAdminPassword: 'HUB_TEST_KEYCLOAK_ADMIN_PASSWORD',
  traefikUrl: 'HUB_TEST_TRAEFIK_URL',
  traefikWsUrl: 'HUB_TEST_TRAEFIK_WS_URL',
  identityBackchannelUrl: 'HUB_TEST_IDENTITY_BACKCHANNEL_URL',
  webUrl: 'HUB_TEST_WEB_URL',
  appUrl: 'HUB_TEST_APP_URL',
};

/** All URLs from the environment, undefined when none is set; a partial set is an error. */
export function urlsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformUrls | undefined {
  const entries = Object.entries(KEYS).map(([k, v]) => [k, env[v]] as const);
  const missing = entries.filter(([, v]) => v === undefined || v === '');
  if (missing.length === entries.length) return undefined;
  if (missing.length > 0) {
    const names = missing.map(([k]) => KEYS[k as keyof PlatformUrls]).join(', ');
    throw new Error(`Some HUB_TEST_* variables are set but not these: ${names}. Set all of them, or none to let the tests start their own servers.`);
  }
  return Object.fromEntries(entries) as unknown as PlatformUrls;
}
