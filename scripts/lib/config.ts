/**
 * `make up` configuration: every port from an environment variable with a default, checked
 * free before anything starts so a clash is reported with the variable to change.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { bin, envPort, instanceNames, repoRoot, tcpOpen, type ObservabilityOptions, type PlatformPorts } from '@hub/servers';

/** Where `make up` keeps data, logs and its PID file (HUB_UP_RUN_DIR moves it: a second platform, tests). */
export const RUN_DIR = process.env.HUB_UP_RUN_DIR ?? join(repoRoot, '.run', 'up');
export const PID_FILE = join(RUN_DIR, 'up.pid');

/** Default ports of a `make up` platform, and the variables that override them. */
export const PORT_VARS: Record<keyof PlatformPorts, [string, number]> = {
  nats: ['HUB_NATS_PORT', 4222],
  natsMonitor: ['HUB_NATS_MONITOR_PORT', 8222],
  resgate: ['HUB_RESGATE_PORT', 8090],
  postgres: ['HUB_POSTGRES_PORT', 5442],
  redis: ['HUB_REDIS_PORT', 6389],
  keycloak: ['HUB_KEYCLOAK_PORT', 8180],
  keycloakManagement: ['HUB_KEYCLOAK_MANAGEMENT_PORT', 9190],
  traefik: ['HUB_TRAEFIK_PORT', 8000],
  traefikAdmin: ['HUB_TRAEFIK_ADMIN_PORT', 8001],
  identityBackchannel: ['HUB_IDENTITY_BACKCHANNEL_PORT', 8095],
  web: ['HUB_WEB_PORT', 8100],
};

export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformPorts {
  const entries = Object.entries(PORT_VARS).map(([k, [name, def]]) => [k, envPort(name, def, env)] as const);
  return Object.fromEntries(entries) as unknown as PlatformPorts;
}

/** Observability ports of `make up` (Jaeger's only when it is built: `make install-jaeger`). */
export const OBSERVABILITY_VARS = {
  resgateMetrics: ['HUB_RESGATE_METRICS_PORT', 8091],
  prometheus: ['HUB_PROMETHEUS_PORT', 9090],
  natsExporter: ['HUB_NATS_EXPORTER_PORT', 7777],
  jaegerQuery: ['HUB_JAEGER_PORT', 16686],
  jaegerQueryGrpc: ['HUB_JAEGER_GRPC_PORT', 16685],
  jaegerOtlp: ['HUB_OTLP_PORT', 4318],
  jaegerHealth: ['HUB_JAEGER_HEALTH_PORT', 13133],
} as const satisfies Record<string, readonly [string, number]>;

/** Each service's ops port (/healthz, /readyz, /metrics): HUB_OPS_PORT_BASE, +1 per service in name order. */
export const OPS_PORT_BASE: readonly [string, number] = ['HUB_OPS_PORT_BASE', 9464];

export function observabilityFromEnv(env: NodeJS.ProcessEnv = process.env): ObservabilityOptions {
  const port = (k: keyof typeof OBSERVABILITY_VARS) => envPort(OBSERVABILITY_VARS[k][0], OBSERVABILITY_VARS[k][1], env);
  return {
    resgateMetrics: port('resgateMetrics'),
    prometheus: { port: port('prometheus'), natsExporterPort: port('natsExporter') },
    ...(existsSync(bin.jaeger) ? { jaeger: { query: port('jaegerQuery'), queryGrpc: port('jaegerQueryGrpc'), otlp: port('jaegerOtlp'), health: port('jaegerHealth') } } : {}),
  };
}

/** Ops ports by service name. */
export function opsPorts(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const base = envPort(OPS_PORT_BASE[0], OPS_PORT_BASE[1], env);
  return Object.fromEntries(names.map((n, i) => [n, base + i]));
}

/** Most instances of one service `make up` starts (each is a Node process on a 2-core laptop). */
export const MAX_REPLICAS = 16;

/** The variable that sets how many instances of `service` make up runs: HUB_REPLICAS_CUSTOMER. */
export function replicasVar(service: string): string {
  return `HUB_REPLICAS_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Instances per service from HUB_REPLICAS_<SERVICE> (default 1; 1–16). They share the service's
 * resources through the SDK's partitioned ownership (HUB_PARTITIONS, default 8, in their env).
 * Throws one message naming every bad variable.
 */
export function replicasFromEnv(services: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const bad: string[] = [];
  const out = Object.fromEntries(
    services.map((s) => {
      const v = env[replicasVar(s)] ?? env[`HUB_REPLICAS_${s}`]; // HUB_REPLICAS_customer works too
      if (v === undefined || v === '') return [s, 1];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) bad.push(`  ${replicasVar(s)}=${v}: expected a whole number from 1 to ${String(MAX_REPLICAS)}`);
      return [s, n];
    }),
  );
  if (bad.length > 0) throw new Error(`Bad instance counts:\n${bad.join('\n')}`);
  return out;
}

/**
 * Instance names in ops-port order: every service's first instance (so its port does not move
 * when another service gets replicas), then the extra instances.
 * @example instanceOrder(['customer', 'identity'], { customer: 2, identity: 1 }) // ['customer', 'identity', 'customer-2']
 */
export function instanceOrder(services: readonly string[], replicas: Record<string, number>): string[] {
  const extra = services.flatMap((s) => instanceNames(s, replicas[s] ?? 1).slice(1));
  return [...services, ...extra];
}

/** Throws one message listing every port already taken, with the variable that moves it. */
export async function assertPortsFree(ports: PlatformPorts, more: readonly (readonly [string, number])[] = []): Promise<void> {
  const taken: string[] = [];
  const all = [...(Object.entries(ports) as [keyof PlatformPorts, number][]).map(([key, port]) => [PORT_VARS[key][0], port] as const), ...more];
  for (const [name, port] of all) {
    if (await tcpOpen(port)) taken.push(`  port ${port} (${name}) is already in use`);
  }
  if (taken.length > 0) {
    throw new Error(`Cannot start: \n${taken.join('\n')}\nStop whatever holds them, or set the variables to free ports, e.g. HUB_NATS_PORT=14222 make up`);
  }
}

/** When `make up` gives up on a process: `restarts` restarts within `windowMs`. */
export interface GiveUpLimit { restarts: number; windowMs: number }

function wholeFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw} must be a whole number of at least 1; unset it to use ${fallback}`);
  return n;
}

/** HUB_UP_MAX_RESTARTS (default 5) restarts within HUB_UP_RESTART_WINDOW_S seconds (default 60). */
export function giveUpFromEnv(env: NodeJS.ProcessEnv = process.env): GiveUpLimit {
  return { restarts: wholeFromEnv(env, 'HUB_UP_MAX_RESTARTS', 5), windowMs: wholeFromEnv(env, 'HUB_UP_RESTART_WINDOW_S', 60) * 1000 };
}

/** HUB_KEYCLOAK_READY_TIMEOUT_S (default 180): how long Keycloak may take to start. */
export function keycloakReadyTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return wholeFromEnv(env, 'HUB_KEYCLOAK_READY_TIMEOUT_S', 180) * 1000;
}

/** `make up` runs services from TypeScript (dev, the default) or from their compiled bundles (prod). */
export type UpMode = 'dev' | 'prod';

export function modeFromEnv(env: NodeJS.ProcessEnv = process.env): UpMode {
  const raw = env.HUB_MODE ?? '';
  if (raw === '' || raw === 'dev') return 'dev';
  if (raw === 'prod') return 'prod';
  throw new Error(`HUB_MODE=${raw} is not dev or prod; unset it for dev, or use \`make up-prod\``);
}
