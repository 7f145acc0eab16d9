/**
 * Preload: `node --import @hub/telemetry/register main.ts` (after `--import tsx` when running
 * TypeScript). With `OTEL_EXPORTER_OTLP_ENDPOINT` set it starts tracing before the service's
 * first import, so pg, ioredis and pino are instrumented when they load; otherwise it does nothing.
 *
 * Why a preload and not a call in main: ESM hoists imports, so by the time main's first line
 * runs, its imports (the store, hence pg) are loaded, unpatched.
 */
import { registerEsmHooks, startTracing, tracingEnabled } from './tracing.ts';

if (tracingEnabled()) {
  registerEsmHooks();
  await startTracing();
}
