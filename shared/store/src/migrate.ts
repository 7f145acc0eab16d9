/**
 * Versioned SQL migrations (node-pg-migrate, `.sql` files with `-- Up Migration` sections), applied
 * at start. node-pg-migrate's own lock is a *try* lock that fails a second instance; we instead
 * hold a blocking advisory lock per schema, so instances starting together wait and then find
 * nothing left to do.
 *
 * node-pg-migrate (and the glob/minimatch it pulls in) is loaded only when a migration is pending:
 * a restart of an up-to-date service — the common start — skips evaluating it (module evaluation
 * is most of a bundle's start-up; `make bench BENCH=startup` measures it). "Pending" uses node-pg-migrate's own naming (the file name without
 * its extension in the `name` column); when in doubt (no table yet), the runner decides.
 */
import { readdir } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Db } from './db.ts';

/** The store's own tables (the outbox), applied before the service's migrations. */
const STORE_MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export interface MigrateOptions {
  /** Directory of the service's `.sql` migrations (applied in file-name order). */
  readonly dir: string;
  readonly log?: Logger;
}

interface Step {
  readonly dir: string;
  readonly migrationsTable: string;
}

/**
 * Creates the schema if needed and applies pending migrations under `pg_advisory_lock`.
 * @example await migrate(db, { dir: fileURLToPath(new URL('../migrations', import.meta.url)) });
 */
export async function migrate(db: Db, o: MigrateOptions): Promise<void> {
  const c = await db.checkout(); // its error listener: a server going away mid-migration must not crash us
  const { client } = c;
  const lockKey = `hub.migrate.${db.schema}`;
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
      const steps: Step[] = [
        { dir: STORE_MIGRATIONS, migrationsTable: 'hub_store_migrations' },
        { dir: o.dir, migrationsTable: 'hub_migrations' },
      ];
      for (const step of steps) {
        if (await isPending(client, db.schema, step)) await run(client, db.schema, step, o.log);
      }
    } finally {
      // A lost connection released the lock with the session.
      if (!c.broken) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    c.release();
  }
}

/** True when a file in `step.dir` has no row in its migrations table (or the table is missing). */
async function isPending(client: pg.PoolClient, schema: string, step: Step): Promise<boolean> {
  const files = (await readdir(step.dir)).filter((f) => !f.startsWith('.') && extname(f) !== '');
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema}"."${step.migrationsTable}"`]);
  if (exists.rows[0]?.t == null) return files.length > 0;
  const applied = await client.query<{ name: string }>(`SELECT name FROM "${schema}"."${step.migrationsTable}"`);
  const names = new Set(applied.rows.map((r) => r.name));
  return files.some((f) => !names.has(basename(f, extname(f))));
}

async function run(client: pg.PoolClient, schema: string, step: Step, log?: Logger): Promise<void> {
  const { runner } = await import('node-pg-migrate');
  await runner({
    dbClient: client,
    schema,
    dir: step.dir,
    migrationsTable: step.migrationsTable,
    direction: 'up',
    noLock: true,
    checkOrder: true,
    log: (m: string) => {
      log?.debug(m);
    },
  });
}
