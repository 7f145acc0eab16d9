/**
 * Starts every service under services/ (each has src/main.ts) as a supervised process with the
 * platform's URLs in its environment, and waits until each has connected to NATS.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import type { PlatformUrls } from './platform.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { httpOk, waitUntil } from './wait.ts';

/** The front end: no NATS connection of its own; it is up when its health URL answers. */
export const WEB_SERVICE = 'web';

export interface StartedService {
  name: string;
  proc: ManagedProcess;
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
  };
}

/** Services name their NATS connection after themselves; the monitor's /connz lists them. */
async function connectedToNats(monitorUrl: string, name: string): Promise<boolean> {
  const res = await fetch(`${monitorUrl}/connz?limit=1024`, { signal: AbortSignal.timeout(2000) });
  const body = (await res.json()) as { connections?: { name?: string }[] };
  return (body.connections ?? []).some((c) => c.name === name);
}

/**
 * Starts services (default: every one under services/) supervised, resolving once each is connected to NATS.
 * @example const [identity] = await startServices(urls, log, ['identity']);
 */
export async function startServices(urls: PlatformUrls, log: LogSink, names: readonly string[] = discoverServices()): Promise<StartedService[]> {
  const env = serviceEnv(urls);
  const started = names.map((name) => ({
    name,
    proc: ManagedProcess.start({
      name,
      command: process.execPath,
      // An absolute entry path, so a sweep of dead runs can tell our service processes by cmdline.
      args: ['--import', 'tsx', join(repoRoot, 'services', name, 'src', 'main.ts')],
      cwd: join(repoRoot, 'services', name),
      env,
      restart: true,
      log,
    }),
  }));
  const ready = (name: string) => (name === WEB_SERVICE ? httpOk(`${urls.webUrl}/healthz`) : connectedToNats(urls.natsMonitorUrl, name));
  await Promise.all(
    started.map((s) => waitUntil(() => ready(s.name), 60_000, `service ${s.name} (${s.name === WEB_SERVICE ? 'answering /healthz' : 'connected to NATS'})`, () => s.proc.exitReason())),
  );
  return started;
}
