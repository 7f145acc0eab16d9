/**
 * What the REST benchmark needs: the whole platform as `make up` runs it (NATS, PostgreSQL,
 * Redis, Keycloak, Resgate with gateway/resgate.json — header auth by `identity.header` — and
 * Traefik with traefik/dynamic), on free ports, plus identity, customer and library each in a
 * child process of its own (so BENCH_NODE_ARGS profiles them and their CPU is counted), and
 * customers 1..CUSTOMERS seeded. Server logs stay in `.run/bench-rest-<pid>/logs/`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePlatformPorts, logFiles, repoRoot, serviceEnv, startPlatform, type Platform, type PlatformUrls } from '@hub/servers';
import { startChild, type Child } from './lib/child.ts';
import { seedCustomers } from './customer-platform.ts';

/** The services the REST path crosses, each a child process. */
export type RestChild = 'identity' | 'customer' | 'library' | 'bare';

export interface RestPlatform {
  readonly urls: PlatformUrls;
  readonly children: Readonly<Record<RestChild, Child>>;
  /** PIDs of the servers by name (for CPU per request). */
  readonly serverPids: Readonly<Record<string, number | undefined>>;
  readonly logDir: string;
  /** A fresh access token of a realm test user (password grant, client `hub-test`). */
  token(user: 'admin' | 'writer' | 'reader'): Promise<string>;
  stop(): Promise<void>;
}

const SERVICE_CHILD = fileURLToPath(new URL('./service-child.ts', import.meta.url));
const SERVICES: readonly RestChild[] = ['identity', 'customer', 'library'];
/**
 * The floor of a REST write: a responder answering `bare.customer.<id>`'s access and `set` from
 * memory (responders/customer-bare.ts: the same reply and change event as the customer service,
 * no validation, database, cache or outbox), behind the same Traefik, Resgate and header auth.
 */
const BARE = fileURLToPath(new URL('./responders/customer-bare.ts', import.meta.url));

async function startChildren(urls: PlatformUrls): Promise<Record<RestChild, Child>> {
  const env = { ...serviceEnv(urls), LOG_LEVEL: 'warn' };
  const started: Partial<Record<RestChild, Child>> = {};
  try {
    for (const name of SERVICES) started[name] = await startChild(name, SERVICE_CHILD, env, [name]);
    started.bare = await startChild('bare', BARE, { NATS_URL: urls.natsUrl, BENCH_SERVICE: 'bare' });
    return started as Record<RestChild, Child>;
  } catch (err) {
    await Promise.all(Object.values(started).map((c) => c.stop()));
    throw err;
  }
}

/** Starts everything; progress goes to stderr (Keycloak takes 20–60 s). */
export async function startRestPlatform(): Promise<RestPlatform> {
  const runDir = join(repoRoot, '.run', `bench-rest-${String(process.pid)}`);
  rmSync(runDir, { recursive: true, force: true });
  const logDir = join(runDir, 'logs');
  const logs = logFiles(logDir);
  const removeData = (): void => {
    for (const d of ['postgres', 'nats']) rmSync(join(runDir, d), { recursive: true, force: true });
  };
  let platform: Platform;
  try {
    platform = await startPlatform({
      ports: await freePlatformPorts(),
      runDir,
      log: logs.log,
      fast: true,
      keycloakAdmin: { user: 'admin', password: randomBytes(12).toString('hex') },
      // Every ingress middleware stays in the path (its cost is part of a REST request), with limits
      // a one-client load test does not reach: wrk from one IP would otherwise measure 429s.
      ingress: {
        rateAverage: 1_000_000,
        rateBurst: 1_000_000,
        authRateAverage: 1_000_000,
        authRateBurst: 1_000_000,
        inflight: 100_000,
        breakerErrorRatio: 1,
        breakerLatencyMs: 3_600_000,
      },
      progress: (m) => {
        process.stderr.write(`[bench] ${m}\n`);
      },
    });
  } catch (err) {
    logs.close();
    removeData();
    throw new Error(`${(err as Error).message}\nServer logs: ${logDir}. Did \`make install\` run?`);
  }
  let children: Record<RestChild, Child>;
  try {
    children = await startChildren(platform.urls);
    await seedCustomers(platform.urls.postgresUrl);
  } catch (err) {
    await platform.stop();
    logs.close();
    removeData();
    throw err;
  }
  const { urls } = platform;
  return {
    urls,
    children,
    serverPids: Object.fromEntries(platform.servers.map((s) => [s.name, s.process?.pid])),
    logDir,
    token: async (user) => {
      const res = await fetch(`${urls.keycloakIssuer}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', client_id: 'hub-test', username: user, password: `${user}-pass` }),
        signal: AbortSignal.timeout(15_000),
      });
      if (!res.ok) throw new Error(`password grant for ${user} failed: ${String(res.status)} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    stop: async () => {
      await Promise.all(Object.values(children).map((c) => c.stop()));
      await platform.stop();
      logs.close();
      removeData();
    },
  };
}
