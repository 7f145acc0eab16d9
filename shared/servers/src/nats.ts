/** NATS server with JetStream, project-local: own port, monitor port and store directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
 * The server settings the platform depends on. A client that stops answering pings (a frozen
 * process: SIGSTOP, a long GC pause) is disconnected after about PING_INTERVAL × (PING_MAX + 1):
 * well within an ownership lease (LEASE_TTL_MS in @hub/service, 1.5 s), so whatever a paused
 * owner had not yet written to its socket never reaches a gateway after another instance took over.
 */
export const NATS_CONFIG = 'ping_interval: "300ms"\nping_max: 2\n';

/** nats-server's flags (also for the container launcher, with the container's store directory). */
export function natsArgs(o: Pick<NatsOptions, 'port' | 'monitorPort'>, dataDir: string, configFile?: string): string[] {
  return [...(configFile === undefined ? [] : ['-c', configFile]), '-a', '127.0.0.1', '-p', String(o.port), '-m', String(o.monitorPort), '-js', '-sd', dataDir];
}

/** Resolves once /healthz (which includes JetStream) answers 200. */
export function natsReady(o: NatsOptions, alive?: () => string | undefined): Promise<void> {
  return waitUntil(() => httpOk(`http://127.0.0.1:${o.monitorPort}/healthz`), o.readyTimeoutMs ?? 20_000, 'nats', alive);
}

/**
 * Starts nats-server and resolves once it is healthy. A restart runs the same command, so
 * JetStream recovers its streams from the same store directory.
 */
export async function startNats(o: NatsOptions): Promise<RunningServer> {
  mkdirSync(o.dataDir, { recursive: true });
  const config = join(o.dataDir, 'nats.conf');
  writeFileSync(config, NATS_CONFIG);
  const proc = ManagedProcess.start({ name: 'nats', command: bin.nats, args: natsArgs(o, o.dataDir, config), log: o.log });
  return whenReady('nats', `nats://127.0.0.1:${o.port}`, proc, () => natsReady(o, () => proc.exitReason()));
}
