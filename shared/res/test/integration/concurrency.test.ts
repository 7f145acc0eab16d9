// Concurrency: a slow handler holds only its own resource's queue — other resources keep being
// served — and a full queue is refused at once instead of growing without bound.
import { describe, expect, it } from 'vitest';
import { connectNats, resgateHttp } from '@hub/testkit';
import { defineResource, model } from '../../src/internal.ts';
import { deferred, rawRequest, startService } from './fixture.ts';

describe('concurrency', () => {
  it('a handler blocked on one resource does not hold up requests for other resources', async () => {
    // The NATS callback only enqueues: 50 gets on other resources answer while the slow call waits.
    const release = deferred();
    const started = deferred();
    const slow = defineResource({
      pattern: 'slow',
      access: () => true,
      get: () => model({ a: 1 }),
      calls: {
        wait: {
          params: null,
          handler: async () => {
            started.resolve();
            await release.promise;
            return 'released';
          },
        },
      },
    });
    const fast = defineResource({ pattern: 'fast.$id', access: () => true, get: ({ params }) => model({ id: params.id }) });
    const service = await startService([slow, fast]);
    const nc = await connectNats();
    const waiting = rawRequest(nc, `call.${service.name}.slow.wait`, '');
    await started.promise;
    const ids = Array.from({ length: 50 }, (_, i) => String(i));
    const bodies = await Promise.all(ids.map(async (id) => (await resgateHttp(`/api/${service.name}/fast/${id}`)).body));
    expect(bodies).toEqual(ids.map((id) => ({ id })));
    expect(release.settled()).toBe(false);
    release.resolve();
    expect(await waiting).toEqual({ result: 'released' });
  });

  it('refuses requests beyond the per-resource queue bound with "Service busy" and recovers', async () => {
    // maxPerKey 2: one running, one waiting; the third is answered at once instead of queued.
    const release = deferred();
    const started = deferred();
    const job = defineResource({
      pattern: 'job',
      get: () => model({ a: 1 }),
      calls: {
        wait: {
          params: null,
          handler: async () => {
            started.resolve();
            await release.promise;
            return 'ok';
          },
        },
      },
    });
    const service = await startService([job], { queue: { maxPerKey: 2 }, logLevel: 'error' });
    const nc = await connectNats();
    const first = rawRequest(nc, `call.${service.name}.job.wait`, '');
    await started.promise;
    const second = rawRequest(nc, `call.${service.name}.job.wait`, '');
    expect(await rawRequest(nc, `call.${service.name}.job.wait`, '')).toEqual({
      error: { code: 'system.internalError', message: 'Service busy' },
    });
    release.resolve();
    expect(await first).toEqual({ result: 'ok' });
    expect(await second).toEqual({ result: 'ok' });
    expect(await rawRequest(nc, `get.${service.name}.job`, '')).toEqual({ result: { model: { a: 1 } } });
  });
});
