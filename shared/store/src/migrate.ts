/**
 * Versioned SQL migrations (node-pg-migrate, `.sql` files with `-- Up Migration` sections), applied
 * at start. node-pg-migrate's own lock is a *try* lock that fails a second instance; we instead
 * hold a blocking advisory lock per schema, so instances starting together wait and then find
 * nothing left to do.
 */
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import type { Db } from './db.ts';

/** The store's own tables (the outbox), applied before the service's migrations. */
const STORE_MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export interface MigrateOptions {
  /** Directory of the service's `.sql` migrations (applied in file-name order). */
  readonly dir: string;
  readonly log?: Logger;
}

/**
 * Creates the schema if needed and applies pending migrations under `pg_advisory_lock`.
 * @example await migrate(db, { dir: fileURLToPath(new URL('../migrations', import.meta.url)) });
 */
export async function migrate(db: Db, o: MigrateOptions): Promise<void> {
  const c = await db.checkout(); // its error listener: a server going away mid-migration must not crash us
  const { client } = c;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`hub.migrate.${db.schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
      const common = {
        dbClient: client,
        schema: db.schema,
        direction: 'up' as const,
        noLock: true,
        checkOrder: true,
        log: (m: string) => {
          o.log?.debug(m);
        },
      };
      await runner({ ...common, dir: STORE_MIGRATIONS, migrationsTable: 'hub_store_migrations' });
      await runner({ ...common, dir: o.dir, migrationsTable: 'hub_migrations' });
    } finally {
      // A lost connection released the lock with the session.
      if (!c.broken) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`hub.migrate.${db.schema}`]);
    }
  } finally {
    c.release();
  }
}
