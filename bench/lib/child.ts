/**
 * Runs a responder in its own process (so it has a core of its own, as in production) and waits
 * for it to print `READY`. Stopped by PID.
 */
import { ManagedProcess, waitUntil } from '@hub/servers';

export interface Child {
  stop(): Promise<void>;
}

export async function startChild(name: string, script: string, env: NodeJS.ProcessEnv): Promise<Child> {
  let ready = false;
  const proc = ManagedProcess.start({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', script],
    env: { ...process.env, ...env },
    log: (n, line) => {
      if (line.trim() === 'READY') ready = true;
      else process.stderr.write(`[${n}] ${line}\n`);
    },
  });
  await waitUntil(() => Promise.resolve(ready), 30_000, name, () => proc.exitReason());
  return { stop: () => proc.stop() };
}
