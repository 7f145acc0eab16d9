/**
 * The ops HTTP server every service runs beside its NATS work (plain `node:http`, no framework):
 *
 * - `GET /healthz` — 200 `{"status":"ok"}` while the process runs (liveness: restart when it fails);
 * - `GET /readyz`  — 200 `{"status":"ready","checks":{…}}` when every readiness check passes, else
 *   503 `{"status":"unready","checks":{"postgres":{"ok":false,"ms":2000,"error":"postgres timed out after 2000 ms"},…}}`;
 * - `GET /metrics` — the registry in Prometheus text format.
 *
 * It also exports readiness as metrics (`hub_ready`, `hub_readiness_check{check}`), evaluated on
 * each scrape, so "a service not ready" can be alerted on.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { perScrape } from './collected.ts';
import { CHECK_TIMEOUT_MS, runChecks, type Readiness, type ReadinessChecks } from './readiness.ts';

/** The port services listen on for ops when `OPS_PORT` is not set (as OpenTelemetry's Prometheus exporter). */
export const DEFAULT_OPS_PORT = 9464;
/** Loopback by default: a container that Prometheus scrapes over the network sets `OPS_HOST=0.0.0.0`. */
export const DEFAULT_OPS_HOST = '127.0.0.1';

/** Options of {@link startOpsServer}. @example { port: config.OPS_PORT, checks: { nats: natsCheck(nc) }, registry: t.registry } */
export interface OpsServerOptions {
  /** TCP port; 0 = a free one (see `url`). */
  readonly port: number;
  /** Default {@link DEFAULT_OPS_HOST}. */
  readonly host?: string;
  /** Readiness checks by name; none = always ready. */
  readonly checks?: ReadinessChecks;
  /** Served on /metrics; readiness gauges are added to it. */
  readonly registry: Registry;
  /** Readiness changes are logged (warn when it turns unready, info when ready again). */
  readonly log?: Logger;
  /** Default {@link CHECK_TIMEOUT_MS}. */
  readonly checkTimeoutMs?: number;
}

/** A running ops server. */
export interface OpsServer {
  /** `http://<host>:<port>` as bound (the real port when 0 was asked). */
  readonly url: string;
  readonly port: number;
  /** Runs the readiness checks (as /readyz does). */
  readiness(): Promise<Readiness>;
  /** Stops listening and removes the readiness gauges from the registry. */
  close(): Promise<void>;
}

const READY_METRICS = ['hub_ready', 'hub_readiness_check'] as const;

/**
 * Starts the ops server; resolves once it listens.
 * @example const ops = await startOpsServer({ port: 0, checks, registry: t.registry }); ops.url // 'http://127.0.0.1:40123'
 */
export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const checks = o.checks ?? {};
  const timeoutMs = o.checkTimeoutMs ?? CHECK_TIMEOUT_MS;
  let lastReady: boolean | undefined;
  const readiness = async (): Promise<Readiness> => {
    const r = await runChecks(checks, timeoutMs);
    if (r.ready !== lastReady) logChange(o.log, r, lastReady);
    lastReady = r.ready;
    return r;
  };
  registerReadinessGauges(o.registry, readiness);
  const server = createServer((req, res) => { void route(req, res, o.registry, readiness, o.log); });
  // Scrapes and probes are short: drop idle keep-alive sockets quickly so close() is prompt.
  server.keepAliveTimeout = 2000;
  try {
    await listen(server, o.port, o.host ?? DEFAULT_OPS_HOST);
  } catch (err) {
    removeReadinessGauges(o.registry);
    throw new Error(`ops server: cannot listen on ${o.host ?? DEFAULT_OPS_HOST}:${o.port} (${(err as Error).message}); set OPS_PORT to a free port, or 0 for any`, { cause: err });
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    readiness,
    close: () => new Promise<void>((resolve) => {
      removeReadinessGauges(o.registry);
      server.close(() => { resolve(); });
      server.closeAllConnections();
    }),
  };
}

interface Reply { readonly status: number; readonly type: string; readonly body: string; readonly headers?: Record<string, string> }

const json = (status: number, body: unknown): Reply => ({ status, type: 'application/json', body: JSON.stringify(body) });

async function route(req: IncomingMessage, res: ServerResponse, registry: Registry, readiness: () => Promise<Readiness>, log: Logger | undefined): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  let reply: Reply;
  try {
    reply = await answer(req.method, path, registry, readiness);
  } catch (err) {
    log?.error({ err, path }, 'ops request failed');
    reply = json(500, { error: 'internal error' });
  }
  res.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store', ...reply.headers });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

async function answer(method: string | undefined, path: string | undefined, registry: Registry, readiness: () => Promise<Readiness>): Promise<Reply> {
  if (method !== 'GET' && method !== 'HEAD') return { ...json(405, { error: 'use GET' }), headers: { allow: 'GET, HEAD' } };
  if (path === '/healthz') return json(200, { status: 'ok' });
  if (path === '/readyz') {
    const r = await readiness();
    return json(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'unready', checks: r.checks });
  }
  if (path === '/metrics') return { status: 200, type: registry.contentType, body: await registry.metrics() };
  return json(404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
}

function registerReadinessGauges(registry: Registry, readiness: () => Promise<Readiness>): void {
  removeReadinessGauges(registry); // a second server on the same registry replaces the first's
  const current = perScrape(readiness); // both gauges, one round of checks
  new Gauge({
    name: 'hub_ready', help: '1 when every readiness check passes (what /readyz answers 200 for), else 0.', registers: [registry],
    async collect() { this.set((await current()).ready ? 1 : 0); },
  });
  new Gauge({
    name: 'hub_readiness_check', help: '1 when the named readiness check passes, else 0.', labelNames: ['check'] as const, registers: [registry],
    async collect() {
      const r = await current();
      this.reset();
      for (const [check, c] of Object.entries(r.checks)) this.set({ check }, c.ok ? 1 : 0);
    },
  });
}

function removeReadinessGauges(registry: Registry): void {
  for (const name of READY_METRICS) registry.removeSingleMetric(name);
}

function logChange(log: Logger | undefined, r: Readiness, before: boolean | undefined): void {
  if (log === undefined) return;
  const failing = Object.fromEntries(Object.entries(r.checks).filter(([, c]) => !c.ok).map(([n, c]) => [n, c.error]));
  if (!r.ready) log.warn({ failing }, 'not ready');
  else if (before === false) log.info('ready again');
}
