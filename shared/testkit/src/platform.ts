/**
 * A whole test platform on free ports: the real servers plus the named services, logs in
 * .run/test-<pid>/logs/, leftovers of killed runs swept first. Used by the vitest global setup and
 * by runners outside vitest (the browser tests' Playwright global setup, benchmarks), so they all
 * start the platform the same way. Importable without vitest (`@hub/testkit/platform`).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  bin, buildWebApp, freePlatformPorts, freePort, localDir, logFiles, repoRoot, startPlatform, startServices, WEB_SERVICE,
  type IngressLimits, type Platform, type PlatformUrls, type StartedService,
} from '@hub/servers';
import { recordRun, sweepDeadRuns } from './sweep.ts';

/** Resgate's request timeout in tests: short, so timeout paths are quick to prove. */
export const TEST_RESGATE_TIMEOUT_MS = 3000;

/**
 * The shared Traefik serves every test file at once, all from 127.0.0.1: rate and concurrency
 * limits that never bite, and no breaker (a test that provokes 503s or timeouts must not open it
 * for the tests running beside it). Body limit and compression keep make up's defaults.
 * tests/ingress proves the limits, retries and breaker on Traefik instances of its own.
 */
const SHARED_INGRESS: IngressLimits = {
  rateAverage: 100_000, rateBurst: 100_000, authRateAverage: 100_000, authRateBurst: 100_000, inflight: 100_000,
  breakerErrorRatio: 1, breakerLatencyMs: 3_600_000,
};

export interface TestPlatform {
  readonly urls: PlatformUrls;
  readonly platform: Platform;
  readonly services: readonly StartedService[];
  readonly runDir: string;
  stop(): Promise<void>;
}

/**
 * HUB_TEST_KEYCLOAK_READY_MS (optional): how long to wait for Keycloak, for a machine so busy that
 * its start (realm import) takes longer than the launcher's default.
 */
function keycloakReadyTimeout(): { keycloakReadyTimeoutMs?: number } {
  const raw = process.env.HUB_TEST_KEYCLOAK_READY_MS;
  if (raw === undefined || raw === '') return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`HUB_TEST_KEYCLOAK_READY_MS must be a positive number of milliseconds, not '${raw}'`);
  return { keycloakReadyTimeoutMs: ms };
}

/**
 * @example const t = await startTestPlatform({ services: ['identity', 'customer', 'web'] }); … await t.stop();
 */
export async function startTestPlatform(o: { services: readonly string[]; progress?: (m: string) => void }): Promise<TestPlatform> {
  const progress = o.progress ?? ((m: string) => { process.stderr.write(`[testkit] ${m}\n`); });
  const runParent = join(repoRoot, '.run');
  // scripts/up.ts: tests/supervision runs a whole `make up` of its own (its children match the others).
  sweepDeadRuns(runParent, 'test-', [localDir, bin.pgBin, join(repoRoot, 'services'), join(repoRoot, 'scripts', 'up.ts')]);
  const runDir = join(runParent, `test-${String(process.pid)}`);
  rmSync(runDir, { recursive: true, force: true });
  const logs = logFiles(join(runDir, 'logs'));
  const failed = (err: unknown): Error => new Error(`${(err as Error).message}\nServer logs: ${join(runDir, 'logs')}. Did \`make install\` run?`);
  const t0 = Date.now();
  let platform: Platform;
  const launchers = process.env.HUB_TEST_CONTAINERS === '1' ? (await import('@hub/servers/containers')).CONTAINER_LAUNCHERS : undefined;
  if (launchers) progress(`servers as containers (HUB_TEST_CONTAINERS=1) on ${process.env.DOCKER_HOST ?? 'the default Docker engine'}`);
  try {
    if (o.services.includes(WEB_SERVICE)) await buildWebApp({ log: logs.log, progress });
    platform = await startPlatform({
      ...(launchers ? { launchers } : {}),
      ports: await freePlatformPorts(),
      runDir,
      log: logs.log,
      fast: true,
      keycloakAdmin: { user: 'admin', password: randomBytes(12).toString('hex') },
      resgate: { requestTimeoutMs: TEST_RESGATE_TIMEOUT_MS },
      ingress: SHARED_INGRESS,
      // Resgate's and Traefik's metrics, for the observability tests' own Prometheus.
      observability: { resgateMetrics: await freePort() },
      ...keycloakReadyTimeout(),
      progress,
    });
  } catch (err) {
    logs.close();
    throw failed(err);
  }
  let services: StartedService[];
  try {
    services = await startServices(platform.urls, logs.log, o.services);
  } catch (err) {
    await platform.stop();
    logs.close();
    throw failed(err);
  }
  recordRun(runDir, [...platform.servers.map((s) => s.process?.pid), ...services.map((s) => s.proc.pid)].filter((pid) => pid !== undefined));
  progress(`platform ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs in ${join(runDir, 'logs')}`);
  return {
    urls: platform.urls, platform, services, runDir,
    stop: async () => {
      await Promise.all(services.map((s) => s.proc.stop()));
      await platform.stop();
      logs.close();
      rmSync(join(runDir, 'postgres'), { recursive: true, force: true });
      rmSync(join(runDir, 'nats'), { recursive: true, force: true });
    },
  };
}

export { urlsFromEnv, urlsToEnv } from './env.ts';
