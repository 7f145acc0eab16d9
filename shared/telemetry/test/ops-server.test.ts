// The ops HTTP server: liveness, readiness with real checks against the test platform's NATS,
// Postgres and Redis (and against a port where nothing listens), and /metrics.
import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createCache } from '@hub/cache';
import { cleanup, connectNats, hub, uniqueName, waitFor } from '@hub/testkit';
import { freePort } from '@hub/servers';
import { Registry } from 'prom-client';
import { cacheCheck, natsCheck, postgresCheck, startOpsServer, type OpsServerOptions } from '../src/index.ts';
import { parseMetrics, value } from './prom.ts';

async function start(o: Partial<OpsServerOptions> = {}) {
  return cleanup(await startOpsServer({ port: 0, registry: new Registry(), ...o }), (s) => s.close());
}

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; type: string | null }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), type: res.headers.get('content-type') };
}

function pool(url: string): pg.Pool {
  return cleanup(new pg.Pool({ connectionString: url, max: 1 }), (p) => p.end());
}

describe('ops server', () => {
  it('answers /healthz while the process runs, on the free port it was given', async () => {
    const ops = await start();
    expect(ops.port).toBeGreaterThan(0);
    expect(ops.url).toBe(`http://127.0.0.1:${ops.port}`);
    expect(await get(`${ops.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' }, type: 'application/json' });
    expect((await fetch(`${ops.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await get(`${ops.url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect(await get(`${ops.url}/nope`)).toMatchObject({ status: 404, body: { paths: ['/healthz', '/readyz', '/metrics'] } });
  });

  it('is ready when NATS, Postgres and the cache all answer', async () => {
    // Intent: the built-in checks pass against the real servers.
    const nc = await connectNats();
    const cache = cleanup(createCache({ url: hub().redisUrl, prefix: uniqueName('tel'), near: false }), (c) => c.close());
    await waitFor(() => cache.healthy, 'the cache to connect');
    const ops = await start({ checks: { nats: natsCheck(nc), postgres: postgresCheck(pool(hub().postgresUrl)), cache: cacheCheck(cache) } });
    const r = await get(`${ops.url}/readyz`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ready', checks: { nats: { ok: true }, postgres: { ok: true }, cache: { ok: true } } });
  });

  it('answers 503 naming each failing check and why', async () => {
    // Intent: an unreachable Postgres, a closed NATS connection, a check that hangs past its
    // timeout (and is aborted) and one that reports false each fail, and the others still pass.
    const nc = await connectNats();
    await nc.close();
    const port = await freePort(); // nothing listens there
    let aborted = false;
    const hang = (signal: AbortSignal) => new Promise<void>(() => { signal.addEventListener('abort', () => { aborted = true; }); });
    const ops = await start({
      checkTimeoutMs: 300,
      checks: { ok: () => true, nats: natsCheck(nc), postgres: postgresCheck(pool(`postgres://hub@127.0.0.1:${port}/postgres`)), partitions: hang, migrations: () => false },
    });
    const r = await get(`${ops.url}/readyz`);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({
      status: 'unready',
      checks: {
        ok: { ok: true },
        nats: { ok: false, error: 'NATS connection closed' },
        postgres: { ok: false, error: expect.stringContaining('ECONNREFUSED') as unknown },
        partitions: { ok: false, error: 'partitions timed out after 300 ms' },
        migrations: { ok: false, error: 'migrations reported not ready' },
      },
    });
    expect(aborted).toBe(true);
  });

  it('serves the registry on /metrics, with readiness as gauges', async () => {
    // Intent: Prometheus text from the registry it was given, plus hub_ready and one
    // hub_readiness_check series per check.
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'tel' });
    let ready = true;
    const ops = await start({ registry, checks: { flag: () => ready, always: () => undefined } });
    const res = await fetch(`${ops.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const s = parseMetrics(await res.text());
    expect(value(s, 'hub_ready', { service: 'tel' })).toBe(1);
    expect(value(s, 'hub_readiness_check', { check: 'flag' })).toBe(1);
    ready = false;
    const after = parseMetrics(await (await fetch(`${ops.url}/metrics`)).text());
    expect(value(after, 'hub_ready')).toBe(0);
    expect(value(after, 'hub_readiness_check', { check: 'flag' })).toBe(0);
    expect(value(after, 'hub_readiness_check', { check: 'always' })).toBe(1);
    await ops.close();
    expect(registry.getSingleMetric('hub_ready')).toBeUndefined();
  });

  it('says which variable to change when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup(taken, (s) => new Promise((resolve) => s.close(resolve)));
    const port = (taken.address() as { port: number }).port;
    await expect(startOpsServer({ port, registry: new Registry() })).rejects.toThrow(/set OPS_PORT/);
  });
});
