/**
 * Servers of a test's own, for fault tests that stop, kill or restart them: the shared platform's
 * servers serve every other test file at once and must never be disturbed. Each listens on a free
 * loopback port with its data in a temporary directory; `restart()` brings it back on the same
 * port and data (what a supervisor does); everything is stopped and removed when the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearStalePid, freePort, startNats, startPostgres, startRedis, type RunningServer } from '@hub/servers';
import { cleanup } from './context.ts';

/** A private server: its URL now, stop (clean or kill -9) and start again on the same port and data. */
export interface PrivateServer {
  readonly url: string;
  readonly port: number;
  /** The running process's PID (undefined while stopped). */
  readonly pid: number | undefined;
  /** Stops it: gracefully (its stop signal), or `kill: true` for SIGKILL of the process group. */
  stop(o?: { kill?: boolean }): Promise<void>;
  /** Starts it again (after stop) on the same port and data directory; resolves once it is ready. */
  start(): Promise<void>;
}

type Launch = (port: number, dir: string) => Promise<RunningServer>;

const quiet = (): void => undefined;

async function privateServer(kind: string, launch: Launch): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), `hub-${kind}-`));
  const port = await freePort();
  let server: RunningServer | undefined;
  // One cleanup: the server stops before its directory goes.
  cleanup(dir, async (d) => {
    await server?.stop();
    rmSync(d, { recursive: true, force: true });
  });
  server = await launch(port, dir);
  const url = server.url;
  return {
    url,
    port,
    get pid() {
      return server?.process?.pid;
    },
    stop: async (o = {}) => {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      const pid = s.process?.pid;
      if (o.kill === true && pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await s.stop();
    },
    start: async () => {
      if (server !== undefined) return;
      server = await launch(port, dir);
    },
  };
}

const sink = (log: ((line: string) => void) | undefined) =>
  log === undefined
    ? quiet
    : (_n: string, line: string) => {
        log(line);
      };

/** A private PostgreSQL 15 cluster (fast settings; initdb on first start, ~2 s). */
export function privatePostgres(o: { log?: (line: string) => void } = {}): Promise<PrivateServer> {
  return privateServer('pg', (port, dir) => {
    clearStalePid(join(dir, 'data'), sink(o.log)); // after a kill -9
    return startPostgres({ port, dataDir: dir, fast: true, log: sink(o.log) });
  });
}

/** A private NATS server with JetStream (its store survives a restart). */
export async function privateNats(o: { log?: (line: string) => void } = {}): Promise<PrivateServer & { readonly monitorUrl: string }> {
  const monitorPort = await freePort();
  const s = await privateServer('nats', (port, dir) => startNats({ port, monitorPort, dataDir: join(dir, 'js'), log: sink(o.log) }));
  return Object.assign(s, { monitorUrl: `http://127.0.0.1:${String(monitorPort)}` });
}

/** A private Redis (no persistence: a restart comes back empty, as KeyDB without a volume). */
export function privateRedis(o: { log?: (line: string) => void } = {}): Promise<PrivateServer> {
  return privateServer('redis', (port, dir) => startRedis({ port, dataDir: dir, log: sink(o.log) }));
}
