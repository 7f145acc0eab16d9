/**
 * Runs a responder in its own process (so it has a core of its own, as in production) and waits
 * for it to print `READY`. Stopped by PID.
 */
import { ManagedProcess, waitUntil } from '@hub/servers';
import { cpuSecondsOf } from './cpu.ts';

export interface Child {
  stop(): Promise<void>;
  /** CPU seconds (user + system) the child has used so far, from /proc (Linux). */
  cpuSeconds(): number;
  readonly pid: number | undefined;
}

export async function startChild(name: string, script: string, env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Child> {
  let ready = false;
  const proc = ManagedProcess.start({
    name,
    command: process.execPath,
    // BENCH_NODE_ARGS adds node flags to every child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    // (a V8 profile per thread, for Chrome DevTools) or "--perf-basic-prof" (names for `perf`).
    args: [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', script, ...args],
    env: { ...process.env, ...env },
    log: (n, line) => {
      if (line.trim() === 'READY') ready = true;
      else process.stderr.write(`[${n}] ${line}\n`);
    },
  });
  await waitUntil(() => Promise.resolve(ready), 30_000, name, () => proc.exitReason());
  return { stop: () => proc.stop(), cpuSeconds: () => cpuSecondsOf(proc.pid), pid: proc.pid };
}
