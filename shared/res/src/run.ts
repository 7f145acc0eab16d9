/**
 * Process plumbing for a service's `main.ts`: start, and close gracefully on SIGINT/SIGTERM, so
 * services contain no signal handling of their own.
 */
import type { Logger } from 'pino';

/** What `runService` runs: a service, or anything that starts and closes like one. */
export interface Runnable {
  readonly log: Logger;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Signals that trigger a graceful close. @example runService(service, { signals: [...SHUTDOWN_SIGNALS, 'SIGHUP'] }) */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** After close, the process exits at the latest after this (stray timers or sockets). @example EXIT_GRACE_MS // 2000 */
export const EXIT_GRACE_MS = 2000;

/** Options of {@link runService}. @example runService(service, { onClose: () => pool.end() }) */
export interface RunOptions {
  readonly signals?: readonly NodeJS.Signals[];
  /** Called after close, before exit (close a database pool, flush telemetry...). */
  readonly onClose?: () => Promise<void> | void;
}

/**
 * Starts the service; on the first signal closes it (stop intake, finish handlers, drain) and
 * exits 0; a second signal exits 1 at once. A failed start exits 1 (one ended by a signal exits 0).
 * @example await runService(createService({ name: 'library', resources }));
 */
export async function runService(service: Runnable, opts: RunOptions = {}): Promise<void> {
  const state = { stopping: false }; // an object: set by a signal while start() awaits
  const stop = (signal: NodeJS.Signals): void => {
    if (state.stopping) {
      service.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    state.stopping = true;
    service.log.info({ signal }, 'shutting down');
    void (async () => {
      let code = 0;
      try {
        await service.close();
        await opts.onClose?.();
      } catch (err) {
        service.log.error({ err }, 'shutdown failed');
        code = 1;
      }
      process.exitCode = code;
      setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    })();
  };
  for (const s of opts.signals ?? SHUTDOWN_SIGNALS) process.on(s, stop);
  try {
    await service.start();
  } catch (err) {
    if (state.stopping) return; // a signal ended the start (e.g. while waiting for a server): the close path exits
    service.log.fatal({ err }, 'service failed to start');
    process.exit(1);
  }
}
