/**
 * A service's Postgres handle: one pool whose sessions see only the service's schema (search_path),
 * and `tx` for "one mutation = one transaction" with retries where that is safe.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { isRetryable, toResError } from './errors.ts';

/** Pool size per instance: small, services are I/O bound and Postgres connections are costly. */
export const DEFAULT_POOL_MAX = 10;
/** Serialization failures and deadlocks are retried this many times (the whole tx reruns). */
export const TX_ATTEMPTS = 3;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface DbOptions {
  /** postgres:// URL of the database. */
  readonly url: string;
  /** The service's own schema; created by `migrate`. Lowercase letters, digits and `_`. */
  readonly schema: string;
  readonly max?: number;
  readonly log?: Logger;
}

export type Queryable = pg.ClientBase;

export interface Db {
  readonly schema: string;
  readonly pool: pg.Pool;
  /** Plain query outside a transaction (reads). Driver errors are mapped by `toResError`. */
  query<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /**
   * Like `query`, as a named prepared statement (parsed and planned once per connection): for
   * the hot, generated statements of the table helpers. The name derives from the text.
   */
  prepared<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<R>>;
  /**
   * Runs `fn` in one transaction. Serialization failures and deadlocks rerun it (nothing was
   * committed, so that is safe); anything else rolls back and is mapped once by `toResError`.
   */
  tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Validates a schema name (it is interpolated into DDL and search_path, never user input). */
export function checkSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return schema;
}

/**
 * @example const db = createDb({ url: config.DATABASE_URL, schema: 'customer' });
 */
export function createDb(o: DbOptions): Db {
  const schema = checkSchema(o.schema);
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.max ?? DEFAULT_POOL_MAX,
    options: `-c search_path=${schema} -c TimeZone=UTC`,
  });
  // An idle client losing its server emits on the pool; without a listener Node would crash.
  pool.on('error', (err) => {
    o.log?.warn({ err }, 'postgres idle client error');
  });
  const db: Db = {
    schema,
    pool,
    query: async (sql, values) => {
      try {
        return await pool.query(sql, values);
      } catch (err) {
        throw toResError(err);
      }
    },
    prepared: async (sql, values) => {
      try {
        return await pool.query({ name: statementName(sql), text: sql, values });
      } catch (err) {
        throw toResError(err);
      }
    },
    tx: async (fn) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(pool, fn);
        } catch (err) {
          if (attempt < TX_ATTEMPTS && isRetryable(err)) continue;
          throw toResError(err);
        }
      }
    },
    close: () => pool.end(),
  };
  return db;
}

const names = new Map<string, string>();
/** A stable statement name per SQL text (a short hash; Postgres names are limited to 63 bytes). */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `hub_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

async function once<T>(pool: pg.Pool, fn: (c: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is gone: do not return it to the pool
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
