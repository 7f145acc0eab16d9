/**
 * Awaiting conditions instead of sleeping: a test states what it waits for, and fails with that
 * statement (and the last observed value) if it never happens.
 */
import { setTimeout as delay } from 'node:timers/promises';

export const WAIT_TIMEOUT_MS = 10_000;
const POLL_MS = 20;

/**
 * Resolves with the first truthy value `probe` returns; throws after `timeoutMs`.
 * @example await waitFor(() => model.title === 'New', 'title to change');
 */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${describe(last)}`);
    }
    await delay(POLL_MS);
  }
}

function describe(v: unknown): string {
  if (v instanceof Error) return v.message;
  try {
    const json = JSON.stringify(v) as unknown; // undefined for undefined and functions
    return typeof json === 'string' ? json : String(v);
  } catch {
    return String(v);
  }
}

/**
 * Resolves when `emitter` fires `event` (first matching payload); throws after the timeout.
 * @example const ev = await nextEvent(model, 'change');
 */
export function nextEvent<T = unknown>(
  emitter: { on(event: string, cb: (data: T) => void): unknown; off(event: string, cb: (data: T) => void): unknown },
  event: string,
  match: (data: T) => boolean = () => true,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, cb);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}' event`));
    }, timeoutMs);
    const cb = (data: T) => {
      if (!match(data)) return;
      clearTimeout(timer);
      emitter.off(event, cb);
      resolve(data);
    };
    emitter.on(event, cb);
  });
}
