/**
 * A service's data layer in one object: its Postgres schema (migrated at open), the outbox relay,
 * and the tables built on them. Created without I/O (`createStore`), opened once its servers are
 * reachable (`open`, which a service retries with backoff), closed at shutdown.
 */
import type { Logger } from 'pino';
import { createDb, type Db } from './db.ts';
import { migrate } from './migrate.ts';
import { createRelay, type Relay, type RelayFaults } from './relay.ts';

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
  /** Migrates (under an advisory lock) and starts the relay; may be called again after a failure. */
  open(): Promise<void>;
  /** True once `open` succeeded. */
  readonly opened: boolean;
  close(): Promise<void>;
}

/**
 * The store, not yet opened: the pool connects on first use, the relay on `open`.
 * @example const store = createStore({ service: 'customer', databaseUrl, migrations: dir, natsUrl }); await store.open();
 */
export function createStore(o: StoreOptions): Store {
  const db = createDb({
    url: o.databaseUrl,
    schema: o.schema ?? o.service,
    ...(o.log ? { log: o.log } : {}),
    ...(o.poolMax ? { max: o.poolMax } : {}),
  });
  const relay =
    o.natsUrl === undefined
      ? undefined
      : createRelay(db, {
          natsUrl: o.natsUrl,
          ...(o.relayFaults ? { faults: o.relayFaults } : {}),
          ...(o.log ? { log: o.log } : {}),
        });
  let opened = false;
  return {
    service: o.service,
    db,
    relay,
    get opened() {
      return opened;
    },
    open: async () => {
      if (opened) return;
      await migrate(db, { dir: o.migrations, ...(o.log ? { log: o.log } : {}) });
      await relay?.start();
      opened = true;
    },
    // Relay first (it uses the pool), then the pool.
    close: async () => {
      await relay?.close();
      await db.close();
    },
  };
}

/**
 * Connects, migrates (under an advisory lock) and starts the relay; fails if a server is away.
 * @example const store = await openStore({ service: 'customer', databaseUrl, migrations: dir, natsUrl });
 */
export async function openStore(o: StoreOptions): Promise<Store> {
  const store = createStore(o);
  try {
    await store.open();
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}
