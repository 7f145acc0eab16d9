/**
 * Waiting for a dependency that is not there yet (NATS, Postgres, ...): retry with capped
 * exponential backoff, say once what we wait for and why, say when it is there. A service started
 * before its servers waits instead of exiting, and becomes ready when they come.
 */
import type { Logger } from 'pino';

/** First wait after a failed attempt; doubles up to {@link RETRY_MAX_MS}. */
export const RETRY_INITIAL_MS = 250;
export const RETRY_MAX_MS = 5_000;

export interface RetryOptions {
  /** What is waited for, for the log line: `NATS at nats://127.0.0.1:4222`. */
  readonly what: string;
  readonly log: Logger;
  /** Aborting stops the wait: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** Which failures are worth waiting out (default all); any other is thrown at once (a bad URL, bad credentials). */
  readonly retryable?: (err: unknown) => boolean;
}

/** A URL's credentials masked: `postgres://hub:***@db:5432/x`. @example redactUrls('nats://u:p@h:4222') // 'nats://***@h:4222' */
export function redactUrls(text: string): string {
  return text.replace(/\/\/[^@/\s]*@/g, '//***@');
}

/** A short, safe reason for the log line (the error's code or first line; never a URL with a password). */
export function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const msg = typeof e?.message === 'string' ? (e.message.split('\n')[0] ?? '') : String(err);
  return redactUrls(code !== undefined && !msg.includes(code) ? `${code}: ${msg}` : msg);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw signal.reason as Error;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it resolves: after a failure waits 250 ms, doubling up to 5 s. Logs one
 * line when it starts waiting (what, why, the backoff) and one when it succeeds after waiting.
 * @example const nc = await retryUntil(() => connect(opts), { what: 'NATS at nats://127.0.0.1:4222', log });
 */
export async function retryUntil<T>(attempt: () => Promise<T>, o: RetryOptions): Promise<T> {
  const initial = o.initialMs ?? RETRY_INITIAL_MS;
  const max = o.maxMs ?? RETRY_MAX_MS;
  const t0 = performance.now();
  const what = redactUrls(o.what);
  for (let n = 0; ; n++) {
    throwIfAborted(o.signal);
    try {
      const out = await attempt();
      if (n > 0) o.log.info({ attempts: n + 1, waitedMs: Math.round(performance.now() - t0) }, `${what}: reachable, continuing`);
      return out;
    } catch (err) {
      throwIfAborted(o.signal); // the failure may be the close itself
      if (o.retryable !== undefined && !o.retryable(err)) throw err;
      if (n === 0)
        o.log.warn(
          { reason: reasonOf(err) },
          `waiting for ${what} (${reasonOf(err)}); retrying every ${String(initial)} ms doubling up to ${String(max / 1000)} s`,
        );
      else o.log.debug({ reason: reasonOf(err), attempt: n + 1 }, `still waiting for ${what}`);
      await sleep(Math.min(initial * 2 ** n, max), o.signal);
    }
  }
}
