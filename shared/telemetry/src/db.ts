/**
 * Postgres metrics: pool use (read from `pg.Pool`'s counters) and the transactional outbox
 * (`hub_outbox` in the service's schema, see `@hub/store` relay.ts): how many events wait and how
 * long the oldest has waited. The outbox is queried on scrape, bounded by a timeout, so a slow
 * or unreachable database makes the scrape report a failure instead of hanging it.
 */
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import { gaugeFrom, perScrape, type Reading } from './collected.ts';
import { withTimeout } from './timeout.ts';

/** How long the outbox query may take per scrape (Prometheus's own scrape timeout is 10 s). */
export const OUTBOX_QUERY_TIMEOUT_MS = 2000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** What is read of a pool: `pg.Pool`'s counters and `query`. */
export interface ObservedPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options?: { readonly max?: number };
  query(config: { text: string; query_timeout?: number }): Promise<{ rows: unknown[] }>;
}

/** Options of `observeDb`. @example t.observeDb(store.db.pool, 'customer', { outbox: true }) */
export interface ObserveDbOptions {
  /** Query the schema's `hub_outbox` on scrape; default true. */
  readonly outbox?: boolean;
  /** Default {@link OUTBOX_QUERY_TIMEOUT_MS}. */
  readonly outboxTimeoutMs?: number;
}

interface Observed { readonly pool: ObservedPool; readonly outbox: boolean; readonly timeoutMs: number }
interface OutboxReading { readonly backlog: number; readonly ageSeconds: number }

/**
 * Registers the pool and outbox metrics; returns `observe(pool, schema, options)`.
 * @example const observe = dbMetrics(registry); observe(pool, 'customer');
 */
export function dbMetrics(registry: Registry): (pool: ObservedPool, schema: string, o?: ObserveDbOptions) => void {
  const pools = new Map<string, Observed>();
  const gauge = (name: string, help: string, read: (p: ObservedPool) => number | undefined) =>
    gaugeFrom({ registry, name, help, labelNames: ['pool'] }, () => readings(pools, read));
  gauge('hub_db_pool_connections', 'Connections the pool holds (idle and in use).', (p) => p.totalCount);
  gauge('hub_db_pool_idle', 'Idle connections in the pool.', (p) => p.idleCount);
  gauge('hub_db_pool_waiting', 'Queries waiting for a pool connection (the pool is exhausted while > 0).', (p) => p.waitingCount);
  gauge('hub_db_pool_max', 'The pool\'s size limit.', (p) => p.options?.max);
  const outbox = perScrape(() => readOutboxes(pools, failures)); // one query per schema per scrape
  const failures: Counter<'schema'> = new Counter({
    name: 'hub_outbox_query_failures_total',
    help: 'Scrapes whose outbox query failed or timed out (the outbox gauges are absent for that scrape).',
    labelNames: ['schema'] as const,
    registers: [registry],
    // Collectors run concurrently: report this scrape's failure, not only the previous ones.
    async collect() { await outbox(); },
  });
  const outboxGauge = (name: string, help: string, pick: (r: OutboxReading) => number) =>
    gaugeFrom({ registry, name, help, labelNames: ['schema'] }, async () => [...(await outbox())].map(([schema, r]): Reading<'schema'> => [{ schema }, pick(r)]));
  outboxGauge('hub_outbox_backlog', 'Domain events committed but not yet relayed to JetStream.', (r) => r.backlog);
  outboxGauge('hub_outbox_oldest_age_seconds', 'Age of the oldest unrelayed event (0 when the outbox is empty): the relay\'s lag.', (r) => r.ageSeconds);
  return (pool, schema, o = {}) => {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`observeDb: invalid schema name ${JSON.stringify(schema)} (lowercase letters, digits and _)`);
    pools.set(schema, { pool, outbox: o.outbox ?? true, timeoutMs: o.outboxTimeoutMs ?? OUTBOX_QUERY_TIMEOUT_MS });
    if (o.outbox ?? true) failures.inc({ schema }, 0); // present from the start, so rate() sees the first failure
  };
}

function readings(pools: Map<string, Observed>, read: (p: ObservedPool) => number | undefined): Reading<'pool'>[] {
  const out: Reading<'pool'>[] = [];
  for (const [pool, o] of pools) {
    const v = read(o.pool);
    if (v !== undefined) out.push([{ pool }, v]);
  }
  return out;
}

async function readOutboxes(pools: Map<string, Observed>, failures: Counter<'schema'>): Promise<Map<string, OutboxReading>> {
  const out = new Map<string, OutboxReading>();
  await Promise.all([...pools].filter(([, o]) => o.outbox).map(async ([schema, o]) => {
    try {
      out.set(schema, await withTimeout(queryOutbox(o.pool, schema, o.timeoutMs), o.timeoutMs, `outbox query of ${schema}`));
    } catch {
      failures.inc({ schema });
    }
  }));
  return out;
}

async function queryOutbox(pool: ObservedPool, schema: string, timeoutMs: number): Promise<OutboxReading> {
  // The schema is checked against SCHEMA_NAME above; qualified, since a pool's search_path may differ.
  const { rows } = await pool.query({
    text: `SELECT count(*)::float8 AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM "${schema}".hub_outbox`,
    query_timeout: timeoutMs,
  });
  const row = rows[0] as { backlog: number; age: number } | undefined;
  return { backlog: row?.backlog ?? 0, ageSeconds: Math.max(0, row?.age ?? 0) };
}
