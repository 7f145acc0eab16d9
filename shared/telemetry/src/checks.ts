/**
 * Readiness checks for what every service depends on. Each throws with the reason when the
 * dependency is not usable; the ops server bounds each by its timeout.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { ObservedCache } from './cache.ts';
import type { ReadinessCheck } from './readiness.ts';

/**
 * NATS: the connection is open and a round trip to the server completes (while it reconnects,
 * the flush waits and the check times out).
 * @example checks: { nats: natsCheck(service.connection) }
 */
export function natsCheck(nc: NatsConnection): ReadinessCheck {
  return async () => {
    if (nc.isClosed()) throw new Error('NATS connection closed');
    if (nc.isDraining()) throw new Error('NATS connection draining');
    await nc.flush();
  };
}

/** What a Postgres check needs of a pool (a `pg.Pool`, or a `Db` of `@hub/store`). */
export interface QueryablePool {
  query(config: { text: string; query_timeout?: number }): Promise<unknown>;
}

/**
 * Postgres: a pool connection answers `SELECT 1` (waiting for a free connection counts).
 * @example checks: { postgres: postgresCheck(store.db.pool) }
 */
export function postgresCheck(pool: QueryablePool): ReadinessCheck {
  return async () => { await pool.query({ text: 'SELECT 1' }); };
}

/**
 * Cache: Redis is connected and not awaiting its flush after an outage. (While it is not, reads
 * fall back to Postgres, so this service still answers, only slower.)
 * @example checks: { cache: cacheCheck(cache) }
 */
export function cacheCheck(cache: Pick<ObservedCache, 'healthy'>): ReadinessCheck {
  return () => {
    if (!cache.healthy) throw new Error('cache unusable (Redis unreachable or awaiting its flush)');
  };
}
