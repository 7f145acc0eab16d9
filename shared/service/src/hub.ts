/**
 * A defined service, made real: configuration read, data opened, declarations bound, the RES
 * service built. `runMain` does this for `main.ts`; tests and tools call `createHubService`
 * with overrides (a unique name, configuration values).
 *
 * Dependencies that are not there yet are waited for, not fatal: `start()` retries the store's
 * opening (Postgres migrations, the outbox relay's NATS), the NATS connection and the first lease
 * tick with capped exponential backoff — one log line each says what it waits for — while the ops
 * server answers /healthz and a /readyz that names what is missing. Once running, a lost server
 * makes requests that need it answer `hub.unavailable` and everything reconnects by itself.
 */
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { createCache, type Cache } from '@hub/cache';
import { configOrExit, createService, runService, type Resource, type ServiceScope } from '@hub/res';
import { isResError, loadEnv, retryUntil, type Runnable, type Service, type ServiceOptions } from '@hub/res/internal';
import {
  bindContext,
  createDb,
  createStore,
  isBindable,
  isUnavailable,
  Leases,
  type BindContext,
  type RelayFaults,
  type Store,
} from '@hub/store';
import { metricsOf, observe, startOps, telemetryFor, type OpsSettings } from './ops.ts';
import { LEASE_TTL_MS, Ownership } from './ownership.ts';
import type { OpsServer } from '@hub/telemetry';
import { baseConfig, cacheConfig, dataConfig, type BaseConfig } from './config.ts';
import type { Defined, ServiceData, ServiceDefinition } from './define.ts';
import type { z } from '@hub/res';

/** A service's own variables (none: an empty object, not an index signature of `never`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "no variables of its own" is exactly {}
export type OwnConfig<C> = string extends keyof C ? {} : C;

/** How tests and tools adjust a service (production reads everything from the environment). */
export interface HubOverrides<C> {
  /** The configuration; default: read (and checked) from `env`. */
  readonly config?: BaseConfig & OwnConfig<C>;
  readonly env?: NodeJS.ProcessEnv;
  /** Service name (RID prefix); default the definition's. Schema and cache prefix follow it. */
  readonly name?: string;
  readonly schema?: string;
  readonly cachePrefix?: string;
  readonly logger?: Logger;
  /** Test-only crash simulation in the outbox relay. */
  readonly relayFaults?: RelayFaults;
  /** `false`: no partition ownership (a single instance). Default: on for services with data. */
  readonly ownership?: false;
  /** Runtime options (queue group, timeouts, metrics...). */
  readonly service?: Partial<Omit<ServiceOptions, 'name' | 'resources' | 'logger'>>;
}

/** The full configuration schema of a definition: base, data and cache variables, then its own. */
export function configSchemaOf(def: Pick<ServiceDefinition<z.ZodObject, object>, 'config' | 'data'>): z.ZodObject {
  let s: z.ZodObject = baseConfig;
  if (def.data) s = s.extend(dataConfig.shape);
  if (def.data?.cache === true) s = s.extend(cacheConfig.shape);
  if (def.config) s = s.extend(def.config.shape);
  return s;
}

/** Worth waiting out at start: a database or NATS server that is not reachable (yet). */
function transient(err: unknown): boolean {
  if (isResError(err)) return err.code === 'hub.unavailable';
  const name = (err as Error | null)?.name;
  return isUnavailable(err) || name === 'ConnectionError' || name === 'TimeoutError';
}

interface Closeable {
  close(): unknown;
}
const isCloseable = (v: unknown): v is Closeable =>
  typeof v === 'object' && v !== null && typeof (v as Partial<Closeable>).close === 'function';

/** A running (or ready to run) service with what it opened. */
export class HubService<D extends object> implements Runnable {
  readonly #service: Service;
  readonly #closeables: readonly Closeable[];
  readonly #started: (() => Promise<void>) | undefined;
  readonly #ownership: Ownership | undefined;
  readonly #onStart: readonly ((scope: ServiceScope) => void)[];
  readonly #ops: OpsSettings | undefined;
  #opsServer: OpsServer | undefined;
  #closing: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  /** Ends the start's waits when the service is closed meanwhile. */
  readonly #abort = new AbortController();

