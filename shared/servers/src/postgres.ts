/**
 * A project-local PostgreSQL 15 cluster: own data directory, port and socket directory.
 * initdb and postgres refuse to run as root, so as root we run them as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bin } from './paths.ts';
import { ManagedProcess, type LogSink } from './process.ts';
import { whenReady, type RunningServer } from './server.ts';
import { waitUntil } from './wait.ts';

/** Superuser created by initdb; local trust auth on loopback only. */
export const PG_USER = 'hub';

export interface PostgresOptions {
  port: number;
  dataDir: string;
  /** Test clusters trade durability for speed. */
  fast?: boolean;
  log: LogSink;
  readyTimeoutMs?: number;
}

interface RunAs { uid: number; gid: number }

function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function prepareDir(dir: string, user: RunAs | undefined): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
}

function initdb(dataDir: string, user: RunAs | undefined, log: LogSink): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  log('postgres', `initdb ${dataDir}`);
  execFileSync(join(bin.pgBin, 'initdb'), ['-D', dataDir, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-instructions'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(user ?? {}),
  });
}

/** Port, loopback-only listening and (fast) durability settings; also for the container launcher. */
export function postgresFlags(o: Pick<PostgresOptions, 'port' | 'fast'>): string[] {
  const flags = ['-p', String(o.port), '-c', 'listen_addresses=127.0.0.1'];
  if (o.fast === true) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  return flags;
}

/** Initialises the cluster if needed, starts postgres, resolves once it accepts queries. */
export async function startPostgres(o: PostgresOptions): Promise<RunningServer> {
  const user = runAs();
  const dataDir = join(o.dataDir, 'data');
  const socketDir = join(o.dataDir, 'sock');
  // The postgres user must be able to traverse into our directory.
  mkdirSync(o.dataDir, { recursive: true });
  chmodSync(o.dataDir, 0o755);
  prepareDir(dataDir, user);
  prepareDir(socketDir, user);
  initdb(dataDir, user, o.log);
  const args = ['-D', dataDir, '-k', socketDir, ...postgresFlags(o)];
  const proc = ManagedProcess.start({
    name: 'postgres',
    command: join(bin.pgBin, 'postgres'),
    args,
    stopSignal: 'SIGINT', // fast shutdown: roll back open transactions, don't wait for clients
    // A restart reuses the data directory: postgres replays its WAL (crash recovery) by itself.
    beforeRestart: () => { clearStalePid(dataDir, o.log); },
    log: o.log,
    ...(user ?? {}),
  });
  const ready = () => waitUntil(() => pgIsReady(o.port), o.readyTimeoutMs ?? 30_000, 'postgres', () => proc.exitReason());
  return whenReady('postgres', `postgres://${PG_USER}@127.0.0.1:${o.port}/postgres`, proc, ready);
}

/**
 * A postmaster killed with SIGKILL leaves postmaster.pid behind. postgres ignores the file when
 * its PID is dead, but refuses to start when that PID now belongs to another process (PIDs are
 * reused), so the supervisor removes it unless a postgres for this data directory really runs.
 * Called before a restart, after the old process group is gone.
 */
export function clearStalePid(dataDir: string, log: LogSink): void {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && runsPostgresFor(pid, dataDir)) return;
  rmSync(file, { force: true });
  log('postgres', `removed stale postmaster.pid (pid ${pid} is not this cluster's postgres)`);
}

function runsPostgresFor(pid: number, dataDir: string): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.some((a) => a.endsWith('/postgres') || a === 'postgres') && cmd.includes(dataDir);
  } catch {
    return false; // no such process
  }
}

function pgIsReady(port: number): Promise<boolean> {
  try {
    execFileSync(join(bin.pgBin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    return Promise.resolve(true);
  } catch {
    return Promise.resolve(false);
  }
}
