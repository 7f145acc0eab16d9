/**
 * Resgate for the benchmarks that go through it (HTTP and WebSocket), on a free port, with header
 * auth answered by the bench auth responder (responders/auth.ts): every connection is a user who
 * may read and write customers. Stopped by PID.
 */
import { fileURLToPath } from 'node:url';
import { freePort, startResgate } from '@hub/servers';
import { startChild } from './child.ts';

/** Resgate's header-auth method (`auth.bench.header`), answered by responders/auth.ts. */
export const BENCH_AUTH_METHOD = 'bench.header';

export interface Gateway {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export async function startGateway(natsUrl: string, natsMonitorUrl?: string): Promise<Gateway> {
  const auth = await startChild('auth', fileURLToPath(new URL('../responders/auth.ts', import.meta.url)), {
    NATS_URL: natsUrl,
    BENCH_AUTH_METHOD,
  });
  const port = await freePort();
  let resgate;
  try {
    resgate = await startResgate({
      port,
      natsUrl,
      headerAuth: BENCH_AUTH_METHOD,
      requestTimeoutMs: 5000,
      ...(natsMonitorUrl === undefined ? {} : { natsMonitorUrl }),
      log: (_name, line) => {
        if (/\[ERR\]|panic/i.test(line)) process.stderr.write(`[resgate] ${line}\n`);
      },
    });
  } catch (err) {
    await auth.stop();
    throw err;
  }
  const r = resgate;
  return {
    httpUrl: `http://127.0.0.1:${String(port)}`,
    wsUrl: `ws://127.0.0.1:${String(port)}`,
    pid: r.process?.pid,
    stop: async () => {
      await r.stop();
      await auth.stop();
    },
  };
}
