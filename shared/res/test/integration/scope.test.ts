// ctx.service is scoped to what the handler holds: `with` / `resetResource` on the handler's own
// resource (and, nested, on any resource already held) run at once instead of waiting for the
// handler that is waiting for them. The bare service object knows no handler and queues.
import { describe, expect, it } from 'vitest';
import { connectNats } from '@hub/testkit';
import { defineResource, model } from '../../src/index.ts';
import { rawRequest, startService } from './fixture.ts';

const open = () => true;

describe('ctx.service (scoped to the handler)', () => {
  it('runs with() and resetResource() on the handler\'s own resource at once, also nested through r.service', async () => {
    const seen: string[] = [];
    const item = defineResource({
      pattern: 'item', access: open, get: () => model({ n: 1 }),
      calls: {
        touch: {
          params: null,
          handler: async ({ service, rid }) => {
            await service.resetResource(rid);
            const other = `${service.name}.other`;
            // Holding item, then other: item is still held inside the nested handle.
            return service.with(other, (o) => o.service.with(rid, (r) => { seen.push(r.rname); return 'done'; }));
          },
        },
      },
    });
    const other = defineResource({ pattern: 'other', access: open, get: () => model({ n: 2 }) });
    const service = await startService([item, other]);
    const nc = await connectNats();
    // Without the scope both would wait for this very handler: no reply within Resgate's timeout.
    const reply = await rawRequest(nc, `call.${service.name}.item.touch`, {}, 3000);
    expect(reply).toEqual({ result: 'done' });
    expect(seen).toEqual([`${service.name}.item`]);
  });

  it('queues with() from the bare service behind the running handler', async () => {
    const order: string[] = [];
    let outer: Promise<unknown> | undefined;
    const item = defineResource({
      pattern: 'item', access: open, get: () => model({ n: 1 }),
      calls: {
        slow: {
          params: null,
          handler: async ({ rid }) => {
            // The captured service does not know this handler holds item: its with() waits.
            outer = service.with(rid, () => { order.push('with'); });
            await new Promise((r) => setTimeout(r, 50));
            order.push('handler');
            return null;
          },
        },
      },
    });
    const service = await startService([item]);
    const nc = await connectNats();
    await rawRequest(nc, `call.${service.name}.item.slow`, {});
    await outer;
    expect(order).toEqual(['handler', 'with']);
  });
});
