/**
 * Ingress limits: the HUB_INGRESS_* variables that traefik/dynamic/middlewares.yml reads through
 * Traefik's Go templates. The defaults live in that file only (so the Swarm stack, which mounts
 * it, gets them too); this module names each variable, validates values before Traefik starts
 * (a bad value would otherwise make Traefik drop the whole file and answer 404 everywhere), and
 * turns typed options into the environment Traefik sees.
 */
import { z } from 'zod';

/** The kinds of value, each with the sentence a bad value is told. */
const KINDS = {
  count: { schema: z.coerce.number().int().min(1), must: 'a whole number of at least 1' },
  /** A Go duration as Traefik parses it. */
  duration: { schema: z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/), must: 'a duration such as 250ms, 5s or 1m' },
  /** 1 means "never": a ratio of failures cannot exceed 1. */
  ratio: { schema: z.coerce.number().gt(0).max(1), must: 'a number above 0 and at most 1' },
} as const;

/** Every ingress setting: option name → [variable, kind of value, what it means]. */
export const INGRESS_SETTINGS = {
  rateAverage: ['HUB_INGRESS_RATE_AVERAGE', 'count', 'requests per second per client IP (default 100)'],
  rateBurst: ['HUB_INGRESS_RATE_BURST', 'count', 'requests a client IP may send at once (default 200)'],
  authRateAverage: ['HUB_INGRESS_AUTH_RATE_AVERAGE', 'count', 'requests per second per client IP to /api/identity and WebSocket upgrades (default 10)'],
  authRateBurst: ['HUB_INGRESS_AUTH_RATE_BURST', 'count', 'burst on those auth paths (default 20)'],
  inflight: ['HUB_INGRESS_INFLIGHT', 'count', 'concurrent requests (and open WebSockets) per client IP and route (default 200)'],
  bodyMaxBytes: ['HUB_INGRESS_BODY_MAX_BYTES', 'count', 'largest request body in bytes; larger gets 413 (default 1048576)'],
  compressMinBytes: ['HUB_INGRESS_COMPRESS_MIN_BYTES', 'count', 'smallest response body that is compressed (default 1024)'],
  retryAttempts: ['HUB_INGRESS_RETRY_ATTEMPTS', 'count', 'tries of a GET/HEAD that could not reach Resgate (default 3)'],
  retryInterval: ['HUB_INGRESS_RETRY_INTERVAL', 'duration', 'first wait between those tries (default 100ms)'],
  breakerErrorRatio: ['HUB_INGRESS_BREAKER_ERROR_RATIO', 'ratio', 'share of 502–599 or network errors that opens the breaker (default 0.5; 1 = never)'],
  breakerLatencyMs: ['HUB_INGRESS_BREAKER_LATENCY_MS', 'count', 'median latency in ms that opens the breaker (default 1000)'],
  breakerCheckPeriod: ['HUB_INGRESS_BREAKER_CHECK_PERIOD', 'duration', 'how often the breaker evaluates (default 100ms)'],
  breakerFallback: ['HUB_INGRESS_BREAKER_FALLBACK', 'duration', 'how long an open breaker answers 503 (default 5s)'],
  breakerRecovery: ['HUB_INGRESS_BREAKER_RECOVERY', 'duration', 'how long it then ramps traffic back before closing (default 5s)'],
} as const;

type Settings = typeof INGRESS_SETTINGS;
/** Typed overrides of the ingress limits; what is left out keeps its default (or its variable). */
export type IngressLimits = { [K in keyof Settings]?: Settings[K][1] extends 'duration' ? string : number };

const PREFIX = 'HUB_INGRESS_';

/**
 * The HUB_INGRESS_* environment for Traefik: `env`'s own HUB_INGRESS_* values overlaid with
 * `limits`, each checked. Throws one error naming every bad or unknown variable.
 * @example ingressEnv({ rateAverage: 2, breakerFallback: '1s' }) // { HUB_INGRESS_RATE_AVERAGE: '2', … }
 */
export function ingressEnv(limits: IngressLimits = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(PREFIX) && value !== undefined && value !== '') out[name] = value;
  }
  for (const [key, value] of Object.entries(limits) as [keyof Settings, string | number | undefined][]) {
    if (value !== undefined) out[INGRESS_SETTINGS[key][0]] = String(value);
  }
  const known = new Map<string, keyof typeof KINDS>(Object.values(INGRESS_SETTINGS).map(([name, kind]) => [name, kind]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(out)) {
    const kind = known.get(name);
    if (kind === undefined) {
      problems.push(`  ${name} is not an ingress setting (known: ${[...known.keys()].join(', ')})`);
    } else if (!KINDS[kind].schema.safeParse(value).success) {
      problems.push(`  ${name}=${value} must be ${KINDS[kind].must}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid ingress configuration:\n${problems.join('\n')}\nFix or unset these variables (defaults: traefik/dynamic/middlewares.yml).`);
  }
  return out;
}
