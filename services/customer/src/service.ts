/**
 * The customer service: customers in its own Postgres schema, cached in KeyDB, served as
 * `<name>.customer.<id>` and the live query collection `<name>.customers`.
 */
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createCache, type Cache } from '@hub/cache';
import { defineTable, openStore, OwningService, type RelayFaults, type Store } from '@hub/store';
import type { Deps } from './deps.ts';
import { COLUMNS, fromRow } from './model.ts';
import { customerResource } from './resources/customer.ts';
import { customersResource } from './resources/customers.ts';
import { LastWrites } from './writers.ts';

const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

export interface CustomerOptions {
  /** Service name (RID prefix, audit subjects); default `customer`. */
  readonly name?: string;
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Postgres schema; default the name. */
  readonly schema?: string;
  /** Redis key prefix; default the name. */
  readonly cachePrefix?: string;
  readonly logLevel?: string;
  /** Test-only crash simulation in the outbox relay. */
  readonly relayFaults?: RelayFaults;
}

export type CustomerService = OwningService<{ store: Store; cache: Cache }>;

/**
 * Opens the store (migrations applied), the cache, and builds the service (not yet started).
 * @example await runService(await createCustomerService({ natsUrl, databaseUrl, redisUrl }));
 */
export async function createCustomerService(o: CustomerOptions): Promise<CustomerService> {
  const name = o.name ?? 'customer';
  const logger = pino({ name, level: o.logLevel ?? 'info' });
  const store = await openStore({
    service: name, schema: o.schema ?? name, databaseUrl: o.databaseUrl, migrations: MIGRATIONS, natsUrl: o.natsUrl, log: logger,
    ...(o.relayFaults ? { relayFaults: o.relayFaults } : {}),
  });
  const cache = createCache({ url: o.redisUrl, prefix: o.cachePrefix ?? name, log: logger });
  const deps: Deps = {
    db: store.db,
    lastWrites: new LastWrites(),
    customers: defineTable(store, { table: 'customers', resource: 'customer', columns: COLUMNS, fromRow, auditOmit: ['search'] }, cache),
    rid: { customer: (s, id) => s.rid('customer.$id', { id }), customers: (s) => s.rid('customers', {}) },
  };
  const customer = customerResource(deps);
  const customers = customersResource(deps);
  return new OwningService({ name, resources: [customer, customers], nats: { servers: o.natsUrl.split(',') }, logger }, { store, cache });
}
