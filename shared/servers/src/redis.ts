/** Redis 7 standing in for KeyDB locally: no persistence, own port. Use only KeyDB 6.3 commands. */
import { bin } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { tcpOpen, waitUntil } from './wait.ts';

export interface RedisOptions {
  port: number;
  dataDir: string;
  log: LogSink;
  readyTimeoutMs?: number;
}

/** redis-server's flags (also for the container launcher, with the container's directory). */
export function redisArgs(port: number, dataDir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dataDir];
}

/** Starts redis-server in the foreground and resolves once it accepts connections. */
export async function startRedis(o: RedisOptions): Promise<RunningServer> {
  const proc = ManagedProcess.start({ name: 'redis', command: bin.redis, args: redisArgs(o.port, o.dataDir), log: o.log });
  const ready = () => waitUntil(() => tcpOpen(o.port), o.readyTimeoutMs ?? 10_000, 'redis', () => proc.exitReason());
  return whenReady('redis', `redis://127.0.0.1:${o.port}`, proc, ready);
}
