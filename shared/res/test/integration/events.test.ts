// Resource events through Resgate: change (changed fields, delete action), add/remove at exact
// indices, create/delete, reaccess and custom events (reserved names refused).
import { describe, expect, it } from 'vitest';
import { connectNats, nextEvent, openClient, resgateHttp, waitFor } from '@hub/testkit';
import { collection, deleteAction, defineResource, model, z } from '../../src/internal.ts';
import { errorOf, getCollection, startService } from './fixture.ts';

const open = () => true;

describe('events', () => {
  it('a change event updates clients with the changed fields, and deleteAction removes a property', async () => {
    // An empty change sends nothing; the next one carries only what changed, before the reply.
    const state: Record<string, string | number> = { title: 'a', note: 'x', n: 1 };
    const item = defineResource({
      pattern: 'item',
      kind: 'model',
      access: open,
      get: () => model({ ...state }),
      calls: {
        retitle: {
          params: z.object({ title: z.string() }),
          handler: ({ input, change }) => {
            change({});
            state.title = input.title;
            delete state.note;
            change({ title: input.title, note: deleteAction });
          },
        },
      },
    });
    const service = await startService([item]);
    const nc = await connectNats();
    const raw: string[] = [];
    nc.subscribe(`event.${service.name}.item.>`, {
      callback: (_e, msg) => {
        raw.push(msg.string());
      },
    });
    await nc.flush();
    const client = await openClient();
    const m = await client.get(`${service.name}.item`);
    const changed = nextEvent<Record<string, unknown>>(m, 'change');
    await client.call(`${service.name}.item`, 'retitle', { title: 'b' });
    // The event went out before the reply, so the model is updated by the time the call resolves.
    expect(m.toJSON()).toEqual({ title: 'b', n: 1 });
    expect(await changed).toEqual({ title: 'a', note: 'x' });
    await waitFor(() => raw.length > 0, 'the raw change event');
    expect(raw).toEqual(['{"values":{"title":"b","note":{"action":"delete"}}}']);
    expect((await resgateHttp(`/api/${service.name}/item`)).body).toEqual({ title: 'b', n: 1 });
  });

  it('add and remove events update a client collection at exact indices; out-of-range indices are refused', async () => {
    // Indices mirror the stored order; once value() read the collection, idx > length is a developer error.
    const store = ['a', 'b', 'c'];
    const list = defineResource({
      pattern: 'list',
      kind: 'collection',
      access: open,
      get: () => collection([...store]),
      calls: {
        insert: {
          params: z.object({ v: z.string(), idx: z.number() }),
          handler: async ({ input, add, value }) => {
            await value();
            add(input.v, input.idx);
            store.splice(input.idx, 0, input.v);
          },
        },
        drop: {
          params: z.object({ idx: z.number() }),
          handler: ({ input, remove }) => {
            remove(input.idx);
            store.splice(input.idx, 1);
          },
        },
      },
    });
    const service = await startService([list], { logLevel: 'silent' });
    const client = await openClient();
    const c = await getCollection(client, `${service.name}.list`);
    const added = nextEvent<{ item: unknown; idx: number }>(c, 'add');
    await client.call(`${service.name}.list`, 'insert', { v: 'x', idx: 1 });
    expect(await added).toEqual({ item: 'x', idx: 1 });
    const removed = nextEvent<{ item: unknown; idx: number }>(c, 'remove');
    await client.call(`${service.name}.list`, 'drop', { idx: 0 });
    expect(await removed).toEqual({ item: 'a', idx: 0 });
    expect(c.toArray()).toEqual(['x', 'b', 'c']);
    expect((await errorOf(client.call(`${service.name}.list`, 'insert', { v: 'y', idx: 4 }))).code).toBe('system.internalError');
    await client.call(`${service.name}.list`, 'insert', { v: 'z', idx: 3 });
    await waitFor(() => c.length === 4, 'the valid add at the end');
    expect(c.toArray()).toEqual(['x', 'b', 'c', 'z']);
    expect((await resgateHttp(`/api/${service.name}/list`)).body).toEqual(['x', 'b', 'c', 'z']);
  });

  it('a create event reaches subscribers and a delete event makes Resgate unsubscribe them', async () => {
    // create and delete carry no payload; after delete, Resgate drops the resource for its clients.
    let exists = true;
    const slot = defineResource({
      pattern: 'slot',
      kind: 'model',
      access: open,
      get: () => (exists ? model({ a: 1 }) : null),
      calls: {
        touch: {
          params: null,
          handler: ({ create }) => {
            create();
          },
        },
        remove: {
          params: null,
          handler: ({ delete: del }) => {
            exists = false;
            del();
          },
        },
      },
    });
    const service = await startService([slot]);
    const client = await openClient();
    const m = await client.get(`${service.name}.slot`);
    const created = nextEvent(m, 'create');
    await client.call(`${service.name}.slot`, 'touch');
    expect(await created).toBeNull();
    const deleted = nextEvent(m, 'delete');
    const unsubscribed = nextEvent(m, 'unsubscribe');
    await client.call(`${service.name}.slot`, 'remove');
    await deleted;
    await unsubscribed;
    expect((await resgateHttp(`/api/${service.name}/slot`)).status).toBe(404);
  });

  it('a reaccess event makes Resgate re-check access and unsubscribe a client that lost it', async () => {
    // Access answers are cached per connection until the service says they are stale.
    let allowed = true;
    let accessChecks = 0;
    const item = defineResource({
      pattern: 'item',
      access: () => {
        accessChecks++;
        return allowed;
      },
      get: () => model({ a: 1 }),
    });
    const service = await startService([item]);
    const client = await openClient();
    const m = await client.get(`${service.name}.item`);
    const checksBefore = accessChecks;
    allowed = false;
    const lost = nextEvent(m, 'unsubscribe');
    await service.with(`${service.name}.item`, (r) => {
      r.reaccess();
    });
    await lost;
    expect(accessChecks).toBeGreaterThan(checksBefore);
    expect((await errorOf(client.get(`${service.name}.item`))).code).toBe('system.accessDenied');
  });

  it('a custom event reaches subscribers as sent; reserved event names are refused', async () => {
    // event('ping', payload) is passed through; event('change'|'query', ...) never leaves the service.
    const item = defineResource({
      pattern: 'item',
      kind: 'model',
      access: open,
      get: () => model({ a: 1 }),
      calls: {
        ping: {
          params: null,
          handler: ({ event }) => {
            event('ping', { n: 1, list: [1, 2] });
          },
        },
        fake: {
          params: z.string(),
          handler: ({ input, event }) => {
            event(input, { values: { a: 2 } });
          },
        },
      },
    });
    const service = await startService([item], { logLevel: 'silent' });
    const client = await openClient();
    const m = await client.get(`${service.name}.item`);
    const pinged = nextEvent(m, 'ping');
    await client.call(`${service.name}.item`, 'ping');
    expect(await pinged).toEqual({ n: 1, list: [1, 2] });
    for (const reserved of ['change', 'query', 'delete', 'add']) {
      expect((await errorOf(client.call(`${service.name}.item`, 'fake', reserved))).code).toBe('system.internalError');
    }
    expect(m.toJSON()).toEqual({ a: 1 });
  });
});
