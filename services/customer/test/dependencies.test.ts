// The customer service and its servers' faults, on servers of the test's own: started before
// Postgres and NATS it waits (one line), is not ready, and serves once they come — no restart;
// with Postgres stopped while it serves, cached reads are answered, writes answer hub.unavailable
// (503 with Retry-After over HTTP), the outage is logged once, and writes work again after.
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { createHubService } from '@hub/service';
import { capturedLog, cleanup, hub, privateNats, privatePostgres, uniqueName, waitFor } from '@hub/testkit';
import { customerService } from '../src/service.ts';

const WRITER = { sub: 'dep-writer', username: 'dep-writer', roles: ['customer:write', 'customer:read'], exp: 4_102_444_800, sid: null };

interface Reply {
  result?: { model?: Record<string, unknown> } & Record<string, unknown>;
  /** A call answered with a new resource (`create`). */
  resource?: { rid: string };
  error?: { code: string; message: string };
  meta?: { status?: number; header?: Record<string, string[]> };
}

async function call(nc: NatsConnection, subject: string, body: Record<string, unknown> = {}): Promise<Reply> {
  return (await nc.request(subject, JSON.stringify({ token: WRITER, ...body }), { timeout: 5000 })).json<Reply>();
}

async function readyz(url: string | undefined): Promise<number> {
  if (url === undefined) throw new Error('no ops server');
  const res = await fetch(`${url}/readyz`);
  await res.arrayBuffer();
  return res.status;
}

describe('customer service and its dependencies', () => {
  it('started while Postgres and NATS are down: waits, not ready, then serves once they are up', { timeout: 60_000 }, async () => {
    const pg = await privatePostgres();
    const nats = await privateNats();
    await Promise.all([pg.stop(), nats.stop()]);
    const log = capturedLog();
    const name = uniqueName('dep');
    const service = await createHubService(customerService, {
      name,
      logger: log.logger,
      config: { NATS_URL: nats.url, DATABASE_URL: pg.url, REDIS_URL: hub().redisUrl, LOG_LEVEL: 'info', OPS_PORT: 0, HUB_PARTITIONS: 2 },
    });
    cleanup(service, (s) => s.close());
    let started = false;
    const starting = service.start().then(() => {
      started = true;
    });
    await waitFor(() => log.count('waiting for Postgres') === 1, 'the line saying what it waits for');
    expect(await readyz(service.ops?.url)).toBe(503);

    await pg.start();
    await nats.start();
    await starting;
    expect(started).toBe(true);
    await waitFor(async () => (await readyz(service.ops?.url)) === 200, 'readiness');
    const nc = cleanup(await connect({ servers: nats.url }), (c) => c.close());
    const created = await call(nc, `call.${name}.customers.create`, { params: { name: 'Late', email: 'late@t.test' } });
    expect(created.resource?.rid).toBe(`${name}.customer.1`);
    // Once per wait, not once per retry; nothing fatal.
    expect(log.count('waiting for')).toBeLessThanOrEqual(2);
    expect(log.lines.filter((l) => l.level >= 60)).toEqual([]);
  });

  it('Postgres stopped while serving: cached reads answered, writes hub.unavailable (503), back after', { timeout: 60_000 }, async () => {
    const pg = await privatePostgres();
    const log = capturedLog();
    const name = uniqueName('dep');
    const service = await createHubService(customerService, {
      name,
      logger: log.logger,
      config: { NATS_URL: hub().natsUrl, DATABASE_URL: pg.url, REDIS_URL: hub().redisUrl, LOG_LEVEL: 'info', HUB_PARTITIONS: 2 },
    });
    cleanup(service, (s) => s.close());
    await service.start();
    const nc = cleanup(await connect({ servers: hub().natsUrl }), (c) => c.close());
    const rid = (await call(nc, `call.${name}.customers.create`, { params: { name: 'Kept', email: 'kept@t.test' } })).resource?.rid;
    if (rid === undefined) throw new Error('create failed');
    expect((await call(nc, `get.${rid}`)).result?.model?.name).toBe('Kept'); // now cached

    await pg.stop();
    for (let i = 0; i < 10; i++) {
      expect((await call(nc, `get.${rid}`)).result?.model?.name).toBe('Kept');
      const set = await call(nc, `call.${rid}.set`, { params: { phone: String(i) }, isHttp: true });
      expect(set.error?.code).toBe('hub.unavailable');
      expect(set.error?.message).not.toMatch(/ECONN|127\.0\.0\.1|terminat/);
      expect(set.meta).toEqual({ status: 503, header: { 'Retry-After': ['1'] } });
    }

    await pg.start();
    await waitFor(async () => (await call(nc, `call.${rid}.set`, { params: { phone: 'back' } })).error === undefined, 'a write to succeed');
    expect((await call(nc, `get.${rid}`)).result?.model?.phone).toBe('back');
    // Each part says it once (the store's pool, the lease pool, ownership, the relay), not per request.
    const outageLines = log.lines.filter((l) => typeof l.msg === 'string' && /unreachable|failing/.test(l.msg)).map((l) => l.msg);
    expect(outageLines.length).toBeGreaterThan(0);
    expect(outageLines.length).toBeLessThanOrEqual(4);
  });
});
