/** NATS server with JetStream, project-local: own port, monitor port and store directory. */
import { mkdirSync } from 'node:fs';
import { bin } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export interface NatsOptions {
  port: number;
  monitorPort: number;
  /** JetStream store directory. */
  dataDir: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

/**
 * Starts nats-server and resolves once /healthz (which includes JetStream) answers 200. A restart
 * runs the same command, so JetStream recovers its streams from the same store directory.
 */
export async function startNats(o: NatsOptions): Promise<RunningServer> {
  mkdirSync(o.dataDir, { recursive: true });
  const proc = ManagedProcess.start({
    name: 'nats',
    command: bin.nats,
    args: ['-a', '127.0.0.1', '-p', String(o.port), '-m', String(o.monitorPort), '-js', '-sd', o.dataDir],
    log: o.log,
  });
  const ready = () => waitUntil(() => httpOk(`http://127.0.0.1:${o.monitorPort}/healthz`), o.readyTimeoutMs ?? 20_000, 'nats', () => proc.exitReason());
  return whenReady('nats', `nats://127.0.0.1:${o.port}`, proc, ready);
}
