/**
 * Vitest global setup: starts the real platform once per test run on free ports (or uses the
 * servers named in HUB_TEST_* variables) and hands the URLs to tests through `inject('hub')`.
 * HUB_TEST_CONTAINERS=1 starts the servers as containers of the stack's images instead of local
 * processes (`@hub/servers/containers`, Docker engine from DOCKER_HOST; `make test-containers`).
 * Server logs go to .run/test-<pid>/logs/<server>.log, so a failure can be read after the run.
 */
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { bin, freePort, localDir, repoRoot, startPlatform, startServices, type IngressLimits, type Platform, type PlatformPorts, type PlatformUrls, type StartedService } from '@hub/servers';
import { urlsFromEnv } from './env.ts';
import { recordRun, sweepDeadRuns } from './sweep.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    hub: PlatformUrls;
  }
}

/** Services every test needs running, started once per run. */
const IDENTITY = ['identity'];

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

/** Resgate's request timeout in tests: short, so timeout paths are quick to prove. */
export const TEST_RESGATE_TIMEOUT_MS = 3000;

async function freePorts(): Promise<PlatformPorts> {
  const names = ['nats', 'natsMonitor', 'resgate', 'postgres', 'redis', 'keycloak', 'keycloakManagement', 'traefik', 'traefikAdmin', 'identityBackchannel'] as const;
  const ports = await Promise.all(names.map(() => freePort()));
  return Object.fromEntries(names.map((n, i) => [n, ports[i]])) as unknown as PlatformPorts;
}

function logFiles(dir: string): { log: (name: string, line: string) => void; close: () => void } {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, WriteStream>();
  return {
    log: (name, line) => {
      let f = files.get(name);
      if (!f) {
        f = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
        files.set(name, f);
      }
      f.write(`${line}\n`);
    },
    close: () => { for (const f of files.values()) f.end(); },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = urlsFromEnv();
  if (given) {
    project.provide('hub', given);
    return () => Promise.resolve();
  }
  const runParent = join(repoRoot, '.run');
  // scripts/up.ts: tests/supervision runs a whole `make up` of its own (its children match the others).
  sweepDeadRuns(runParent, 'test-', [localDir, bin.pgBin, join(repoRoot, 'services'), join(repoRoot, 'scripts', 'up.ts')]);
  const runDir = join(runParent, `test-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  const logs = logFiles(join(runDir, 'logs'));
  const t0 = Date.now();
  let platform: Platform;
  let services: StartedService[];
  const launchers = process.env.HUB_TEST_CONTAINERS === '1' ? (await import('@hub/servers/containers')).CONTAINER_LAUNCHERS : undefined;
  if (launchers) process.stderr.write(`[testkit] servers as containers (HUB_TEST_CONTAINERS=1) on ${process.env.DOCKER_HOST ?? 'the default Docker engine'}\n`);
  try {
    platform = await startPlatform({
      ...(launchers ? { launchers } : {}),
      ports: await freePorts(),
      runDir,
      log: logs.log,
      fast: true,
      keycloakAdmin: { user: 'admin', password: randomBytes(12).toString('hex') },
      resgate: { requestTimeoutMs: TEST_RESGATE_TIMEOUT_MS },
      ingress: SHARED_INGRESS,
      // Resgate's and Traefik's metrics, for the observability tests' own Prometheus.
      observability: { resgateMetrics: await freePort() },
      progress: (m) => { process.stderr.write(`[testkit] ${m}\n`); },
    });
  } catch (err) {
    logs.close();
    throw new Error(`${(err as Error).message}\nServer logs: ${join(runDir, 'logs')}. Did \`make install\` run?`);
  }
  try {
    // The gateway's header auth (gateway/resgate.json) names identity: every Resgate request
    // asks it first, so it runs for the whole test run, as under `make up`.
    services = await startServices(platform.urls, logs.log, IDENTITY);
  } catch (err) {
    await platform.stop();
    logs.close();
    throw new Error(`${(err as Error).message}\nServer logs: ${join(runDir, 'logs')}. Did \`make install\` run?`);
  }
  recordRun(runDir, [...platform.servers.map((s) => s.process?.pid), ...services.map((s) => s.proc.pid)].filter((pid) => pid !== undefined));
  process.stderr.write(`[testkit] platform ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; logs in ${join(runDir, 'logs')}\n`);
  project.provide('hub', platform.urls);
  return async () => {
    await Promise.all(services.map((s) => s.proc.stop()));
    await platform.stop();
    logs.close();
    rmSync(join(runDir, 'postgres'), { recursive: true, force: true });
    rmSync(join(runDir, 'nats'), { recursive: true, force: true });
  };
}
