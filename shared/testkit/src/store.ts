/**
 * Data isolation for tests of services with a store and a cache: each test gets its own service
 * name, Postgres schema and Redis key prefix (one unique name for all three), plus direct clients
 * to check what the service wrote. The platform's Postgres and Redis are shared by every test
 * file, so nothing here touches another test's schema or keys.
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { cleanup, hub, uniqueName } from './context.ts';

/** One test's data namespace. */
export interface DataScope {
  /** Service name, Postgres schema and Redis key prefix. */
  readonly name: string;
  readonly schema: string;
  readonly cachePrefix: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
}

/**
 * @example const scope = dataScope('cust'); await startService(await createCustomerService({ ...scope, natsUrl: hub().natsUrl }));
 */
export function dataScope(prefix = 't'): DataScope {
  const name = uniqueName(prefix);
  return { name, schema: name, cachePrefix: name, databaseUrl: hub().postgresUrl, redisUrl: hub().redisUrl };
}

/**
 * Runs SQL in the scope's schema on a connection of the test's own (closed when the test ends).
 * @example const rows = await scopeSql(scope, 'SELECT name FROM customers WHERE id = $1', [id]);
 */
export async function scopeSql<R extends pg.QueryResultRow = Record<string, unknown>>(scope: DataScope, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: scope.databaseUrl, options: `-c search_path=${scope.schema}` });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A Redis client (default: the platform's), disconnected when the test ends.
 * @example const r = redisClient(); expect(await r.exists(`${scope.cachePrefix}:customer:1`)).toBe(1);
 */
export function redisClient(url = hub().redisUrl): Redis {
  return cleanup(new Redis(url, { maxRetriesPerRequest: 1 }), (r) => { r.disconnect(); });
}
