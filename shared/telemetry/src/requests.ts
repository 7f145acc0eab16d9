/**
 * Request metrics: the `MetricsHook` of `@hub/res` (`createService({ metrics })`), fed one sample
 * per finished request. Labels are the low-cardinality ones the runtime hands over (type, matched
 * pattern, method), never RIDs or error messages.
 */
import { Counter, type Registry } from 'prom-client';
import { HotHistogram } from './hot.ts';
import type { MetricsHook, RequestSample } from '@hub/res/internal';

/** Request latency buckets in seconds: RES requests are sub-millisecond to Resgate's 3 s timeout. */
export const REQUEST_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Queue wait buckets in seconds: mostly zero, long only behind a slow handler of the same resource. */
export const QUEUE_BUCKETS_S = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

/**
 * The three outcomes of a request, as the `outcome` label:
 * - `ok`: no error;
 * - `rejected`: an error the client caused or may see as an answer (access denied, not found,
 *   invalid params, a service's own `<service>.<name>` codes);
 * - `failed`: the service failed it (`system.internalError`) or ran out of time (`system.timeout`).
 * Error-ratio alerts count `failed` only.
 */
export type Outcome = 'ok' | 'rejected' | 'failed';

const FAILED_CODES: ReadonlySet<string> = new Set(['system.internalError', 'system.timeout']);

/** @example outcomeOf('system.notFound') // 'rejected' */
export function outcomeOf(errorCode: string | undefined): Outcome {
  if (errorCode === undefined) return 'ok';
  return FAILED_CODES.has(errorCode) ? 'failed' : 'rejected';
}

/**
 * Registers the request metrics in `registry` and returns the hook that records them.
 * Per request: two Map lookups and two histogram observations (hot.ts), no label hashing.
 * @example const hook = requestMetrics(registry); createService({ ..., metrics: hook });
 */
export function requestMetrics(registry: Registry): MetricsHook {
  const duration = new HotHistogram({
    registry,
    name: 'hub_request_duration_seconds',
    help: 'RES requests from receipt to reply (queue wait included), by type, resource pattern, method and outcome. _count is the request count.',
    buckets: REQUEST_BUCKETS_S,
  });
  const queued = new HotHistogram({
    registry,
    name: 'hub_request_queue_seconds',
    help: 'Time RES requests waited in their resource queue before the handler ran, by type and resource pattern.',
    buckets: QUEUE_BUCKETS_S,
  });
  // Errors are the exception: prom-client's own counter is fine there.
  const errors = new Counter({
    name: 'hub_request_errors_total',
    help: 'RES requests answered with an error, by type, resource pattern, method and error code.',
    labelNames: ['type', 'pattern', 'method', 'code'] as const,
    registers: [registry],
  });
  return {
    onRequest(s: RequestSample): void {
      const method = s.method ?? '';
      const outcome = outcomeOf(s.errorCode);
      // NUL cannot occur in a pattern or a method: the joined values are a unique key.
      const key = `${s.type}\u0000${s.pattern}\u0000${method}\u0000${outcome}`;
      duration.observe(duration.series(key, () => ({ type: s.type, pattern: s.pattern, method, outcome })), s.durationMs / 1000);
      queued.observe(queued.series(`${s.type}\u0000${s.pattern}`, () => ({ type: s.type, pattern: s.pattern })), Math.max(0, s.queuedMs) / 1000);
      if (s.errorCode !== undefined) errors.inc({ type: s.type, pattern: s.pattern, method, code: s.errorCode });
    },
  };
}
