/**
 * Starts every service under services/ (each has src/main.ts) as a supervised process with the
 * platform's URLs in its environment, and waits until each has connected to NATS. A service runs
 * either from its TypeScript through tsx (the default: edit and restart) or from its compiled
 * bundle `dist/main.js` (`npm run build`; what the images run, and `make up-prod`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import type { PlatformUrls } from './platform.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { httpOk, waitUntil } from './wait.ts';

/** The front end: no NATS connection of its own; it is up when its health URL answers. */
export const WEB_SERVICE = 'web';

/** How a service process runs: TypeScript through tsx, or the bundle from `npm run build`. */
export type ServiceRuntime = 'tsx' | 'compiled';

/** The command line of one service; an absolute entry path, so a sweep of dead runs can tell our processes by cmdline. */
export function serviceCommand(name: string, runtime: ServiceRuntime = 'tsx'): { command: string; args: string[]; cwd: string } {
  const dir = join(repoRoot, 'services', name);
  // The telemetry preload starts tracing before the service's imports when OTEL_EXPORTER_OTLP_ENDPOINT
  // is set, and does nothing otherwise.
  if (runtime === 'tsx') return { command: process.execPath, args: ['--import', 'tsx', '--import', '@hub/telemetry/register', join(dir, 'src', 'main.ts')], cwd: dir };
  const bundle = join(dir, 'dist', 'main.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` (or \`make build\`) first`);
  return { command: process.execPath, args: [bundle], cwd: dir };
}

export interface StartedService {
  /** The instance's name: the service's for its first instance, `<service>-<n>` for the n-th. */
  name: string;
  /** The service (its folder under services/). */
  service: string;
  proc: ManagedProcess;
}

/** Options of {@link startServices}. */
export interface StartServicesOptions {
  /** More environment per instance (by its name), e.g. its `OPS_PORT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` to turn tracing on. */
  env?: (instance: string, service: string) => NodeJS.ProcessEnv;
  /** Instances per service (default 1): they share its resources through the SDK's ownership. */
  replicas?: (service: string) => number;
  /** TypeScript through tsx (default) or the compiled bundles. */
  runtime?: ServiceRuntime;
}

/** Service folders that have an entry point. */
export function discoverServices(): string[] {
  const dir = join(repoRoot, 'services');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'src', 'main.ts'))).sort();
}

/** The environment contract between the platform and a service (read by each service's config.ts). */
export function serviceEnv(urls: PlatformUrls): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NATS_URL: urls.natsUrl,
    DATABASE_URL: urls.postgresUrl,
    REDIS_URL: urls.redisUrl,
    KEYCLOAK_ISSUER: urls.keycloakIssuer,
    // Only identity listens there (Keycloak's back-channel logout).
    BACKCHANNEL_PORT: new URL(urls.identityBackchannelUrl).port,
    // Only web listens there; it serves the app for the public origin (behind Traefik).
    WEB_PORT: new URL(urls.webUrl).port,
    WEB_PUBLIC_ORIGIN: urls.appUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // The ops server on a free port unless the caller assigns one (make up does, per service):
    // several services, or runs, on one machine must not fight over the default.
    OPS_PORT: process.env.OPS_PORT ?? '0',
  };
}

/** Services name their NATS connection after themselves (every instance alike); the monitor's /connz lists them. */
async function connectedToNats(monitorUrl: string, name: string, count: number): Promise<boolean> {
  const res = await fetch(`${monitorUrl}/connz?limit=1024`, { signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { connections?: { name?: string }[] };
  return (body.connections ?? []).filter((c) => c.name === name).length >= count;
}

/** Instance names of `service` with `n` instances: `customer`, `customer-2`, `customer-3`. @example instanceNames('customer', 2) */
export function instanceNames(service: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? service : `${service}-${String(i + 1)}`));
}

/**
 * Starts services (default: every one under services/) supervised, resolving once each is connected
 * to NATS. They restart forever with the default backoff; `make up` then arms its own policy
 * (`proc.supervise`), which gives up.
 * @example const [identity] = await startServices(urls, log, ['identity']);
 */
export async function startServices(urls: PlatformUrls, log: LogSink, names: readonly string[] = discoverServices(), o: StartServicesOptions = {}): Promise<StartedService[]> {
  const runtime = o.runtime ?? 'tsx';
  const env = { ...serviceEnv(urls), ...(runtime === 'compiled' ? { NODE_ENV: 'production' } : {}) };
  const commands = names.map((service) => [service, serviceCommand(service, runtime)] as const); // all checked before any starts
  const started: StartedService[] = commands.flatMap(([service, cmd]) =>
    instanceNames(service, service === WEB_SERVICE ? 1 : (o.replicas?.(service) ?? 1)).map((name) => ({
      name,
      service,
      proc: ManagedProcess.start({ name, ...cmd, env: { ...env, OTEL_SERVICE_NAME: service, ...o.env?.(name, service) }, restart: true, log }),
    })),
  );
  // If any never becomes ready, all are stopped: the caller gets no handle to stop them with.
  // The web app has no NATS connection: it is ready when its own server answers (one instance).
  const ready = await Promise.allSettled(
    names.map((service) => {
      const mine = started.filter((s) => s.service === service);
      const exited = (): string | undefined => mine.map((s) => s.proc.exitReason()).find((r) => r !== undefined);
      if (service === WEB_SERVICE) return waitUntil(() => httpOk(`${urls.webUrl}/healthz`), 60_000, `service ${service} (answering /healthz)`, exited);
      return waitUntil(() => connectedToNats(urls.natsMonitorUrl, service, mine.length), 60_000, `service ${service} (${String(mine.length)} instance(s) connected to NATS)`, exited);
    }),
  );
  const failed = ready.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.proc.stop()));
    throw failed.reason;
  }
  return started;
}
