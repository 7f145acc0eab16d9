/**
 * Services as real processes (tests/lib/service-child.ts), for drills that kill them, measure
 * their memory or read everything they log. Stopped by PID when the test ends.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, waitUntil, type RestartPolicy } from '@hub/servers';
import { CHILD_BUNDLE } from './child-bundle.ts';
import { cleanup } from '@hub/testkit';

const CHILD = fileURLToPath(new URL('./service-child.ts', import.meta.url));
export { CHILD_BUNDLE };

export interface ServiceProcess {
  readonly proc: ManagedProcess;
  /** Every line it wrote (stdout and stderr), READY lines included. */
  readonly output: string[];
  /** READY lines seen: 1 after the start, +1 per (supervised) restart that served again. */
  readonly readyCount: () => number;
  /** Resident set size in bytes now (from /proc). */
  rss(): number;
}

export interface StartOptions {
  readonly service: 'customer' | 'identity' | 'library';
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
  /** Restart it when it dies on its own (a supervisor's job: make up, Swarm). */
  readonly restart?: RestartPolicy;
  /** Extra node flags (e.g. --max-old-space-size). */
  readonly nodeArgs?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Run the compiled bundle (CHILD_BUNDLE, as production runs a service) instead of the sources through tsx. */
  readonly bundle?: boolean;
}

/** Starts a service process; resolves once it serves. */
export async function startServiceProcess(o: StartOptions): Promise<ServiceProcess> {
  const output: string[] = [];
  let ready = 0;
  const proc = ManagedProcess.start({
    name: o.service,
    command: process.execPath,
    args: o.bundle === true ? [...(o.nodeArgs ?? []), bundled()] : [...(o.nodeArgs ?? []), '--import', 'tsx', CHILD],
    env: { ...process.env, LOG_LEVEL: 'warn', OPS_PORT: '0', ...o.env, HUB_SERVICE: o.service, HUB_NAME: o.name },
    stopSignal: 'SIGTERM',
    ...(o.restart ? { restart: o.restart } : {}),
    log: (_, line) => {
      output.push(line);
      if (line.startsWith('READY ')) ready++;
    },
  });
  cleanup(proc, (p) => p.stop());
  try {
    await waitUntil(
      () => Promise.resolve(ready > 0),
      o.readyTimeoutMs ?? 60_000,
      `${o.service} process`,
      () => proc.exitReason() ?? undefined,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; its output:\n${output.slice(-10).map((l) => l.slice(0, 400)).join('\n')}`);
  }
  return {
    proc,
    output,
    readyCount: () => ready,
    rss: () => rssOf(proc.pid),
  };
}

function bundled(): string {
  if (!existsSync(CHILD_BUNDLE)) throw new Error(`${CHILD_BUNDLE} is not built (the fault suite's global setup builds it)`);
  return CHILD_BUNDLE;
}

/** VmRSS of a process in bytes (0 when it is gone). */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m?.[1] === undefined ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}
