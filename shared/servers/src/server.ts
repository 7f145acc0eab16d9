/** What every launcher returns: a named, reachable, stoppable real server. */
import type { ManagedProcess } from './process.ts';

export interface RunningServer {
  readonly name: string;
  /** Primary client URL (nats://…, http://…, postgres://…, redis://…). */
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Wraps a started process as a RunningServer. */
export function asServer(name: string, url: string, proc: ManagedProcess): RunningServer {
  return { name, url, process: proc, stop: () => proc.stop() };
}

/**
 * Waits for `ready`; if it fails (timeout, early exit), stops the process before rethrowing, so
 * a server that never became ready is not left running (the platform only stops servers whose
 * start resolved).
 * @example await readyOrStop(proc, () => waitUntil(() => httpOk(url), 20_000, 'jaeger', () => proc.exitReason()));
 */
export async function readyOrStop(proc: ManagedProcess, ready: () => Promise<void>): Promise<void> {
  try {
    await ready();
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
