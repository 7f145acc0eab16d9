/**
 * OpenTelemetry: a server span per request (named by PATTERN, not RID, to keep cardinality low),
 * and W3C trace context carried in NATS headers on inter-service requests. Uses only
 * `@opentelemetry/api`: without a registered SDK every call is a no-op.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TracerDelegator } from '@opentelemetry/api';
import { ErrorCode } from './errors.ts';
import type { Middleware } from './contract.ts';

/** The tracer name used for every span of this runtime. @example trace.getTracer(TRACER_NAME) */
export const TRACER_NAME = '@hub/res';

/**
 * One span per request: `res.<type> <pattern>[ <method>]`, attributes `res.rid`, `res.pattern`,
 * `res.method`, `res.error_code`; status ERROR only for internal errors and timeouts.
 * @example service.use(tracingMiddleware); // on by default (`createService({ tracing: false })` to disable)
 */
export const tracingMiddleware: Middleware = (req, next) => {
  // No SDK registered and no headers (so no incoming trace context): nothing to record or to
  // propagate. Decided before building a span's name and attributes, which cost a share of a
  // request even when the no-op tracer drops them.
  if (!sdkRegistered() && isEmpty(req.headers)) return next();
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const name = `res.${req.type} ${req.pattern}${req.method === '' ? '' : ` ${req.method}`}`;
  const attributes = {
    'res.type': req.type,
    'res.rid': req.rname,
    'res.pattern': req.pattern,
    'messaging.system': 'nats',
    ...(req.method === '' ? {} : { 'res.method': req.method }),
  };
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  // No SDK registered (the no-op tracer's span has an invalid context) and no incoming trace:
  // nothing to record or propagate, so skip the context switch (a measurable share of a get).
  if (!trace.isSpanContextValid(span.spanContext()) && parent === ROOT_CONTEXT) {
    span.end();
    return next();
  }
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      await next();
    } finally {
      const code = req.errorCode;
      if (code !== undefined) {
        span.setAttribute('res.error_code', code);
        if (code === ErrorCode.InternalError || code === ErrorCode.Timeout) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      }
      span.end();
    }
  });
};

/** Whether an OpenTelemetry SDK gives this runtime a real tracer (checked per request: cheap). */
function sdkRegistered(): boolean {
  // The global provider is a proxy that delegates to the SDK's once one is registered.
  const provider = trace.getTracerProvider() as Partial<TracerDelegator>;
  return provider.getDelegateTracer === undefined || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

function isEmpty(headers: Readonly<Record<string, string>>): boolean {
  for (const _ in headers) return false;
  return true;
}

/**
 * The active trace context as headers to send with an outgoing request.
 * @example const carrier = traceHeaders(); // { traceparent: '00-...' } or {}
 */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
