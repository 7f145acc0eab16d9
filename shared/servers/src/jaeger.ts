/**
 * Jaeger v2 (`.local/bin/jaeger`, built by `make install-jaeger`) as the local trace backend:
 * OTLP over HTTP in, traces kept in memory, the query API and UI out. Configuration:
 * ops/jaeger/jaeger.yml, ports from the environment it is started with.
 */
import { join } from 'node:path';
import { bin, repoRoot } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export const JAEGER_CONFIG = join(repoRoot, 'ops', 'jaeger', 'jaeger.yml');

export interface JaegerPorts {
  /** OTLP/HTTP receiver: services export to http://127.0.0.1:<otlp> (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlp: number;
  /** Query API and UI (http://127.0.0.1:<query>/api/traces, /search). */
  query: number;
  /** Query gRPC API (unused here, but it listens). */
  queryGrpc: number;
  /** Health check (/status). */
  health: number;
}

export interface JaegerOptions extends JaegerPorts {
  log: LogSink;
  readyTimeoutMs?: number;
}

export interface RunningJaeger extends RunningServer {
  /** The OTLP base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly otlpUrl: string;
}

/** Starts Jaeger and resolves once its health check answers and the query API is up. */
export async function startJaeger(o: JaegerOptions): Promise<RunningJaeger> {
  const proc = ManagedProcess.start({
    name: 'jaeger',
    command: bin.jaeger,
    args: ['--config', JAEGER_CONFIG],
    env: {
      ...process.env,
      HUB_JAEGER_OTLP_PORT: String(o.otlp),
      HUB_JAEGER_QUERY_PORT: String(o.query),
      HUB_JAEGER_QUERY_GRPC_PORT: String(o.queryGrpc),
      HUB_JAEGER_HEALTH_PORT: String(o.health),
    },
    log: o.log,
  });
  const url = `http://127.0.0.1:${o.query}`;
  const ready = () => waitUntil(async () => (await httpOk(`http://127.0.0.1:${o.health}/status`)) && httpOk(`${url}/api/services`), o.readyTimeoutMs ?? 30_000, 'jaeger', () => proc.exitReason());
  return { ...(await whenReady('jaeger', url, proc, ready)), otlpUrl: `http://127.0.0.1:${o.otlp}` };
}
