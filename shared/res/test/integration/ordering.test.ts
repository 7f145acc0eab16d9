// Ordering: one handler at a time per resource, events before replies on one connection — so
// concurrent writes leave every client and Resgate's cache with the final state.
import { describe, expect, it } from 'vitest';
import { connectNats, openClient, resgateHttp, waitFor } from '@hub/testkit';
import { defineResource, model, z } from '../../src/internal.ts';
import { deferred, rawRequest, startService } from './fixture.ts';

const CONCURRENT_SETS = 100;

describe('ordering', () => {
  it('100 concurrent set calls leave every subscribed client and a fresh HTTP GET with the final state', async () => {
    // Each client sees every change, in commit order, and ends on the state the service committed last.
    const state = { n: 0, last: -1 };
    const counter = defineResource({
      pattern: 'counter',
      kind: 'model',
      access: () => true,
      get: () => model({ ...state }),
      calls: {
        set: {
          params: z.object({ v: z.number().int() }),
          handler: async ({ input, change }) => {
            // An async store: read, yield to the event loop, write — safe only one handler at a time.
            const n = state.n;
            await new Promise(setImmediate);
            state.n = n + 1;
            state.last = input.v;
            change({ n: state.n, last: state.last });
          },
        },
      },
    });
    const service = await startService([counter]);
    const rid = `${service.name}.counter`;
    const clients = [await openClient(), await openClient()];
    const seen: number[][] = [];
    for (const client of clients) {
      const m = await client.get(rid);
      const ns: number[] = [];
      seen.push(ns);
      // resclient passes the changed properties' old values: the new n is old n + 1.
      m.on('change', (old: { n: number }) => {
        ns.push(old.n + 1);
      });
    }
    const client0 = await openClient();
    const callers = [...clients, client0];
    await Promise.all(Array.from({ length: CONCURRENT_SETS }, (_, v) => (callers[v % callers.length] ?? client0).call(rid, 'set', { v })));
    expect(state.n).toBe(CONCURRENT_SETS);
    for (const ns of seen) {
      await waitFor(() => ns.length === CONCURRENT_SETS, 'every change at every client');
      expect(ns).toEqual(Array.from({ length: CONCURRENT_SETS }, (_, i) => i + 1));
    }
    for (const client of clients) expect((await client.get(rid)).toJSON()).toEqual(state);
    expect((await resgateHttp(`/api/${rid.replace('.', '/')}`)).body).toEqual(state);
  });

  it('a call arriving while a get of the same resource is in flight waits, so Resgate never caches stale state', async () => {
    // Resgate drops events for a resource it is still fetching: the call's change must follow the get reply.
    const state = { a: 1, b: 1 };
    const gate = deferred();
    const entered = deferred();
    let hold = true;
    const item = defineResource({
      pattern: 'item',
      kind: 'model',
      access: () => true,
      get: async () => {
        const snapshot = { ...state };
        if (hold) {
          hold = false;
          entered.resolve();
          await gate.promise;
        }
        return model(snapshot);
      },
      calls: {
        set: {
          params: z.record(z.string(), z.number()),
          handler: ({ input, change }) => {
            Object.assign(state, input);
            change(input);
          },
        },
      },
    });
    const ping = defineResource({ pattern: 'ping', get: () => model({ ok: true }) });
    const service = await startService([item, ping]);
    const client = await openClient();
    const subscribed = client.get(`${service.name}.item`);
    await entered.promise;
    const nc = await connectNats();
    const setA = rawRequest(nc, `call.${service.name}.item.set`, { params: { a: 2 }, cid: 'test' });
    // Same connection, so the service received the call before this ping: once ping answers, an
    // unqueued call would have committed and published already.
    await rawRequest(nc, `get.${service.name}.ping`, '');
    gate.resolve();
    await subscribed;
    expect(await setA).toEqual({ result: null });
    await rawRequest(nc, `call.${service.name}.item.set`, { params: { b: 2 }, cid: 'test' });
    await waitFor(
      async () => (await resgateHttp<{ b?: number }>(`/api/${service.name}/item`)).body?.b === 2,
      "the second change in Resgate's cache",
    );
    expect((await resgateHttp(`/api/${service.name}/item`)).body).toEqual({ a: 2, b: 2 });
    expect((await (await openClient()).get(`${service.name}.item`)).toJSON()).toEqual({ a: 2, b: 2 });
  });
});
