/**
 * @hub/res/internal — the runtime's building blocks for sibling SDK packages (store, service,
 * testkit, telemetry) and tests. Service code imports `@hub/res`.
 */
export * from './index.ts';
export { Service } from './service.ts';
export { Resource } from './resource.ts';
export type { CallSchemas, CallSpec, AuthSpec } from './resource.ts';
export { runService, SHUTDOWN_SIGNALS, EXIT_GRACE_MS } from './run.ts';
export type { RunOptions, Runnable } from './run.ts';
export { ConfigError, EXIT_CONFIG, loadEnv } from './config.ts';
export { AUTO_TIMEOUT_EXTEND_MS, CLOSE_TIMEOUT_MS, MAX_REQUEST_BYTES, RESGATE_REQUEST_TIMEOUT_MS } from './options.ts';
export { MAX_JSON_DEPTH, nestsDeeperThan } from './envelope.ts';
export type { NatsOption } from './options.ts';
export type { ConnectOptions } from './system.ts';
export { connectForever } from './system.ts';
export { retryUntil, reasonOf, redactUrls, RETRY_INITIAL_MS, RETRY_MAX_MS } from './backoff.ts';
export type { RetryOptions } from './backoff.ts';
export type {
  AnyParams,
  EventKind,
  HttpControls,
  MetricsHook,
  RequestContext,
  RequestOptions,
  RequestSample,
  RequestTarget,
  RequestType,
  ResetPatterns,
  ResetResourceOptions,
  ResourceEvents,
} from './contract.ts';
export { CollectionResult, ModelResult, ResourceResponse } from './results.ts';
export type { ModelShape } from './results.ts';
export type { DataValue, DeleteAction, Primitive, Ref, SoftRef } from './values.ts';
export { fromErrorObject, isResError, ResUsageError, RETRY_AFTER_S } from './errors.ts';
export type { ErrorObject, PredefinedErrorCode } from './errors.ts';
export type { ValidationIssue } from './validation.ts';
export { normalizeQuery, parseQueryString } from './query.ts';
export type { RawQuery } from './query.ts';
export { isValidPart, isValidRid, joinRid, splitRid } from './pattern.ts';
export type { PathParams } from './pattern.ts';
export { RESERVED_EVENT_NAMES } from './event-checks.ts';
export { loggingMiddleware, metricsMiddleware } from './middleware.ts';
export { tracingMiddleware, TRACER_NAME } from './tracing.ts';
export { DEFAULT_MAX_PER_KEY, DEFAULT_MAX_TOTAL, QueueFullError } from './queue.ts';
export type { QueueLimits } from './queue.ts';
export type { GateFactory, GateHost, RequestGate } from './gate.ts';
