// Several instances of one service: the NATS queue group spreads requests over them, and with
// the documented rules (shared store, each instance emits the events of its own writes) clients
// stay correct. See "Several instances" in shared/res/README.md.
import { describe, expect, it } from 'vitest';
import { openClient, resgateHttp, uniqueName, waitFor } from '@hub/testkit';
import { collection, defineResource, model, z } from '../../src/internal.ts';
import { getCollection, getModel, startService } from './fixture.ts';

/** Stands in for the database both instances share (in-memory state is per instance). */
interface SharedStore {
  value: number;
}

function item(instance: string, store: SharedStore, served: Set<string>) {
  return defineResource({
    pattern: 'item',
    kind: 'model',
    access: () => true,
    get: () => {
      served.add(`${instance}:get`);
      return model({ value: store.value });
    },
    calls: {
      set: {
        params: z.object({ value: z.number() }),
        handler: ({ input, change }) => {
          served.add(instance);
          store.value = input.value;
          // The instance that commits sends the event, on its own connection, before its reply.
          change({ value: input.value });
          return instance;
        },
      },
    },
  });
}

describe('queue group', () => {
  it('two instances of a service share the requests and subscribed clients stay correct', async () => {
    // Calls land on both instances; every change reaches the client in commit order.
    const name = uniqueName('rt');
    const store: SharedStore = { value: 0 };
    const served = new Set<string>();
    await startService([item('A', store, served)], { name });
    await startService([item('B', store, served)], { name });
    const client = await openClient();
    const m = await getModel(client, `${name}.item`);
    const rid = `${name}.item`;
    let next = 0;
    await waitFor(
      async () => {
        next += 1;
        await client.call(rid, 'set', { value: next });
        return served.has('A') && served.has('B');
      },
      'both instances to serve a call',
      20_000,
    );
    expect(store.value).toBe(next);
    await waitFor(() => m.value === next, "the client to follow every instance's events");
    expect((await resgateHttp(`/api/${name}/item`)).body).toEqual({ value: next });
  });

  it('a queue group of null makes every instance receive every request', async () => {
    // queueGroup: null opts out of load sharing (each instance answers; the requester takes the first).
    const name = uniqueName('rt');
    const store: SharedStore = { value: 0 };
    const served = new Set<string>();
    await startService([item('A', store, served)], { name, queueGroup: null });
    await startService([item('B', store, served)], { name, queueGroup: null });
    const client = await openClient();
    await client.call(`${name}.item`, 'set', { value: 1 });
    await waitFor(() => served.has('A') && served.has('B'), 'both instances to handle the one call');
  });

  it('a collection written by several instances stays correct with reset-based invalidation', async () => {
    // Index events from two instances could interleave; a reset after each commit makes Resgate refetch and diff.
    const name = uniqueName('rt');
    const store: string[] = [];
    const served = new Set<string>();
    const list = (instance: string) =>
      defineResource({
        pattern: 'list',
        kind: 'collection',
        access: () => true,
        get: () => collection([...store]),
        calls: {
          push: {
            params: z.object({ v: z.string() }),
            handler: async ({ input, service, rname }) => {
              served.add(instance);
              store.push(input.v);
              // No add event: its index could be stale by the time Resgate applies it.
              await service.resetResource(rname, { repeatAfterMs: 300 });
            },
          },
        },
      });
    await startService([list('A')], { name });
    await startService([list('B')], { name });
    const client = await openClient();
    const c = await getCollection(client, `${name}.list`);
    const writers = [await openClient(), client];
    await Promise.all(Array.from({ length: 30 }, (_, i) => (writers[i % 2] ?? client).call(`${name}.list`, 'push', { v: `v${i}` })));
    expect(served).toEqual(new Set(['A', 'B']));
    await waitFor(() => c.toArray().join() === store.join(), 'the client to converge on the stored order', 20_000);
    expect((await resgateHttp(`/api/${name}/list`)).body).toEqual(store);
  });
});
