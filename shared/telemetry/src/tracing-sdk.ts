/**
 * The OpenTelemetry SDK for a service process: Node tracer provider (AsyncLocalStorage context,
 * W3C trace context), spans batched to OTLP over HTTP/protobuf, and the instrumentations of the
 * libraries the SDK uses: pg (query spans), ioredis (cache commands), pino (`trace_id`/`span_id`
 * on every log line written inside a span) and http. Loaded only when tracing is on: the SDK is
 * a few dozen modules a service without tracing should not pay for at start.
 *
 * Pinned to the last lines that run on Node 20: stable packages 2.12, experimental 0.223.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Paths of the ops server: probes and scrapes every few seconds would drown real traces. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Options of `startTracing`. */
export interface TracingOptions {
  /** `service.name` of every span; default `OTEL_SERVICE_NAME`. */
  readonly serviceName?: string;
  /** OTLP base URL (`/v1/traces` is appended); default `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint?: string;
  /** Replaces the OTLP exporter (tests with an in-memory exporter). */
  readonly exporter?: SpanExporter;
}

/** The started SDK. */
export interface TracingSdk {
  /** Exports what is buffered, then stops; later spans are dropped. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * Registers the global tracer provider, propagator and context manager, and enables the
 * instrumentations (they patch `pg` etc. when those are loaded next, so call this first).
 * @example const sdk = startTracingSdk({ serviceName: 'customer' });
 */
export function startTracingSdk(o: TracingOptions = {}): TracingSdk {
  const detected = detectResources({ detectors: [envDetector, processDetector, hostDetector] });
  const resource = o.serviceName === undefined ? detected : detected.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.serviceName }));
  const exporter = o.exporter ?? new OTLPTraceExporter(o.endpoint === undefined ? {} : { url: `${o.endpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  const disable = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Only queries inside a traced request: a pool's idle connects and the relay's polling
      // outside any span would each start a trace of their own.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // Correlation only: no OpenTelemetry logs SDK is registered, so sending log records would be wasted work.
      new PinoInstrumentation({ disableLogSending: true }),
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? '') }),
    ],
  });
  return {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      disable();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
