// ManagedProcess supervision on real child processes (sh): a process that dies is restarted
// with one line saying what exited, how, which restart and after what delay; one that keeps
// dying is given up on with a loud line and the owner is told once; `restart: true` (the test
// kit's Resgate and services) keeps restarting; supervise() arms a process started without it.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, waitFor } from '@hub/testkit';
import { clearStalePid, ManagedProcess, RESTART_DELAY_MS, type ProcessSpec, type RestartPolicy } from '../src/index.ts';

const QUICK = { initialDelayMs: 10, maxDelayMs: 40 } as const;

function run(script: string, restart: ProcessSpec['restart'], lines: string[]): ManagedProcess {
  const proc = ManagedProcess.start({ name: 'probe', command: 'sh', args: ['-c', script], restart, log: (_n, l) => { lines.push(l); } });
  return cleanup(proc, (p) => p.stop());
}

describe('ManagedProcess supervision', () => {
  it('restarts a process that was killed, with one line naming it, its signal, the restart number and the delay', async () => {
    const lines: string[] = [];
    const proc = run('sleep 30', QUICK, lines);
    const first = proc.pid ?? 0;
    process.kill(first, 'SIGKILL');
    await waitFor(() => proc.pid !== first && proc.restarts === 1, 'the restart');
    expect(lines).toContainEqual(expect.stringMatching(/^probe exited with signal SIGKILL after \d+\.\d s; restart #1 in 10 ms$/));
    expect(proc.exitReason()).toBeUndefined();
  });

  it('backs off exponentially up to the cap while the process keeps exiting at once', async () => {
    const lines: string[] = [];
    const proc = run('exit 3', { initialDelayMs: 10, maxDelayMs: 40 }, lines);
    await waitFor(() => proc.restarts >= 4, 'four restarts');
    await proc.stop();
    const delays = lines.filter((l) => l.includes('restart #')).map((l) => Number(/in (\d+) ms$/.exec(l)?.[1]));
    expect(delays.slice(0, 4)).toEqual([10, 20, 40, 40]);
    expect(lines[0]).toMatch(/^probe exited with code 3 after/);
  });

  it('a run that lasted long enough resets the backoff', async () => {
    const lines: string[] = [];
    const proc = run('sleep 0.3; exit 1', { ...QUICK, healthyRunMs: 100 }, lines);
    await waitFor(() => proc.restarts >= 3, 'three restarts');
    await proc.stop();
    const delays = lines.filter((l) => l.includes('restart #')).map((l) => Number(/in (\d+) ms$/.exec(l)?.[1]));
    expect(delays.slice(0, 3)).toEqual([10, 10, 10]);
  });

  it('gives up after the restarts allowed within the window: a loud line with the advice, the owner told once', async () => {
    const lines: string[] = [];
    const gaveUp: string[] = [];
    const policy: RestartPolicy = {
      ...QUICK,
      giveUpAfter: { restarts: 3, windowMs: 60_000 },
      advice: (name) => `Read ${name}.log.`,
      onGiveUp: (name) => { gaveUp.push(name); },
    };
    const proc = run('exit 7', policy, lines);
    await waitFor(() => gaveUp.length > 0, 'the give-up');
    expect(gaveUp).toEqual(['probe']);
    expect(proc.restarts).toBe(3);
    expect(lines.at(-1)).toMatch(/^GAVE UP on probe: 3 restarts within 60\.0 s did not hold; it last exited with code 7 after \d+\.\d s\. Read probe\.log\.$/);
    expect(proc.exitReason()).toMatch(/^gave up: /);
  });

  it('restart: true (the test kit) restarts with the default backoff and no give-up limit', async () => {
    const lines: string[] = [];
    const proc = run('exit 1', true, lines);
    await waitFor(() => proc.restarts >= 3, 'three restarts with the default backoff');
    const delays = lines.filter((l) => l.includes('restart #')).map((l) => Number(/in (\d+) ms$/.exec(l)?.[1]));
    expect(delays.slice(0, 3)).toEqual([RESTART_DELAY_MS, RESTART_DELAY_MS * 2, RESTART_DELAY_MS * 4]);
    expect(lines.some((l) => l.startsWith('GAVE UP'))).toBe(false);
    expect(proc.exitReason()).toBeUndefined();
  });

  it('supervise() arms a process started unsupervised, and restarts it if it already died', async () => {
    const lines: string[] = [];
    const proc = run('exit 2', undefined, lines);
    await waitFor(() => proc.exitReason() === 'exited with code 2', 'the unsupervised exit');
    expect(lines).toEqual(['process exited with code 2']);
    proc.supervise({ ...QUICK, giveUpAfter: { restarts: 1, windowMs: 60_000 } });
    await waitFor(() => proc.exitReason()?.startsWith('gave up'), 'the give-up after one restart');
    expect(proc.restarts).toBe(1);
  });
});

describe('clearStalePid (postgres restart after kill -9)', () => {
  it('removes a postmaster.pid whose PID is dead or belongs to another program, and keeps none', () => {
    const dir = cleanup(mkdtempSync(join(tmpdir(), 'hub-pg-')), (d) => { rmSync(d, { recursive: true, force: true }); });
    const file = join(dir, 'postmaster.pid');
    const lines: string[] = [];
    for (const pid of [process.pid, 2 ** 22 + 1]) { // this Node process (PID reused), and no process at all
      writeFileSync(file, `${pid}\n${dir}\n`);
      clearStalePid(dir, (_n, l) => { lines.push(l); });
      expect(existsSync(file)).toBe(false);
    }
    clearStalePid(dir, (_n, l) => { lines.push(l); }); // no file: nothing to do
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/removed stale postmaster\.pid \(pid \d+ is not this cluster's postgres\)/);
  });
});
