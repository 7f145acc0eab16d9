/** What every launcher returns: a named, reachable, stoppable real server. */
import type { ManagedProcess } from './process.ts';

export interface RunningServer {
  readonly name: string;
  /** Primary client URL (nats://…, http://…, postgres://…, redis://…). */
  readonly url: string;
  /** The local process; absent when the server runs in a container (containers.ts). */
  readonly process?: ManagedProcess;
  stop(): Promise<void>;
}

/** Wraps a started process as a RunningServer. */
export function asServer(name: string, url: string, proc: ManagedProcess): RunningServer {
  return { name, url, process: proc, stop: () => proc.stop() };
}

/**
 * Resolves with the server once `ready` resolves. If it rejects (timeout, early exit), the
 * process is stopped before the error is rethrown: a half-started server must not linger and
 * hold its port, since the caller never got a handle to stop it.
 */
export async function whenReady(name: string, url: string, proc: ManagedProcess, ready: () => Promise<void>): Promise<RunningServer> {
  try {
    await ready();
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return asServer(name, url, proc);
}
