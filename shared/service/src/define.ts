/**
 * The one service shape. A service is a definition — its name, its configuration (a zod schema
 * over the environment), what it opens (its data, other dependencies) and its resources — and
 * the SDK does the rest: reads and checks the environment, opens Postgres (schema migrated) and
 * the cache, binds table-backed declarations to them, serves, and on shutdown stops intake,
 * finishes in-flight handlers, then closes every dependency in reverse order.
 *
 * @example
 * export const customerService = defineService({
 *   name: 'customer',
 *   data: { migrations: new URL('../migrations', import.meta.url), cache: true },
 *   resources: [customers, search],
 * });
 * // main.ts: await runMain(customerService);
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Cache } from '@hub/cache';
import type { Resource, ServiceScope, z } from '@hub/res';
import type { Bindable, Entity, LiveTable, Store, TableDef } from '@hub/store';
import type { Logger } from 'pino';

type Maybe<T> = T | Promise<T>;

/** A resource, or a declaration bound to the service's data (`defineTable`, `liveSearch`). */
export type Entry = Resource | Bindable;

/** What `open` gets: the validated configuration, the service's name and logger, its data. */
export interface OpenContext<C> {
  readonly config: C;
  readonly name: string;
  readonly log: Logger;
  /** The opened store and cache (services with `data`). */
  readonly data: ServiceData;
  /**
   * The service being opened, for callbacks that run once it serves (an HTTP endpoint's handler,
   * a consumer): using it before `start()` throws.
   */
  readonly service: ServiceScope & { readonly connection: NatsConnection };
}

/** What `started` gets once the service serves. */
export interface StartedContext<D> {
  readonly deps: D;
  readonly data: ServiceData;
  /** The service, holding no queue key. */
  readonly service: ServiceScope & { readonly connection: NatsConnection };
  readonly log: Logger;
}

export interface ServiceDefinition<C extends z.ZodObject, D extends object> {
  /** Service name: the first token of every RID it owns, the Postgres schema and the cache prefix. */
  readonly name: string;
  /** The service's own environment variables (beyond NATS_URL, LOG_LEVEL and the data ones). */
  readonly config?: C;
  /** Postgres (own schema, these SQL migrations applied at start) and, with `cache`, KeyDB/Redis. */
  readonly data?: { readonly migrations: string | URL; readonly cache?: boolean };
  /**
   * Other dependencies, opened after the data. Every value of the returned object with a
   * `close()` is closed at shutdown, after the service stopped, in reverse order.
   */
  readonly open?: (ctx: OpenContext<z.output<C>>) => Maybe<D>;
  readonly resources: readonly Entry[] | ((deps: D, data: ServiceData) => readonly Entry[]);
  /** Runs once the service serves (subscriptions made, `system.reset` sent). */
  readonly started?: (ctx: StartedContext<D>) => Maybe<void>;
}

/** A defined service: pass it to `runMain`, or to `createHubService` in tests and tools. */
export interface Defined<C extends z.ZodObject, D extends object> {
  readonly definition: ServiceDefinition<C, D>;
}

/**
 * Defines a service (nothing starts: `runMain` in `main.ts` runs it).
 */
export function defineService<C extends z.ZodObject = z.ZodObject, D extends object = object>(
  definition: ServiceDefinition<C, D>,
): Defined<C, D> {
  return { definition };
}

/** The opened data of a service with `data` (reading it in a service without throws). */
export interface ServiceData {
  readonly store: Store;
  /** The store, or undefined for a service without data. */
  readonly storeIfAny: Store | undefined;
  readonly cache: Cache | undefined;
  /** A table declaration of this service, as bound to its data (its rows, models and writes). */
  table<E extends Entity, W extends object>(def: TableDef<E, W>): LiveTable<E, W>;
}
