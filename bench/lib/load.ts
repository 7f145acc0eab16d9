/**
 * Closed-loop load: `concurrency` workers each send a NATS request and wait for the reply, for a
 * fixed duration. Both the baseline and the system under test are driven by this same loop.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  nc: NatsConnection;
  /** Subject and payload for request number i. */
  request: (i: number) => { subject: string; payload: string };
  /** Checks a reply; a false return counts as an error. */
  check?: (reply: string) => boolean;
  concurrency: number;
  durationMs: number;
}

/**
 * The load generator's NATS connection. `noAsyncTraces`: nats.js otherwise captures two stack
 * traces per request (for a timeout's error message), which makes the generator, sharing the
 * machine's cores with the system under test, cost more than the requests it measures.
 */
export function connectLoad(servers: string): Promise<NatsConnection> {
  return connect({ servers, name: 'bench-load', noAsyncTraces: true });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/**
 * The closed loop itself: `concurrency` workers run `op` back to back for `durationMs`. An op
 * that resolves false counts as an answered request and an error; one that throws, as an error.
 * @example await closedLoop(32, 3000, async () => { await pool.query(sql); return true; });
 */
export async function closedLoop(concurrency: number, durationMs: number, op: (i: number) => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        if (!(await op(seq++))) errors++;
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { requests: latencies.length, errors, seconds, rps: latencies.length / seconds, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}

/** NATS requests in a closed loop. */
export function driveLoad(o: LoadOptions): Promise<LoadResult> {
  return closedLoop(o.concurrency, o.durationMs, async (i) => {
    const { subject, payload } = o.request(i);
    const reply = await o.nc.request(subject, payload, { timeout: 5000 });
    return o.check === undefined || o.check(reply.string());
  });
}

/** One round's line on stderr. @example formatResult('bare', r) // "  bare     rps=  21337 p50_ms=..." */
export function formatResult(label: string, r: LoadResult): string {
  return `  ${label.padEnd(8)} rps=${r.rps.toFixed(0).padStart(7)} p50_ms=${r.p50Ms.toFixed(2)} p99_ms=${r.p99Ms.toFixed(2)} errors=${String(r.errors)}`;
}

/** Median of the values (for interleaved rounds). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
