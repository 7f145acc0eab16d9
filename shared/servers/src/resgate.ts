/**
 * Resgate, configured from gateway/resgate.json with ports and NATS URL from flags.
 * Resgate exits when it loses NATS, so it always runs supervised (restarted on exit); a restart
 * first waits for NATS to be healthy again, so it neither burns restarts nor backs off needlessly.
 */
import { join } from 'node:path';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink, type RestartPolicy } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, tcpOpen, waitUntil } from './wait.ts';

/** The gateway configuration shared by `make up`, the tests and the stack. */
export const RESGATE_CONFIG = join(repoRoot, 'gateway', 'resgate.json');

/** Resgate's log line when it loses NATS (it then stops and exits). */
const LOST_NATS = /\[ERR\] .*lost NATS connection/;

/** How long a Resgate restart waits for NATS to come back before starting anyway. */
const NATS_WAIT_MS = 30_000;

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
  /** NATS monitoring URL: a restart waits (up to NATS_WAIT_MS) for its /healthz first. */
  natsMonitorUrl?: string;
  /** Default: restart forever with the default backoff. */
  restart?: RestartPolicy;
  /** Serve Resgate's OpenMetrics on this port (`--metricsport`); default off. */
  metricsPort?: number;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** Resgate's flags, reading its configuration from `configFile` (also for the container launcher). */
export function resgateArgs(o: ResgateOptions, configFile = RESGATE_CONFIG): string[] {
  const args = ['-c', configFile, '--nats', o.natsUrl, '--port', String(o.port), '--addr', '127.0.0.1'];
  if (o.requestTimeoutMs !== undefined) args.push('--reqtimeout', String(o.requestTimeoutMs));
  if (o.headerAuth !== undefined) args.push('--headauth', o.headerAuth, '--wsheadauth', o.headerAuth);
  if (o.allowOrigin !== undefined) args.push('--alloworigin', o.allowOrigin);
  if (o.metricsPort !== undefined) args.push('--metricsport', String(o.metricsPort));
  return args;
}

/** Starts Resgate and resolves once its HTTP port accepts connections. */
export async function startResgate(o: ResgateOptions): Promise<RunningServer> {
  const { natsMonitorUrl } = o;
  const natsBack =
    natsMonitorUrl === undefined
      ? undefined
      : // Past the wait Resgate starts anyway: it exits again if NATS is still away, and that counts.
        () => waitUntil(() => httpOk(`${natsMonitorUrl}/healthz`), NATS_WAIT_MS, 'nats before restarting resgate').catch(() => undefined);
  // On a lost NATS connection Resgate stops gracefully, which waits out its request timeout for
  // requests whose replies can no longer come (3 s by default): killing it at once lets the restart
  // — and the gateway — come back that much sooner (the fault suite's R2).
  const log: LogSink = (name, line) => {
    o.log(name, line);
    if (!LOST_NATS.test(line) || proc.pid === undefined || proc.stopping) return;
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // It exited meanwhile: the supervisor restarts it all the same.
    }
  };
  const proc = ManagedProcess.start({
    name: 'resgate', command: bin.resgate, args: resgateArgs(o), restart: o.restart ?? true, log,
    ...(natsBack ? { beforeRestart: natsBack } : {}),
  });
  const ready = () => waitUntil(() => tcpOpen(o.port), o.readyTimeoutMs ?? 20_000, 'resgate', () => proc.exitReason());
  return whenReady('resgate', `http://127.0.0.1:${o.port}`, proc, ready);
}
