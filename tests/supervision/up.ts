/**
 * A whole `make up` (scripts/up.ts) of the test's own, on free ports and in its own run
 * directory, with its output collected line by line; and the process-tree helpers a test needs
 * to kill one of its servers by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, repoRoot } from '@hub/servers';
import { recordRun, waitFor } from '@hub/testkit';
import { PORT_VARS } from '../../scripts/lib/config.ts';

export interface Up {
  readonly proc: ChildProcess;
  readonly runDir: string;
  readonly ports: Record<keyof typeof PORT_VARS, number>;
  /** Every line make up printed (stdout and stderr), in order. */
  readonly output: string[];
  /** Resolves with make up's exit code (or signal). */
  readonly exited: Promise<number | string>;
}

/** Free, distinct ports for every HUB_*_PORT variable. */
async function freePorts(): Promise<Record<keyof typeof PORT_VARS, number>> {
  const keys = Object.keys(PORT_VARS) as (keyof typeof PORT_VARS)[];
  const ports = new Set<number>();
  while (ports.size < keys.length) ports.add(await freePort());
  const list = [...ports];
  return Object.fromEntries(keys.map((k, i) => [k, list[i] ?? 0])) as Record<keyof typeof PORT_VARS, number>;
}

/** Starts scripts/up.ts as `make up` runs it, with `env` on top; resolves once its banner is printed. */
export async function startUp(runDir: string, env: Record<string, string>, readyTimeoutMs: number): Promise<Up> {
  const ports = await freePorts();
  const portEnv = Object.fromEntries(Object.entries(PORT_VARS).map(([k, [name]]) => [name, String(ports[k as keyof typeof PORT_VARS])]));
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'up.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...portEnv, HUB_UP_RUN_DIR: runDir, ...env },
    detached: true, // its own group: a test that fails can still end the whole tree
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const s of [proc.stdout, proc.stderr]) createInterface({ input: s }).on('line', (l) => { output.push(l); });
  const exited = new Promise<number | string>((resolve) => { proc.once('exit', (code, signal) => { resolve(code ?? signal ?? '?'); }); });
  const up: Up = { proc, runDir, ports, output, exited };
  const banner = waitFor(() => output.includes('Service Hub is up.'), 'make up to print its banner', readyTimeoutMs);
  const early = exited.then((code) => { throw new Error(`make up exited (${code}) before it was up`); });
  try {
    await Promise.race([banner, early]);
  } catch (err) {
    await end(up);
    throw new Error(`${(err as Error).message}\n--- make up output (last 30 lines) ---\n${output.slice(-30).join('\n')}`);
  } finally {
    early.catch(() => undefined); // settled later, when make up exits
  }
  record(up);
  return up;
}

/** Stops make up as Ctrl-C would (it stops what it started), then kills whatever is left of its tree. */
export async function end(up: Up, graceMs = 60_000): Promise<void> {
  const pid = up.proc.pid;
  if (pid === undefined || !alive(pid)) return;
  const leftovers = childrenOf(pid);
  process.kill(pid, 'SIGTERM');
  await Promise.race([up.exited, new Promise((r) => setTimeout(r, graceMs))]);
  for (const p of [pid, ...leftovers]) {
    try {
      process.kill(-p, 'SIGKILL'); // each was started in its own process group
    } catch {
      // already gone
    }
  }
}

/** Lets a later test run's sweep end this make up and its servers if this run is killed hard. */
export function record(up: Up): void {
  if (up.proc.pid !== undefined) recordRun(up.runDir, [up.proc.pid, ...childrenOf(up.proc.pid)]);
}

/** PIDs whose parent is `pid` (make up's servers and services). */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid; // field 4, after "comm) state"
    } catch {
      return false; // exited meanwhile
    }
  });
}

/** The child of make up whose program (argv[0]) ends with `program`. */
export function childRunning(up: Up, program: string): number | undefined {
  return childrenOf(up.proc.pid ?? 0).find((p) => {
    try {
      // Redis rewrites its title ("redis-server 127.0.0.1:6389"): compare the first word.
      return (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] ?? '').split(' ')[0]?.endsWith(program) === true;
    } catch {
      return false;
    }
  });
}

/** The postmaster's PID, from the cluster's own lock file. */
export function postmasterPid(up: Up): number {
  const file = join(up.runDir, 'postgres', 'data', 'postmaster.pid');
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  return Number(readFileSync(file, 'utf8').split('\n')[0]);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Output lines of one process (make up prefixes each with the name, padded). */
export function linesOf(up: Up, name: string): string[] {
  const prefix = `${name.padEnd(10)}| `;
  return up.output.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}
