/**
 * A service's Postgres handle: one pool whose sessions see only the service's schema (search_path),
 * and `tx` for "one mutation = one transaction" with retries where that is safe.
 *
 * Faults: a lost or refused connection never crashes the process — idle clients' errors are
 * caught by the pool's listener, a checked-out client's by `checkout`'s — and each outage is
 * logged once (`postgres unreachable`), with one line when a query succeeds again.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { isRetryable, isUnavailable, toResError } from './errors.ts';

/** Pool size per instance: small, services are I/O bound and Postgres connections are costly. */
export const DEFAULT_POOL_MAX = 10;
/** Serialization failures and deadlocks are retried this many times (the whole tx reruns). */
export const TX_ATTEMPTS = 3;
/**
 * Longest wait for a connection (a new one, or a free one of a busy pool): past it the query fails
 * as unavailable instead of waiting out the caller's timeout. Connecting on a reachable network is
 * milliseconds; a black-holed address would otherwise wait for the kernel's TCP timeout.
 */
export const CONNECT_TIMEOUT_MS = 5_000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface DbOptions {
  /** postgres:// URL of the database. */
  readonly url: string;
  /** The service's own schema; created by `migrate`. Lowercase letters, digits and `_`. */
  readonly schema: string;
  readonly max?: number;
  readonly log?: Logger;
  readonly connectTimeoutMs?: number;
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
  /** A pool client of one's own (a transaction held open, a lock); `release` it when done. */
  checkout(): Promise<Checkout>;
  /** False from a connection error until the next query that succeeds. */
  readonly reachable: boolean;
  close(): Promise<void>;
}

/** A checked-out client; `release()` returns it (or discards it when its connection broke). */
export interface Checkout {
  readonly client: pg.PoolClient;
  /** True once the connection reported an error: it goes back to no pool. */
  readonly broken: boolean;
  /** `discard`: the connection is in an unknown state (a failed ROLLBACK): close it. */
  release(discard?: boolean): void;
}

/**
 * One line per outage: the first error since the last success is logged (with what failed), the
 * next success says so; the errors in between are not (a request's own answer carries them).
 */
export class Outage {
  #down = false;
  constructor(
    private readonly log: Logger | undefined,
    private readonly what: string,
  ) {}
  get down(): boolean {
    return this.#down;
  }
  fault(err: unknown, context: string): void {
    if (this.#down) return;
    this.#down = true;
    this.log?.warn({ err }, `${this.what} unreachable (${context}); retrying, requests answer hub.unavailable meanwhile`);
  }
  ok(): void {
    if (!this.#down) return;
    this.#down = false;
    this.log?.info(`${this.what} reachable again`);
  }
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
    connectionTimeoutMillis: o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  });
  const outage = new Outage(o.log, 'postgres');
  // An idle client losing its server emits on the pool; without a listener Node would crash.
  pool.on('error', (err) => {
    outage.fault(err, 'idle connection');
  });
  /** Runs a pool operation: success ends an outage; an error is mapped once (an outage logged once). */
  const run = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      const out = await op();
      outage.ok();
      return out;
    } catch (err) {
      if (isUnavailable(err)) outage.fault(err, 'query');
      throw toResError(err);
    }
  };
  const checkout = async (): Promise<Checkout> => {
    const client = await pool.connect();
    let broken = false;
    // pg-pool listens for errors only on idle clients: one that loses its server while checked out
    // and between queries (a transaction kept open while we publish, a lock held) emits 'error' on
    // itself, which without a listener crashes the process.
    const onError = (err: Error): void => {
      broken = true;
      outage.fault(err, 'connection in use');
    };
    client.on('error', onError);
    return {
      client,
      get broken() {
        return broken;
      },
      release: (discard = false) => {
        client.off('error', onError);
        client.release(broken || discard);
      },
    };
  };
  const db: Db = {
    schema,
    pool,
    query: (sql, values) => run(() => pool.query(sql, values)),
    prepared: (sql, values) => run(() => pool.query({ name: statementName(sql), text: sql, values })),
    tx: (fn) =>
      run(async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await once(checkout, fn);
          } catch (err) {
            if (attempt < TX_ATTEMPTS && isRetryable(err)) continue;
            throw err;
          }
        }
      }),
    checkout: async () => {
      try {
        return await checkout();
      } catch (err) {
        if (isUnavailable(err)) outage.fault(err, 'connect');
        throw toResError(err);
      }
    },
    get reachable() {
      return !outage.down;
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

async function once<T>(checkout: () => Promise<Checkout>, fn: (c: Queryable) => Promise<T>): Promise<T> {
  const c = await checkout();
  const { client } = c;
  let rolledBack = true;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    try {
      if (!c.broken) await client.query('ROLLBACK');
    } catch {
      rolledBack = false; // the connection is gone: do not return it to the pool
    }
    throw err;
  } finally {
    c.release(!rolledBack);
  }
}
