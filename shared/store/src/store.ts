/**
 * A service's data layer in one object: its Postgres schema (migrated at open), the outbox relay,
 * and the tables built on them. Open at start, close at shutdown.
 */
import type { Logger } from 'pino';
import { createDb, type Db } from './db.ts';
import { migrate } from './migrate.ts';
import { startRelay, type Relay, type RelayFaults } from './relay.ts';

export interface StoreOptions {
  /** Service name: default schema and the `<service>` of audit subjects. */
  readonly service: string;
  readonly databaseUrl: string;
  /** Postgres schema; defaults to the service name. */
  readonly schema?: string;
  /** Directory of the service's SQL migrations. */
  readonly migrations: string;
  /** NATS for the outbox relay; omit to run without one (events stay in the outbox). */
  readonly natsUrl?: string;
  readonly relayFaults?: RelayFaults;
  readonly log?: Logger;
  readonly poolMax?: number;
}

export interface Store {
  readonly service: string;
  readonly db: Db;
  readonly relay: Relay | undefined;
  close(): Promise<void>;
}

/**
 * Connects, migrates (under an advisory lock) and starts the relay.
 * @example const store = await openStore({ service: 'customer', databaseUrl, migrations: dir, natsUrl });
 */
export async function openStore(o: StoreOptions): Promise<Store> {
  const db = createDb({
    url: o.databaseUrl,
    schema: o.schema ?? o.service,
    ...(o.log ? { log: o.log } : {}),
    ...(o.poolMax ? { max: o.poolMax } : {}),
  });
  try {
    await migrate(db, { dir: o.migrations, ...(o.log ? { log: o.log } : {}) });
    const relay =
      o.natsUrl === undefined
        ? undefined
        : await startRelay(db, {
            natsUrl: o.natsUrl,
            ...(o.relayFaults ? { faults: o.relayFaults } : {}),
            ...(o.log ? { log: o.log } : {}),
          });
    return {
      service: o.service,
      db,
      relay,
      // Relay first (it uses the pool), then the pool.
      close: async () => {
        await relay?.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
