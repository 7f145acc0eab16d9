// A close that comes while the service is still starting (a signal right after "serving", while
// the definition's `started` still runs) waits for the start: the dependencies `started` uses are
// closed only after it finished, and a second start() is the same start, not another one.
import { describe, expect, it } from 'vitest';
import { createHubService, defineService } from '@hub/service';
import { cleanup, hub, uniqueName } from '@hub/testkit';

describe('the service lifecycle', () => {
  it('a close during `started` waits for it; start() twice starts once', async () => {
    const order: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const def = defineService({
      name: 'life',
      open: () => ({
        dep: {
          close: () => {
            order.push('dep closed');
            return Promise.resolve();
          },
        },
      }),
      resources: [],
      started: async () => {
        order.push('started begins');
        await gate;
        order.push('started ends');
      },
    });
    const service = await createHubService(def, {
      name: uniqueName('life'),
      config: { NATS_URL: hub().natsUrl, LOG_LEVEL: 'warn' } as never,
    });
    cleanup(service, (s) => s.close());
    // Where a close would start tearing down: the RES service's own close (recorded, then run).
    const res = service.service;
    const resClose = res.close.bind(res);
    res.close = () => {
      order.push('service closing');
      return resClose();
    };
    const start = service.start();
    expect(service.start()).toBe(start);
    await expect.poll(() => order).toEqual(['started begins']);
    const closed = service.close();
    // One event-loop turn: a close that did not wait for the start has reached the RES service
    // by now (only microtasks lie before it); then `started` may finish.
    await new Promise<void>((r) => setImmediate(r));
    release();
    await start;
    await closed;
    expect(order).toEqual(['started begins', 'started ends', 'service closing', 'dep closed']);
  });
});
