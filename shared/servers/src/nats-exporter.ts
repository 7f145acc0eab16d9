/**
 * prometheus-nats-exporter (`.local/bin`, built by scripts/install.sh) reading NATS's monitor
 * port and serving its varz/connz/subz/healthz and JetStream numbers as Prometheus metrics.
 */
import { bin } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export interface NatsExporterOptions {
  port: number;
  /** NATS's monitor URL, e.g. http://127.0.0.1:8222. */
  monitorUrl: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** Starts the exporter and resolves once its /metrics answers. */
export async function startNatsExporter(o: NatsExporterOptions): Promise<RunningServer> {
  const proc = ManagedProcess.start({
    name: 'nats-exporter',
    command: bin.natsExporter,
    // -use_internal_server_name: series carry the server's name rather than its ID, which changes every start.
    args: ['-a', '127.0.0.1', '-p', String(o.port), '-varz', '-connz', '-subz', '-healthz', '-jsz=all', '-use_internal_server_name', o.monitorUrl],
    log: o.log,
  });
  const url = `http://127.0.0.1:${o.port}`;
  const ready = () => waitUntil(() => httpOk(`${url}/metrics`), o.readyTimeoutMs ?? 20_000, 'nats-exporter', () => proc.exitReason());
  return whenReady('nats-exporter', url, proc, ready);
}
