/**
 * Starts every service under services/ (each has src/main.ts) as a supervised process with the
 * platform's URLs in its environment, and waits until each has connected to NATS.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import type { PlatformUrls } from './platform.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { waitUntil } from './wait.ts';

export interface StartedService {
  name: string;
  proc: ManagedProcess;
}

/** Options of {@link startServices}. */
export interface StartServicesOptions {
  /** More environment per service, e.g. its `OPS_PORT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` to turn tracing on. */
  env?: (name: string) => NodeJS.ProcessEnv;
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
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // The ops server on a free port unless the caller assigns one (make up does, per service):
    // several services, or runs, on one machine must not fight over the default.
    OPS_PORT: process.env.OPS_PORT ?? '0',
  };
}

/** Services name their NATS connection after themselves; the monitor's /connz lists them. */
async function connectedToNats(monitorUrl: string, name: string): Promise<boolean> {
  const res = await fetch(`${monitorUrl}/connz?limit=1024`, { signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { connections?: { name?: string }[] };
  return (body.connections ?? []).some((c) => c.name === name);
}

/**
 * Starts services (default: every one under services/) supervised, resolving once each is connected
 * to NATS. They restart forever with the default backoff; `make up` then arms its own policy
 * (`proc.supervise`), which gives up.
 * @example const [identity] = await startServices(urls, log, ['identity']);
 */
export async function startServices(urls: PlatformUrls, log: LogSink, names: readonly string[] = discoverServices(), o: StartServicesOptions = {}): Promise<StartedService[]> {
  const env = serviceEnv(urls);
  const started = names.map((name) => ({
    name,
    proc: ManagedProcess.start({
      name,
      command: process.execPath,
      // An absolute entry path, so a sweep of dead runs can tell our service processes by cmdline.
      // The telemetry preload starts tracing before the service's imports when OTEL_EXPORTER_OTLP_ENDPOINT
      // is set, and does nothing otherwise.
      args: ['--import', 'tsx', '--import', '@hub/telemetry/register', join(repoRoot, 'services', name, 'src', 'main.ts')],
      cwd: join(repoRoot, 'services', name),
      env: { ...env, OTEL_SERVICE_NAME: name, ...o.env?.(name) },
      restart: true,
      log,
    }),
  }));
  // If any never connects, all are stopped: the caller gets no handle to stop them with.
  const ready = await Promise.allSettled(
    started.map((s) => waitUntil(() => connectedToNats(urls.natsMonitorUrl, s.name), 60_000, `service ${s.name} (connected to NATS)`, () => s.proc.exitReason())),
  );
  const failed = ready.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => s.proc.stop()));
    throw failed.reason;
  }
  return started;
}
