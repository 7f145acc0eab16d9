/**
 * Lets a test run use servers that are already running (e.g. a `make up` platform or CI
 * services) instead of starting its own: set every HUB_TEST_* variable below.
 */
import type { PlatformUrls } from '@hub/servers';

type Required = { [K in keyof PlatformUrls as undefined extends PlatformUrls[K] ? never : K]: PlatformUrls[K] };

const KEYS: Record<keyof Required, string> = {
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

/** URLs of optional platform parts (observability): set them when the servers have them. */
const OPTIONAL_KEYS: Record<Exclude<keyof PlatformUrls, keyof Required>, string> = {
  resgateMetricsUrl: 'HUB_TEST_RESGATE_METRICS_URL',
  traefikMetricsUrl: 'HUB_TEST_TRAEFIK_METRICS_URL',
  prometheusUrl: 'HUB_TEST_PROMETHEUS_URL',
  jaegerUrl: 'HUB_TEST_JAEGER_URL',
  otlpUrl: 'HUB_TEST_OTLP_URL',
};

/** The HUB_TEST_* variables naming `urls` (what {@link urlsFromEnv} reads back), e.g. for a runner's child processes. */
export function urlsToEnv(urls: PlatformUrls): Record<string, string> {
  const keys: Record<string, string> = { ...KEYS, ...OPTIONAL_KEYS };
  return Object.fromEntries(Object.entries(urls).flatMap(([k, v]) => (keys[k] === undefined || v === undefined ? [] : [[keys[k], String(v)]])));
}

/** All URLs from the environment, undefined when none is set; a partial set is an error. */
export function urlsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformUrls | undefined {
  const entries = Object.entries(KEYS).map(([k, v]) => [k, env[v]] as const);
  const missing = entries.filter(([, v]) => v === undefined || v === '');
  if (missing.length === entries.length) return undefined;
  if (missing.length > 0) {
    const names = missing.map(([k]) => KEYS[k as keyof Required]).join(', ');
    throw new Error(`Some HUB_TEST_* variables are set but not these: ${names}. Set all of them, or none to let the tests start their own servers.`);
  }
  const optional = Object.entries(OPTIONAL_KEYS).map(([k, v]) => [k, env[v]] as const).filter(([, v]) => v !== undefined && v !== '');
  return Object.fromEntries([...entries, ...optional]) as unknown as PlatformUrls;
}
