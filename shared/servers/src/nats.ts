/** NATS server with JetStream, project-local: own port, monitor port and store directory. */
import { mkdirSync } from 'node:fs';
import { bin } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { asServer, type RunningServer } from './server.ts';
import { httpOk, waitUntil } from './wait.ts';

export interface NatsOptions {
  port: number;
  monitorPort: number;
  /** JetStream store directory. */
  dataDir: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** nats-server's flags (also for the container launcher, with the container's store directory). */
export function natsArgs(o: Pick<NatsOptions, 'port' | 'monitorPort'>, dataDir: string): string[] {
  return ['-a', '127.0.0.1', '-p', String(o.port), '-m', String(o.monitorPort), '-js', '-sd', dataDir];
}

/** Resolves once /healthz (which includes JetStream) answers 200. */
export function natsReady(o: NatsOptions, alive?: () => string | undefined): Promise<void> {
  return waitUntil(() => httpOk(`http://127.0.0.1:${o.monitorPort}/healthz`), o.readyTimeoutMs ?? 20_000, 'nats', alive);
}

/** Starts nats-server and resolves once it is healthy. */
export async function startNats(o: NatsOptions): Promise<RunningServer> {
  mkdirSync(o.dataDir, { recursive: true });
  const proc = ManagedProcess.start({ name: 'nats', command: bin.nats, args: natsArgs(o, o.dataDir), log: o.log });
  await natsReady(o, () => proc.exitReason());
  return asServer('nats', `nats://127.0.0.1:${o.port}`, proc);
}
