/**
 * @hub/res — the RES service runtime (RES-Service protocol 1.2.3, as Resgate v1.8 speaks it).
 * Declare resources with `defineResource`, serve them with `createService`, run with `runService`.
 *
 * @example
 * import { createService, defineResource, model, runService, z } from '@hub/res';
 * const greeting = defineResource({ pattern: 'greeting', access: () => true, get: () => model({ text: 'hi' }) });
 * await runService(createService({ name: 'hello', resources: [greeting] }));
 */
export { z } from 'zod';

export { createService, Service } from './service.ts';
export type { ResetPatterns } from './service.ts';
export type { ResetResourceOptions, ServiceScope } from './scope.ts';
export { runService, SHUTDOWN_SIGNALS, EXIT_GRACE_MS } from './run.ts';
export { ConfigError, configOrExit, EXIT_CONFIG, loadEnv } from './config.ts';
export type { RunOptions } from './run.ts';
export { AUTO_TIMEOUT_EXTEND_MS, CLOSE_TIMEOUT_MS, MAX_REQUEST_BYTES, RESGATE_REQUEST_TIMEOUT_MS } from './options.ts';
export type { NatsOption, ServiceOptions } from './options.ts';
export type { ConnectOptions } from './system.ts';

export { defineResource, Resource } from './resource.ts';
export type { AccessReply, AuthSpec, CallSchemas, CallSpec, GetReply, ResourceSpec } from './resource.ts';
export type {
  AccessContext, AnyParams, AuthContext, CallContext, ChangeValues, GetContext, HttpControls, QueryCallback,
  QueryRequestContext, RequestContext, ResourceEvents, ResourceHandle,
} from './context.ts';

export { collection, CollectionResult, frozen, model, ModelResult, resourceResponse, ResourceResponse } from './results.ts';
export type { ModelShape, ResourceState } from './results.ts';
export { data, deleteAction, ref, softRef } from './values.ts';
export type { DataValue, DeleteAction, Primitive, Ref, SoftRef, Value } from './values.ts';

export { ErrorCode, fromErrorObject, isResError, ResError, ResUsageError } from './errors.ts';
export type { ErrorObject, PredefinedErrorCode } from './errors.ts';
export type { ValidationIssue } from './validation.ts';

export { normalizeQuery, parseQueryString } from './query.ts';
export type { RawQuery } from './query.ts';
export { isValidPart, isValidRid, splitRid } from './pattern.ts';
export type { PathParams } from './pattern.ts';
export { RESERVED_EVENT_NAMES } from './event-checks.ts';

export { loggingMiddleware, metricsMiddleware } from './middleware.ts';
export type { MetricsHook, Middleware, RequestInfo, RequestSample } from './middleware.ts';
export { tracingMiddleware, TRACER_NAME } from './tracing.ts';
export type { RequestOptions, RequestTarget } from './client.ts';
export type { RequestType } from './envelope.ts';
export { DEFAULT_MAX_PER_KEY, DEFAULT_MAX_TOTAL, QueueFullError } from './queue.ts';
export type { QueueLimits } from './queue.ts';
