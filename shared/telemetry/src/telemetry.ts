/**
 * One service's metrics in one prom-client registry: every series carries `service=<name>`, the
 * request metrics come through `@hub/res`'s `MetricsHook`, and the rest is read at scrape time
 * from objects the SDK already has (cache stats, the pg pool, the NATS connection).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricsHook } from '@hub/res/internal';
import { cacheMetrics, type ObservedCache } from './cache.ts';
import { HotCounter } from './hot.ts';
import { dbMetrics, type ObserveDbOptions, type ObservedPool } from './db.ts';
import { natsMetrics } from './nats.ts';
import { requestMetrics } from './requests.ts';
import type { NatsConnection } from '@nats-io/transport-node';

/** Options of {@link createTelemetry}. @example createTelemetry({ service: 'customer' }) */
export interface TelemetryOptions {
  /** The service name: the `service` label of every series. */
  readonly service: string;
  /** Node.js process metrics (`process_*`, `nodejs_*`: CPU, memory, event loop lag, GC); default true. */
  readonly processMetrics?: boolean;
}

/**
 * A service's metrics. Pass `metricsHook` to `createService({ metrics })`, add what the service
 * holds with the `observe*` methods, and serve `registry` with `startOpsServer`.
 */
export interface Telemetry {
  readonly service: string;
  readonly registry: Registry;
  /** For `createService({ metrics })`: request counts, latency, queue wait and errors. */
  readonly metricsHook: MetricsHook;
  /**
   * Counts one event sent to gateways (`hub_events_total{kind,pattern}`): `change`, `add`,
   * `remove`, `reset`, `query`, a custom event name... `pattern` is the resource pattern
   * (low cardinality; never a RID).
   */
  countEvent(kind: string, pattern?: string): void;
  /** Adds a `@hub/cache` cache (name default: the service name). */
  observeCache(cache: ObservedCache, name?: string): void;
  /** Adds a pg pool, and the outbox of `schema` (default: the service name). */
  observeDb(pool: ObservedPool, schema?: string, options?: ObserveDbOptions): void;
  /** Adds a NATS connection (name default `service`); returns a function that stops watching it. */
  observeNats(nc: NatsConnection, name?: string): () => void;
}

const SERVICE_NAME = /^[a-z][a-zA-Z0-9_-]*$/;

/**
 * @example
 * const t = createTelemetry({ service: 'customer' });
 * const service = createService({ name: 'customer', resources, metrics: t.metricsHook });
 * t.observeCache(cache); t.observeDb(store.db.pool); // after start: t.observeNats(service.connection)
 * const ops = await startOpsServer({ port: config.OPS_PORT, registry: t.registry, checks });
 */
export function createTelemetry(o: TelemetryOptions): Telemetry {
  if (!SERVICE_NAME.test(o.service)) throw new Error(`createTelemetry: invalid service name ${JSON.stringify(o.service)}`);
  const registry = new Registry();
  registry.setDefaultLabels({ service: o.service });
  if (o.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const observeCache = cacheMetrics(registry);
  const observeDb = dbMetrics(registry);
  const observeNats = natsMetrics(registry);
  return {
    service: o.service,
    registry,
    metricsHook: requestMetrics(registry),
    countEvent: eventCounter(registry),
    observeCache: (cache, name = o.service) => { observeCache(cache, name); },
    observeDb: (pool, schema = o.service, options) => { observeDb(pool, schema, options); },
    observeNats: (nc, name = 'service') => observeNats(nc, name),
  };
}

function eventCounter(registry: Registry): (kind: string, pattern?: string) => void {
  const events = new HotCounter({
    registry,
    name: 'hub_events_total',
    help: 'Events sent to gateways (change, add, remove, reset, query, custom names), by kind and resource pattern: the live fan-out at its source.',
  });
  return (kind, pattern = '') => {
    events.series(`${kind}\u0000${pattern}`, () => ({ kind, pattern })).value++;
  };
}
