// Smoke: every server the platform depends on is real and reachable from the tests.
import { describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { cleanup, connectNats, hub, uniqueName } from '@hub/testkit';

describe('real servers', () => {
  it('NATS answers a request with a reply', async () => {
    const nc = await connectNats();
    const subject = `smoke.${uniqueName()}`;
    nc.subscribe(subject, { callback: (_e, m) => { m.respond(`pong:${m.string()}`); } });
    const reply = await nc.request(subject, 'ping', { timeout: 2000 });
    expect(reply.string()).toBe('pong:ping');
  });

  it('JetStream stores a message that a consumer then reads', async () => {
    const nc = await connectNats();
    const name = uniqueName('S');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [`${name}.>`] });
    cleanup(name, (n) => jsm.streams.delete(n));
    const js = jetstream(nc);
    const ack = await js.publish(`${name}.created`, JSON.stringify({ n: 1 }));
    expect(ack.seq).toBe(1);
    await jsm.consumers.add(name, { durable_name: 'smoke', ack_policy: 'explicit' });
    const consumer = await js.consumers.get(name, 'smoke');
    const msg = await consumer.next({ expires: 5000 });
    expect(msg?.subject).toBe(`${name}.created`);
    expect(msg?.json()).toEqual({ n: 1 });
    msg?.ack();
  });

  it('PostgreSQL runs a query', async () => {
    const client = new pg.Client({ connectionString: hub().postgresUrl });
    await client.connect();
    cleanup(client, (c) => c.end());
    const { rows } = await client.query<{ version: string; sum: number }>('select version() as version, $1::int + 1 as sum', [41]);
    expect(rows[0]?.sum).toBe(42);
    expect(rows[0]?.version).toMatch(/^PostgreSQL 15\./);
  });

  it('Redis stores and returns a value', async () => {
    const redis = cleanup(new Redis(hub().redisUrl, { lazyConnect: true }), (r) => r.quit());
    await redis.connect();
    const key = `${uniqueName()}:k`;
    await redis.set(key, 'v', 'PX', 10_000);
    expect(await redis.get(key)).toBe('v');
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});
