// ctx.service is scoped to what the handler holds: `with` / `resetResource` on the handler's own
// resource (and, nested, on any resource already held) run at once instead of waiting for the
// handler that is waiting for them. The bare service object knows no handler and queues.
import { describe, expect, it } from 'vitest';
import { connectNats, openClient, waitFor } from '@hub/testkit';
import { collection, defineResource, model, z } from '../../src/internal.ts';
import { getCollection } from './fixture.ts';
import { rawRequest, startService } from './fixture.ts';

const open = () => true;

describe('ctx.service (scoped to the handler)', () => {
  it("runs with() and resetResource() on the handler's own resource at once, also nested through r.service", async () => {
    const seen: string[] = [];
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ n: 1 }),
      calls: {
        touch: {
          params: null,
          handler: async ({ service, rid }) => {
            await service.resetResource(rid);
            const other = `${service.name}.other`;
            // Holding item, then other: item is still held inside the nested handle.
            return service.with(other, (o) =>
              o.service.with(rid, (r) => {
                seen.push(r.rname);
                return 'done';
              }),
            );
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

  it('scopes query callbacks and middleware to their resource too', async () => {
    const items = ['a'];
    let fromQuery = '';
    const search = defineResource({
      pattern: 'search',
      kind: 'collection',
      access: open,
      query: z.object({ q: z.string().default('a') }),
      get: () => collection([...items]),
    });
    const list = defineResource({
      pattern: 'list',
      access: open,
      get: () => model({ n: items.length }),
      calls: {
        add: {
          params: null,
          handler: async ({ service }) => {
            items.push('b');
            await service.with(service.rid('search', {}), (r) => {
              // The callback runs in search's queue: its own with() on search must not wait for it.
              r.queryEvent(async ({ service: s, rname }) => {
                fromQuery = await s.with(rname, (h) => h.rname);
                return collection([...items]);
              });
            });
          },
        },
      },
    });
    const service = await startService([search, list]);
    // Middleware runs in the request's queue as well: req.service is scoped the same way.
    service.use(async (req, next) => {
      await next();
      if (req.type === 'call')
        await req.service.with(req.rname, (r) => {
          r.change({ n: items.length });
        });
    });
    const client = await openClient();
    const live = await getCollection(client, `${service.name}.search?q=a`);
    await client.call(`${service.name}.list`, 'add');
    await waitFor(() => live.length === 2, 'the query event to be answered');
    expect(fromQuery).toBe(`${service.name}.search`);
  });

  it('queues with() from the bare service behind the running handler', async () => {
    const order: string[] = [];
    let outer: Promise<unknown> | undefined;
    const item = defineResource({
      pattern: 'item',
      access: open,
      get: () => model({ n: 1 }),
      calls: {
        slow: {
          params: null,
          handler: async ({ rid }) => {
            // The captured service does not know this handler holds item: its with() waits.
            outer = service.with(rid, () => {
              order.push('with');
            });
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
