/**
 * Middleware around every request (`service.use`): the runner, and the built-ins — debug
 * request logging and the metrics hook a metrics module implements.
 */
import type { MetricsHook, Middleware, RequestInfo } from './contract.ts';
import { levelEnabled } from './request.ts';

/**
 * Runs `req` through the middleware from the `i`th on, outermost first, then `terminal`. Per
 * request this builds only each middleware's `next`.
 * @example await runMiddleware([a, b], req, (r) => handle(r));
 */
export function runMiddleware<R extends RequestInfo>(
  middleware: readonly Middleware[],
  req: R,
  terminal: (req: R) => Promise<void>,
  i = 0,
): Promise<void> {
  const mw = middleware[i];
  if (mw === undefined) return terminal(req);
  let called = false;
  return mw(req, () => {
    if (called) return Promise.reject(new Error('middleware called next() twice'));
    called = true;
    return runMiddleware(middleware, req, terminal, i + 1);
  });
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
          type: req.type,
          pattern: req.pattern,
          method: req.method === '' ? undefined : req.method,
          durationMs: now - req.receivedAt,
          queuedMs: req.startedAt - req.receivedAt,
          errorCode: req.errorCode,
        });
      } catch (err) {
        req.log.warn({ err }, 'metrics hook failed');
      }
    }
  };
}
