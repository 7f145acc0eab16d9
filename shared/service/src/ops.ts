/**
 * Health and metrics of a defined service, without a line in the service: the ops HTTP server
 * (`/healthz`, `/readyz`, `/metrics` on OPS_PORT) and the Prometheus metrics of its requests,
 * events, cache, database pool, outbox and NATS connection.
 *
 * Readiness: NATS connected and answering, Postgres answering (the migrations ran before the
 * service could start at all), the cache usable, and — with several instances — this instance
 * taking part in ownership (its first lease tick done).
 */
import type { Cache } from '@hub/cache';
import type { MetricsHook, Service } from '@hub/res/internal';
import type { Store } from '@hub/store';
import {
  cacheCheck,
  createTelemetry,
  natsCheck,
  postgresCheck,
  startOpsServer,
  type OpsServer,
  type ReadinessChecks,
  type Telemetry,
} from '@hub/telemetry';
import type { Logger } from 'pino';
import type { Ownership } from './ownership.ts';

export interface OpsParts {
  readonly service: () => Service | undefined;
  readonly store: Store | undefined;
  readonly cache: Cache | undefined;
  readonly ownership: Ownership | undefined;
  readonly log: Logger;
}

/** Where the ops server listens, and the telemetry it serves. */
export interface OpsSettings {
  readonly telemetry: Telemetry;
  readonly port: number;
  readonly host: string | undefined;
}

/** The service's telemetry. */
export function telemetryFor(name: string): Telemetry {
  return createTelemetry({ service: name });
}

/** The runtime's metrics hook: requests and events to the service's telemetry. */
export function metricsOf(t: Telemetry): MetricsHook {
  return {
    onRequest: (r) => {
      t.metricsHook.onRequest(r);
    },
    onEvent: (k) => {
      t.countEvent(k);
    },
  };
}

/** Starts the ops server (before the service serves: /healthz answers at once, /readyz once ready). */
export function startOps(t: Telemetry, port: number, host: string | undefined, p: OpsParts): Promise<OpsServer> {
  const running = (): Service => {
    const s = p.service();
    if (s?.running !== true) throw new Error('not serving yet');
    return s;
  };
  const checks: Record<string, ReadinessChecks[string]> = {
    nats: (signal) => natsCheck(running().connection)(signal),
  };
  if (p.store !== undefined) checks.postgres = postgresCheck(p.store.db.pool);
  if (p.cache !== undefined) checks.cache = cacheCheck(p.cache);
  if (p.ownership !== undefined) {
    const own = p.ownership;
    checks.partitions = () => {
      if (!own.started) throw new Error('ownership has not taken part yet');
    };
  }
  return startOpsServer({ port, ...(host === undefined ? {} : { host }), registry: t.registry, log: p.log, checks });
}

/** What telemetry observes once the service serves. */
export function observe(t: Telemetry, service: Service, store: Store | undefined, cache: Cache | undefined): void {
  t.observeNats(service.connection);
  if (cache !== undefined) t.observeCache(cache);
  if (store !== undefined) t.observeDb(store.db.pool, store.db.schema);
}
