// A server that never becomes ready is stopped before its start fails: nothing is left running.
import { describe, expect, it } from 'vitest';
import { ManagedProcess, waitUntil } from '../src/index.ts';
import { whenReady } from '../src/server.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('whenReady', () => {
  it('stops a process that is not ready in time, then rejects with what was awaited', async () => {
    const proc = ManagedProcess.start({ name: 'never-ready', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], log: () => undefined });
    const pid = proc.pid ?? 0;
    expect(alive(pid)).toBe(true);

    const ready = () => waitUntil(() => Promise.resolve(false), 300, 'never-ready', () => proc.exitReason());
    await expect(whenReady('never-ready', 'x://', proc, ready)).rejects.toThrow('never-ready not ready after 300 ms');

    expect(alive(pid)).toBe(false);
  });
});
