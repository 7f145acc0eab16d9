/**
 * Load for the drills: closed-loop clients (each sends, awaits its answer, sends again) that
 * record every outcome with its latency and time, so a drill can ask what happened in any window.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cleanup } from '@hub/testkit';

/** The connection token Resgate would pass for a user who may read and write customers. */
export const WRITER = {
  sub: 'fault-writer',
  username: 'fault-writer',
  roles: ['customer:read', 'customer:write'],
  exp: 4_102_444_800,
  sid: null,
};

export interface Outcome {
  readonly at: number;
  readonly ms: number;
  /** 'ok', an error code, 'timeout', 'noResponders' or 'failed:<message>'. */
  readonly result: string;
  readonly kind: string;
  readonly reply?: unknown;
}

export interface Reply {
  readonly result?: unknown;
  readonly resource?: { readonly rid: string };
  readonly error?: { readonly code: string; readonly message: string };
}

/** One RES request over NATS, as Resgate sends it; never rejects. */
export async function resRequest(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  timeoutMs = 3000,
): Promise<{ ms: number; result: string; reply?: Reply }> {
  const t0 = performance.now();
  try {
    const msg = await nc.request(subject, typeof body === 'string' ? body : JSON.stringify(body), { timeout: timeoutMs });
    const reply = msg.json<Reply>();
    return { ms: performance.now() - t0, result: reply.error?.code ?? 'ok', reply };
  } catch (err) {
    const name = (err as Error).name;
    const msg = (err as Error).message;
    const result =
      name === 'TimeoutError' || /timeout/i.test(msg)
        ? 'timeout'
        : name === 'NoRespondersError' || /no responders/i.test(msg)
          ? 'noResponders'
          : `failed:${msg}`;
    return { ms: performance.now() - t0, result };
  }
}

/** Connections of the drill's own, closed when the test ends. */
export async function natsClients(url: string, n: number): Promise<NatsConnection[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) =>
      cleanup(await connect({ servers: url.split(','), name: `fault-load-${String(i)}`, maxReconnectAttempts: -1 }), (c) => c.close()),
    ),
  );
}

export interface Load {
  readonly outcomes: Outcome[];
  stop(): Promise<void>;
}

/**
 * Runs `step(client, n)` on every client in a loop until stopped (or `until()` says so); each
 * step's outcome is recorded. A step that fails waits `pauseOnErrorMs` before the next.
 */
export function runLoad(
  clients: number,
  step: (client: number, n: number) => Promise<{ ms: number; result: string; kind: string; reply?: unknown }>,
  o: { until?: () => boolean; pauseOnErrorMs?: number } = {},
): Load {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let n = 0; !stopped && !(o.until?.() ?? false); n++) {
      const r = await step(c, n);
      outcomes.push({ at: performance.now(), ...r });
      if (r.result !== 'ok' && (o.pauseOnErrorMs ?? 0) > 0) await new Promise((res) => setTimeout(res, o.pauseOnErrorMs));
    }
  });
  const all = Promise.all(loops);
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await all;
    },
  };
}

/** The p-th percentile (0–100) of `values`, in the values' unit; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Counts of each result. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o.result] = (t[o.result] ?? 0) + 1;
  return t;
}

/** Milliseconds to one decimal. */
export const ms = (v: number): string => `${v.toFixed(1)} ms`;
/** Seconds to two decimals. */
export const s = (v: number): string => `${(v / 1000).toFixed(2)} s`;
