/**
 * Tracing on and off. On when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (and `OTEL_SDK_DISABLED` is
 * not `true`): then the preload `@hub/telemetry/register` starts the SDK before the service's
 * modules load. Off, nothing of the SDK is loaded and `@hub/res`'s spans are no-ops.
 */
import { register } from 'node:module';
import type { TracingOptions, TracingSdk } from './tracing-sdk.ts';

export type { TracingOptions } from './tracing-sdk.ts';

/**
 * Modules imported as ESM that the instrumentations patch through import-in-the-middle. pg needs
 * no entry: its instrumentation patches `pg/lib/client.js`, which pg itself `require`s. The list
 * keeps the ESM hook from wrapping every other module of the service.
 */
const ESM_INSTRUMENTED = ['pino', 'ioredis', 'http', 'node:http'];

let started: Promise<TracingSdk> | undefined;

/** Whether tracing is configured in `env`. @example if (tracingEnabled()) ... */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '') !== '' && env.OTEL_SDK_DISABLED !== 'true';
}

/**
 * Installs the ESM loader hook the instrumentations need for modules loaded by `import`.
 * Only effective before those modules load: the preload calls it.
 */
export function registerEsmHooks(): void {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ESM_INSTRUMENTED } });
}

/**
 * Starts the OpenTelemetry SDK (once; later calls return the same start). Modules imported
 * before this are not instrumented: prefer the preload (`node --import @hub/telemetry/register`).
 * @example await startTracing({ serviceName: 'customer' });
 */
export function startTracing(o: TracingOptions = {}): Promise<void> {
  started ??= import('./tracing-sdk.ts').then((m) => m.startTracingSdk(o));
  return started.then(() => undefined);
}

/**
 * Exports buffered spans and stops the SDK; a no-op when tracing never started. Call it last in
 * shutdown (`runService(service, { onClose: shutdownTracing })`), or spans of the final seconds
 * are lost.
 * @example await shutdownTracing();
 */
export async function shutdownTracing(): Promise<void> {
  const sdk = started;
  started = undefined;
  if (sdk !== undefined) await (await sdk).shutdown();
}
