/**
 * Middleware around every request (`service.use`), and the built-ins: debug request logging and
 * the metrics hook a metrics module implements.
 */
import type { Logger } from 'pino';
import type { RequestType } from './envelope.ts';
import type { Outcome } from './reply.ts';
import type { ServiceScope } from './scope.ts';
import { levelEnabled } from './request.ts';

/**
 * What middleware sees of a request. `outcome` and `errorCode` are set once the handler ran.
 * @example service.use(async (req, next) => { await next(); if (req.errorCode) req.log.info({ code: req.errorCode }, req.pattern); });
 */
export interface RequestInfo {
  readonly type: RequestType | 'unknown';
  readonly subject: string;
  /** Resource name, without query ('' if the subject was not a RES request). */
  readonly rname: string;
  /** Raw query, if any. */
  readonly query: string | undefined;
  /** Full matched pattern (`library.book.$id`), or `<unknown>`: low-cardinality for metrics. */
  readonly pattern: string;
  readonly method: string | undefined;
  readonly cid: string | undefined;
  readonly isHttp: boolean;
  /** Request-scoped logger. */
  readonly log: Logger;
  /**
   * The service, scoped to the request's resource: middleware runs in that resource's queue, so
   * `with` on it must go through here (the bare service would wait for this very request).
   */
  readonly service: ServiceScope;
  /** `performance.now()` at receipt (queueing time counts towards Resgate's timeout). */
  readonly receivedAt: number;
  /** `performance.now()` when the request left its queue. */
  readonly startedAt: number;
  /** NATS message headers (for trace context propagation between services). */
  readonly headers: Readonly<Record<string, string>>;
  outcome: Outcome | undefined;
  errorCode: string | undefined;
}

/**
 * Runs around the handler; call `next()` once. Throwing a `ResError` replies with it.
 * @example service.use(async (req, next) => { const t = Date.now(); await next(); req.log.info({ ms: Date.now() - t }); });
 */
export type Middleware = (req: RequestInfo, next: () => Promise<void>) => Promise<void>;

/**
 * Runs `req` through the middleware from the `i`th on, outermost first, then `terminal`. Per
 * request this builds only each middleware's `next`.
 * @example await runMiddleware([a, b], req, (r) => handle(r));
 */
export function runMiddleware<R extends RequestInfo>(middleware: readonly Middleware[], req: R, terminal: (req: R) => Promise<void>, i = 0): Promise<void> {
  const mw = middleware[i];
  if (mw === undefined) return terminal(req);
  let called = false;
  return mw(req, () => {
    if (called) return Promise.reject(new Error('middleware called next() twice'));
    called = true;
    return runMiddleware(middleware, req, terminal, i + 1);
  });
}

/** One finished request, for metrics. @example { type: 'call', pattern: 'library.book.$id', method: 'set', durationMs: 3.2, queuedMs: 0.1, errorCode: undefined } */
export interface RequestSample {
  readonly type: RequestType | 'unknown';
  /** Full pattern, or `<unknown>`. */
  readonly pattern: string;
  readonly method: string | undefined;
  /** From receipt to reply, queueing included. */
  readonly durationMs: number;
  /** Time spent waiting in the resource's queue. */
  readonly queuedMs: number;
  /** The reply's error code, undefined on success. */
  readonly errorCode: string | undefined;
}

/**
 * Implemented by a metrics module and passed as `createService({ metrics })`.
 * @example const metrics: MetricsHook = { onRequest: (s) => histogram.observe({ type: s.type, pattern: s.pattern }, s.durationMs) };
 */
export interface MetricsHook {
  onRequest(sample: RequestSample): void;
}

/** Debug-level log line per request: type, rid, method, duration, error code. Installed by default. @example service.use(loggingMiddleware); */
export const loggingMiddleware: Middleware = async (req, next) => {
  // Hot path: with debug off, add no async frame of our own (nor build the request's logger).
  if (!levelEnabled(req, 'debug')) return next();
  try {
    await next();
  } finally {
    req.log.debug({ ms: Math.round((performance.now() - req.receivedAt) * 10) / 10, code: req.errorCode }, 'request');
  }
};

/**
 * Reports each request to a metrics hook (errors in the hook are logged, never thrown).
 * @example service.use(metricsMiddleware(myHook)); // createService({ metrics }) does this for you
 */
export function metricsMiddleware(hook: MetricsHook): Middleware {
  return async (req, next) => {
    try {
      await next();
    } finally {
      const now = performance.now();
      try {
        hook.onRequest({
          type: req.type, pattern: req.pattern, method: req.method, durationMs: now - req.receivedAt,
          queuedMs: req.startedAt - req.receivedAt, errorCode: req.errorCode,
        });
      } catch (err) {
        req.log.warn({ err }, 'metrics hook failed');
      }
    }
  };
}
