/**
 * @hub/telemetry — health, metrics and traces for every service, through the SDK.
 *
 * @example
 * import { cacheCheck, createTelemetry, natsCheck, postgresCheck, startOpsServer } from '@hub/telemetry';
 * const t = createTelemetry({ service: 'customer' });
 * const service = createService({ name: 'customer', resources, metrics: t.metricsHook });
 * await service.start();
 * t.observeNats(service.connection); t.observeCache(cache); t.observeDb(store.db.pool);
 * const ops = await startOpsServer({ port: config.OPS_PORT, host: config.OPS_HOST, registry: t.registry, log: service.log,
 *   checks: { nats: natsCheck(service.connection), postgres: postgresCheck(store.db.pool), cache: cacheCheck(cache) } });
 * // traces: start the process with `node --import @hub/telemetry/register` and set OTEL_EXPORTER_OTLP_ENDPOINT
 */
export { createTelemetry } from './telemetry.ts';
export type { Telemetry, TelemetryOptions } from './telemetry.ts';
export { outcomeOf, QUEUE_BUCKETS_S, REQUEST_BUCKETS_S } from './requests.ts';
export type { Outcome } from './requests.ts';
export type { ObservedCache } from './cache.ts';
export { OUTBOX_QUERY_TIMEOUT_MS } from './db.ts';
export type { ObserveDbOptions, ObservedPool } from './db.ts';

export { DEFAULT_OPS_HOST, DEFAULT_OPS_PORT, startOpsServer } from './ops-server.ts';
export type { OpsServer, OpsServerOptions } from './ops-server.ts';
export { opsEnv } from './config.ts';
export { CHECK_TIMEOUT_MS, runChecks } from './readiness.ts';
export type { CheckResult, Readiness, ReadinessCheck, ReadinessChecks } from './readiness.ts';
export { cacheCheck, natsCheck, postgresCheck } from './checks.ts';
export type { QueryablePool } from './checks.ts';

export { shutdownTracing, startTracing, tracingEnabled } from './tracing.ts';
export type { TracingOptions } from './tracing.ts';
