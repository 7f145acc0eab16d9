// Metrics read at scrape time from what the SDK already holds: a real @hub/cache on the test
// Redis, a real store (pool and outbox) on the test Postgres, a real NATS connection, and the
// event counter the runtime increments.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createCache } from '@hub/cache';
import { openStore, writeOutbox } from '@hub/store';
import { cleanup, connectNats, dataScope, hub, scopeSql, waitFor } from '@hub/testkit';
import { createTelemetry, startOpsServer, type Telemetry } from '../src/index.ts';
import { scrape, value } from './prom.ts';

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));

async function opsFor(t: Telemetry): Promise<string> {
  return cleanup(await startOpsServer({ port: 0, registry: t.registry }), (s) => s.close()).url;
}

async function openScopedStore() {
  const scope = dataScope('tel');
  const store = cleanup(await openStore({ service: scope.name, databaseUrl: scope.databaseUrl, migrations: MIGRATIONS }), async (s) => {
    await s.close();
    await scopeSql(scope, `DROP SCHEMA ${scope.schema} CASCADE`);
  });
  return { scope, store };
}

describe('collected metrics', () => {
  it('reports a cache\'s hits, misses, loads and health from its own stats', async () => {
    // Intent: the counters are Cache.stats as they are at scrape time, labelled by cache name.
    const scope = dataScope('tel');
    const t = createTelemetry({ service: scope.name });
    const cache = cleanup(createCache({ url: hub().redisUrl, prefix: scope.cachePrefix, near: false }), (c) => c.close());
    t.observeCache(cache);
    await waitFor(() => cache.healthy, 'the cache to connect');
    const load = () => Promise.resolve({ v: 1 });
    await cache.read('k', load); // miss → load
    await waitFor(async () => (await cache.read('k', load)) !== undefined && cache.stats.hits > 0, 'a cache hit');

    const s = await scrape(await opsFor(t));
    const labels = { service: scope.name, cache: scope.name };
    expect(value(s, 'hub_cache_misses_total', labels)).toBe(cache.stats.misses);
    expect(value(s, 'hub_cache_misses_total', labels)).toBeGreaterThanOrEqual(1);
    expect(value(s, 'hub_cache_loads_total', labels)).toBe(cache.stats.loads);
    expect(value(s, 'hub_cache_hits_total', labels)).toBe(cache.stats.hits);
    expect(value(s, 'hub_cache_fallbacks_total', labels)).toBe(0);
    expect(value(s, 'hub_cache_healthy', labels)).toBe(1);
  });

  it('reports the outbox backlog and the age of its oldest event, queried in the service schema', async () => {
    // Intent: events committed but not relayed (this store has no relay) are counted, and the
    // lag is the age of the oldest one.
    const { scope, store } = await openScopedStore();
    const t = createTelemetry({ service: scope.name });
    t.observeDb(store.db.pool, scope.schema);
    const url = await opsFor(t);
    const empty = await scrape(url);
    expect(value(empty, 'hub_outbox_backlog', { schema: scope.schema })).toBe(0);
    expect(value(empty, 'hub_outbox_oldest_age_seconds', { schema: scope.schema })).toBe(0);

    await store.db.tx(async (c) => {
      for (const id of ['1', '2', '3']) await writeOutbox(c, { service: scope.name, resource: 'item', action: 'create', resourceId: id, actor: null, before: null, after: { id } });
    });
    await scopeSql(scope, "UPDATE hub_outbox SET created_at = now() - interval '90 seconds' WHERE seq = (SELECT min(seq) FROM hub_outbox)");
    const s = await scrape(url);
    expect(value(s, 'hub_outbox_backlog', { service: scope.name, schema: scope.schema })).toBe(3);
    expect(value(s, 'hub_outbox_oldest_age_seconds', { schema: scope.schema })).toBeGreaterThanOrEqual(90);
    expect(value(s, 'hub_outbox_oldest_age_seconds', { schema: scope.schema })).toBeLessThan(3600);
  });

  it('reports pool use from the pg pool\'s counters', async () => {
    // Intent: connections held, idle, waiting and the limit, as the pool reports them.
    const { scope, store } = await openScopedStore();
    const t = createTelemetry({ service: scope.name });
    t.observeDb(store.db.pool, scope.schema, { outbox: false });
    const held = await store.db.pool.connect(); // one connection in use during the scrape
    try {
      const s = await scrape(await opsFor(t));
      const labels = { pool: scope.schema };
      expect(value(s, 'hub_db_pool_max', labels)).toBe(10);
      expect(value(s, 'hub_db_pool_connections', labels)).toBe(store.db.pool.totalCount);
      expect(value(s, 'hub_db_pool_connections', labels)).toBeGreaterThanOrEqual(1);
      expect(value(s, 'hub_db_pool_idle', labels)).toBe(store.db.pool.idleCount);
      expect(value(s, 'hub_db_pool_waiting', labels)).toBe(0);
      expect(value(s, 'hub_outbox_backlog', { schema: scope.schema })).toBeUndefined();
    } finally {
      held.release();
    }
  });

  it('bounds the outbox query by its timeout and counts the failure, without failing the scrape', async () => {
    // Intent: a locked outbox (or a slow database) must not hang /metrics; the gauges are
    // absent for that scrape and the failure is counted.
    const { scope, store } = await openScopedStore();
    const t = createTelemetry({ service: scope.name });
    t.observeDb(store.db.pool, scope.schema, { outboxTimeoutMs: 300 });
    t.observeDb(store.db.pool, 'tel_no_such_schema');
    const locker = new pg.Client({ connectionString: scope.databaseUrl });
    await locker.connect();
    cleanup(locker, (c) => c.end());
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${scope.schema}.hub_outbox IN ACCESS EXCLUSIVE MODE`);

    const s = await scrape(await opsFor(t));
    await locker.query('ROLLBACK');
    expect(value(s, 'hub_outbox_backlog', { schema: scope.schema })).toBeUndefined();
    expect(value(s, 'hub_outbox_query_failures_total', { schema: scope.schema })).toBe(1);
    expect(value(s, 'hub_outbox_query_failures_total', { schema: 'tel_no_such_schema' })).toBe(1);
    expect(value(s, 'hub_db_pool_max', { pool: scope.schema })).toBe(10);
  });

  it('refuses a schema name that is not an identifier', () => {
    const t = createTelemetry({ service: 'tel' });
    expect(() => { t.observeDb(new pg.Pool(), 'x; DROP TABLE y'); }).toThrow(/invalid schema name/);
  });

  it('counts NATS reconnects and messages of a connection, and whether it is connected', async () => {
    // Intent: a forced reconnect of a real connection is seen through its status() events.
    const t = createTelemetry({ service: 'tel' });
    const nc = await connectNats();
    t.observeNats(nc, 'test');
    const url = await opsFor(t);
    const before = await scrape(url);
    expect(value(before, 'hub_nats_reconnects_total', { connection: 'test' })).toBe(0);
    expect(value(before, 'hub_nats_connected', { connection: 'test' })).toBe(1);

    await nc.reconnect();
    await waitFor(async () => value(await scrape(url), 'hub_nats_reconnects_total', { connection: 'test' }) === 1, 'the reconnect to be counted');
    for (let i = 0; i < 3; i++) nc.publish('tel.noise', 'x');
    await nc.flush();
    const s = await scrape(url);
    expect(value(s, 'hub_nats_connected', { connection: 'test' })).toBe(1);
    expect(value(s, 'hub_nats_status_events_total', { connection: 'test', type: 'disconnect' })).toBe(1);
    expect(value(s, 'hub_nats_out_messages_total', { connection: 'test' })).toBeGreaterThanOrEqual(3);
    await nc.close();
    expect(value(await scrape(url), 'hub_nats_connected', { connection: 'test' })).toBe(0);
  });

  it('counts events by kind and pattern', async () => {
    const t = createTelemetry({ service: 'tel' });
    t.countEvent('change', 'tel.item.$id');
    t.countEvent('change', 'tel.item.$id');
    t.countEvent('add', 'tel.items');
    const s = await scrape(await opsFor(t));
    expect(value(s, 'hub_events_total', { kind: 'change', pattern: 'tel.item.$id' })).toBe(2);
    expect(value(s, 'hub_events_total', { kind: 'add', pattern: 'tel.items' })).toBe(1);
  });
});