  constructor(
    readonly name: string,
    readonly log: Logger,
    service: Service,
    readonly deps: D,
    readonly data: ServiceData,
    closeables: readonly Closeable[],
    more: {
      started?: () => Promise<void>;
      ownership?: Ownership;
      onStart?: readonly ((scope: ServiceScope) => void)[];
      ops?: OpsSettings;
    } = {},
  ) {
    this.#service = service;
    this.#closeables = closeables;
    this.#started = more.started;
    this.#ownership = more.ownership;
    this.#onStart = more.onStart ?? [];
    this.#ops = more.ops;
  }

  /** The ops server (`/healthz`, `/readyz`, `/metrics`), once started with OPS_PORT set. */
  get ops(): OpsServer | undefined {
    return this.#opsServer;
  }

  /** Partition ownership across instances (services with data). */
  get ownership(): Ownership | undefined {
    return this.#ownership;
  }

  /** The RES service (tests reach its connection and scope through it). */
  get service(): Service {
    return this.#service;
  }

  /** Serves: subscribes, takes this instance's partitions, then runs the definition's `started`. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const o = this.#ops;
    if (o !== undefined) {
      // First, so /healthz answers while the service connects (and /readyz says why it is not ready).
      this.#opsServer = await startOps(o.telemetry, o.port, o.host, {
        service: () => this.#service,
        store: this.data.storeIfAny,
        cache: this.data.cache,
        ownership: this.#ownership,
        log: this.log,
      });
    }
    const wait = { log: this.log, signal: this.#abort.signal, retryable: transient };
    const store = this.data.storeIfAny;
    // Migrations before anything is served; the relay needs NATS too (the reason says which is away).
    if (store !== undefined) await retryUntil(() => store.open(), { ...wait, what: 'Postgres (migrations) and NATS (outbox relay)' });
    await this.#service.start(); // waits for NATS itself
    if (o !== undefined) observe(o.telemetry, this.#service, this.data.storeIfAny, this.data.cache, this.#ownership);
    const own = this.#ownership;
    if (own !== undefined) await retryUntil(() => own.start(this.#service.connection), { ...wait, what: 'Postgres (partition leases)' });
    for (const fn of this.#onStart) fn(this.#service);
    await this.#started?.();
  }

  /** Stops intake, finishes in-flight handlers, drains NATS, then closes what was opened, last first. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // The start's waits for a dependency end now; a start past them (a signal right after
      // "serving", while `started` still runs) finishes first: tearing its dependencies down under
      // it would fail it half-way.
      this.#abort.abort(new Error(`service ${this.name} closed while starting`));
      await this.#starting?.catch(() => undefined);
      // Partitions first: their requests move to the other instances without a failure.
      await this.#ownership?.leave();
      await this.#service.close();
      for (const c of [...this.#closeables].reverse()) {
        try {
          await c.close();
        } catch (err) {
          this.log.warn({ err }, 'closing a dependency failed');
        }
      }
      await this.#opsServer?.close();
    })();
    return this.#closing;
  }
}

/** The service as `open` sees it: forwards to the service once it is built. */
function lateService(get: () => Service | undefined, name: string): Service {
  return new Proxy(Object.create(null) as Service, {
    get: (_t, prop) => {
      const s = get();
      if (s === undefined) throw new Error(`service ${name}: not built yet (use the service from callbacks that run once it serves)`);
      const v: unknown = Reflect.get(s, prop, s);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(s) : v;
    },
  });
}

function unique(rs: readonly Resource[]): Resource[] {
  return [...new Set(rs)];
}

function dataOf(store: Store | undefined, cache: Cache | undefined, bind: BindContext | undefined, name: string): ServiceData {
  const none = (): never => {
    throw new Error(`service ${name} declares no data`);
  };
  return {
    get store() {
      return store ?? none();
    },
    storeIfAny: store,
    cache,
    table: (def) => (bind === undefined ? none() : def.live(bind)),
  };
}

/**
 * Opens a defined service's data and dependencies and builds it (not started).
 * @example const customer = await createHubService(customerService, { name: uniqueName('cust'), config });
 */
export async function createHubService<C extends z.ZodObject, D extends object>(
  defined: Defined<C, D>,
  o: HubOverrides<z.output<C>> = {},
): Promise<HubService<D>> {
  const def = defined.definition;
  const config = (o.config ?? loadEnv(configSchemaOf(def), o.env)) as BaseConfig & z.output<C>;
  const name = o.name ?? def.name;
  const log = o.logger ?? pino({ name, level: config.LOG_LEVEL });
  const closeables: Closeable[] = [];
  try {
    let store: Store | undefined;
    let cache: Cache | undefined;
    if (def.data) {
      const migrations = typeof def.data.migrations === 'string' ? def.data.migrations : fileURLToPath(def.data.migrations);
      // Opened (migrated, relaying) by start(), which waits for Postgres and NATS if they are away.
      store = createStore({
        service: name,
        schema: o.schema ?? name,
        databaseUrl: config.DATABASE_URL ?? '',
        migrations,
        natsUrl: config.NATS_URL,
        log,
        ...(o.relayFaults ? { relayFaults: o.relayFaults } : {}),
      });
      closeables.push(store);
      if (def.data.cache === true) {
        cache = createCache({ url: config.REDIS_URL ?? '', prefix: o.cachePrefix ?? name, log });
        closeables.push(cache);
      }
    }
    // Leases renew on a pool of their own: a renewal must never queue behind the requests of a busy
    // service (a late renewal loses the lease), and requests must not pay for renewals.
    const leaseDb =
      store === undefined || o.ownership === false
        ? undefined
        : createDb({ url: config.DATABASE_URL ?? '', schema: store.db.schema, max: 2, log });
    if (leaseDb !== undefined) closeables.push(leaseDb);
    const ownership =
      store === undefined || leaseDb === undefined
        ? undefined
        : new Ownership({
            service: name,
            leases: new Leases(leaseDb, Ownership.instanceId(), config.HUB_PARTITIONS ?? 1, LEASE_TTL_MS),
            relay: store.relay,
            cache,
            log,
          });
    // One binding per service instance: the data's tables and the resources share it.
    const onStart: ((scope: ServiceScope) => void)[] = [];
    const bind = store === undefined ? undefined : bindContext(store, cache, ownership, onStart);
    const data = dataOf(store, cache, bind, name);
    const slot: { service?: Service } = {};
    const deps = (def.open ? await def.open({ config, name, log, data, service: lateService(() => slot.service, name) }) : {}) as D;
    for (const v of Object.values(deps)) if (isCloseable(v)) closeables.push(v);
    const entries = typeof def.resources === 'function' ? def.resources(deps, data) : def.resources;
    const resources = unique(
      entries.flatMap((e) => {
        if (!isBindable(e)) return [e];
        if (bind === undefined) throw new Error(`service ${name}: a table-backed resource needs \`data\` in the definition`);
        return e.bind(bind);
      }),
    );
    // Telemetry and the ops server when OPS_PORT is set (from the environment always; tests may leave it out).
    const telemetry = config.OPS_PORT === undefined ? undefined : telemetryFor(name);
    const service = createService({
      name,
      resources,
      nats: { servers: config.NATS_URL.split(',') },
      logger: log,
      ...(telemetry ? { metrics: metricsOf(telemetry) } : {}),
      ...(ownership ? { gate: (host) => ownership.gate(host) } : {}),
      ...o.service,
    });
    slot.service = service;
    const started = def.started;
    const onStarted =
      started === undefined
        ? undefined
        : async () => {
            await started({ deps, data, service, log, telemetry });
          };
    return new HubService(name, log, service, deps, data, closeables, {
      ...(onStarted ? { started: onStarted } : {}),
      ...(ownership ? { ownership } : {}),
      onStart,
      ...(telemetry && config.OPS_PORT !== undefined ? { ops: { telemetry, port: config.OPS_PORT, host: config.OPS_HOST } } : {}),
    });
  } catch (err) {
    for (const c of closeables.reverse()) await Promise.resolve(c.close()).catch(() => undefined);
    throw err;
  }
}

/**
 * The whole of a service's `main.ts`: configuration from the environment (a bad one stops the
 * process with exit code 78 and a line per variable), data opened (waiting for servers that are
 * not up yet), serving until SIGINT/SIGTERM.
 * @example await runMain(customerService);
 */
export async function runMain<C extends z.ZodObject, D extends object>(defined: Defined<C, D>): Promise<void> {
  const config = configOrExit(configSchemaOf(defined.definition)) as BaseConfig & z.output<C>;
  let hub: HubService<D>;
  try {
    hub = await createHubService(defined, { config });
  } catch (err) {
    pino({ name: defined.definition.name }).fatal({ err }, 'service failed to open its dependencies');
    process.exit(1);
  }
  await runService(hub);
}
