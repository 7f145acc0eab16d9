/** Readiness probes for servers we start. Polling here is the server's contract, not a test sleep. */
import { connect as tcpConnect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** Poll interval while waiting for a server to come up. */
export const READY_POLL_MS = 100;

/**
 * Resolves once `probe` returns true; rejects with `what` and the last probe error after `timeoutMs`,
 * at once when `alive` reports the process dead, or when a probe error is `fatal` (no point waiting).
 * @example await waitUntil(() => httpOk('http://127.0.0.1:8222/healthz'), 10_000, 'nats health');
 */
export async function waitUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  alive?: () => string | undefined,
  fatal?: (err: unknown) => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const dead = alive?.();
    if (dead !== undefined) throw new Error(`${what}: ${dead}`);
    try {
      if (await probe()) return;
    } catch (err) {
      if (fatal?.(err) === true) throw new Error(`${what}: ${(err as Error).message}`);
      last = err;
    }
    if (Date.now() > deadline) {
      const cause = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`${what} not ready after ${timeoutMs} ms${cause}`);
    }
    await delay(READY_POLL_MS);
  }
}

/** True when a GET answers with a 2xx status. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.ok;
}

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ port, host });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => { resolve(false); });
  });
}
