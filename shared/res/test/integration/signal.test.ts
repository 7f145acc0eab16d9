// runService: SIGTERM closes the service gracefully — intake stops, the in-flight handler still
// replies, and the process exits 0 on its own.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@hub/servers';
import { cleanup, connectNats, hub, uniqueName, waitFor } from '@hub/testkit';
import { deferred, rawRequest } from './fixture.ts';

const TSX = join(repoRoot, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(import.meta.dirname, 'fixtures', 'signal-service.ts');

describe('runService', () => {
  it('on SIGTERM lets the in-flight handler reply, stops intake and exits 0', async () => {
    // The process plumbing every service's main.ts relies on, in a real child process.
    const name = uniqueName('rt');
    const child = spawn(TSX, [SCRIPT, name, hub().natsUrl], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => {
        resolve(code);
      });
    });
    cleanup(child, (c) => {
      if (c.exitCode === null) c.kill('SIGKILL');
    });
    const nc = await connectNats();
    const serves = async (): Promise<boolean> => {
      try {
        return (await rawRequest(nc, `get.${name}.job`, '', 2000)).result !== undefined;
      } catch {
        return false;
      }
    };
    await waitFor(serves, 'the child service to serve', 30_000);
    const started = deferred();
    nc.subscribe(`event.${name}.job.started`, {
      callback: () => {
        started.resolve();
      },
    });
    await nc.flush();
    const slow = rawRequest(nc, `call.${name}.job.slow`, '', 20_000);
    await started.promise;
    child.kill('SIGTERM');
    await waitFor(async () => !(await serves()), 'intake to stop after SIGTERM');
    expect(child.exitCode).toBeNull();
    nc.publish(`test.${name}.release`);
    expect(await slow).toEqual({ result: 'done' });
    expect(await exited).toBe(0);
  });
});
