/**
 * Resgate, configured from gateway/resgate.json with ports and NATS URL from flags.
 * Resgate exits when it loses NATS, so it always runs supervised (restarted on exit).
 */
import { join } from 'node:path';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { asServer, type RunningServer } from './server.ts';
import { tcpOpen, waitUntil } from './wait.ts';

/** The gateway configuration shared by `make up`, the tests and the stack. */
export const RESGATE_CONFIG = join(repoRoot, 'gateway', 'resgate.json');

export interface ResgateOptions {
  port: number;
  natsUrl: string;
  /** Milliseconds Resgate waits for a service reply (its default is 3000). */
  requestTimeoutMs?: number;
  /** Resource method for header auth on HTTP and WebSocket requests, e.g. `identity.auth.header`. */
  headerAuth?: string;
  /**
   * Origins (`;`-separated) whose browser pages may use Resgate: the web app's. Other origins get
   * 403 over HTTP and a refused WebSocket upgrade; clients sending no Origin (curl, services) pass.
   * Default: gateway/resgate.json's `allowOrigin`.
   */
  allowOrigin?: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** Starts Resgate and resolves once its HTTP port accepts connections. */
export async function startResgate(o: ResgateOptions): Promise<RunningServer> {
  const args = ['-c', RESGATE_CONFIG, '--nats', o.natsUrl, '--port', String(o.port), '--addr', '127.0.0.1'];
  if (o.requestTimeoutMs !== undefined) args.push('--reqtimeout', String(o.requestTimeoutMs));
  if (o.headerAuth !== undefined) args.push('--headauth', o.headerAuth, '--wsheadauth', o.headerAuth);
  if (o.allowOrigin !== undefined) args.push('--alloworigin', o.allowOrigin);
  const proc = ManagedProcess.start({ name: 'resgate', command: bin.resgate, args, restart: true, log: o.log });
  await waitUntil(() => tcpOpen(o.port), o.readyTimeoutMs ?? 20_000, 'resgate', () => proc.exitReason());
  return asServer('resgate', `http://127.0.0.1:${o.port}`, proc);
}
