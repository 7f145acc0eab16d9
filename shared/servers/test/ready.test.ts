// A server that never becomes ready is stopped before its start fails: nothing is left running.
import { describe, expect, it } from 'vitest';
import { ManagedProcess, untilReady } from '../src/index.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('untilReady', () => {
  it('stops a process that is not ready in time, then rejects with what was awaited', async () => {
    const proc = ManagedProcess.start({ name: 'never-ready', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], log: () => undefined });
    const pid = proc.pid ?? 0;
    expect(alive(pid)).toBe(true);

    await expect(untilReady(proc, () => Promise.resolve(false), 300, 'never-ready')).rejects.toThrow('never-ready not ready after 300 ms');

    expect(alive(pid)).toBe(false);
  });
});
