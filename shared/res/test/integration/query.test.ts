// Query resources end to end: Resgate caches each normalized query; a query event (inbox,
// query requests, replies) updates every client's live query collection.
import { describe, expect, it } from 'vitest';
import { connectNats, openClient, resgateHttp, resRequest, waitFor, type ResCollection } from '@hub/testkit';
import { collection, defineResource, z } from '../../src/internal.ts';
import { getCollection, startService } from './fixture.ts';

const open = () => true;
const searchQuery = z.object({ q: z.string().default(''), limit: z.coerce.number().int().min(1).max(50).default(10) });

function filter(items: readonly string[], q: { q: string; limit: number }): string[] {
  return items.filter((i) => i.startsWith(q.q)).slice(0, q.limit);
}

async function liveCollection(rid: string): Promise<ResCollection> {
  return getCollection(await openClient(), rid);
}

/**
 * `search` (a query collection over `items`) and `fruits` (whose `add` call appends to `items` and
 * sends a query event answered with the full state); `asked` collects the queries Resgate asked.
 */
function fruitResources(items: string[], asked: string[] = []) {
  const search = defineResource({
    pattern: 'search',
    kind: 'collection',
    access: open,
    query: searchQuery,
    get: ({ query }) => collection(filter(items, query)),
  });
  const fruits = defineResource({
    pattern: 'fruits',
    access: open,
    calls: {
      add: {
        params: z.object({ v: z.string() }),
        handler: async ({ input, service }) => {
          items.push(input.v);
          await service.with(service.rid('search', {}), (r) => {
            r.queryEvent(({ query, normalizedQuery }) => {
              asked.push(normalizedQuery);
              return collection(filter(items, query as z.output<typeof searchQuery>));
            });
          });
        },
      },
    },
  });
  return [search, fruits];
}

describe('query resources', () => {
  it('a query event with full state updates each live query collection through Resgate', async () => {
    // Resgate asks once per cached normalized query; only the query whose result changed updates.
    const items = ['apple', 'avocado', 'banana'];
    const asked: string[] = [];
    const service = await startService(fruitResources(items, asked));
    const a = await liveCollection(`${service.name}.search?q=a`);
    const b = await liveCollection(`${service.name}.search?q=b&limit=5`);
    expect(a.toArray()).toEqual(['apple', 'avocado']);
    expect(b.toArray()).toEqual(['banana']);
    const client = await openClient();
    await client.call(`${service.name}.fruits`, 'add', { v: 'apricot' });
    await waitFor(() => a.length === 3, 'the q=a collection to gain apricot');
    expect(a.toArray()).toEqual(['apple', 'avocado', 'apricot']);
    await waitFor(() => asked.length === 2, 'one query request per cached query');
    expect([...asked].sort()).toEqual(['limit=10&q=a', 'limit=5&q=b']);
    expect(b.toArray()).toEqual(['banana']);
    expect((await resgateHttp(`/api/${service.name}/search?q=a`)).body).toEqual(['apple', 'avocado', 'apricot']);
  });

  it('a query event answered with add/remove events updates the live query collection', async () => {
    // The delta form: the callback emits events for its query instead of the whole state.
    const items = ['a1', 'a2'];
    const search = defineResource({
      pattern: 'search',
      kind: 'collection',
      access: open,
      query: searchQuery,
      get: ({ query }) => collection(filter(items, query)),
    });
    const ops = defineResource({
      pattern: 'ops',
      access: open,
      calls: {
        swap: {
          params: null,
          handler: async ({ service }) => {
            items.splice(0, 1);
            items.push('a3');
            await service.with(service.rid('search', {}), (r) => {
              r.queryEvent(({ remove, add }) => {
                remove(0);
                add('a3', 1);
                return undefined;
              });
            });
          },
        },
      },
    });
    const service = await startService([search, ops]);
    const live = await liveCollection(`${service.name}.search?q=a`);
    expect(live.toArray()).toEqual(['a1', 'a2']);
    const client = await openClient();
    await client.call(`${service.name}.ops`, 'swap');
    await waitFor(() => live.toArray().join() === 'a2,a3', 'the delta to apply', 10_000);
  });

  it('a query request after its window closed answers "no change" and resets the resource, so gateways refetch rather than stay stale', async () => {
    // Resgate handles a resource's query events one at a time, so under a burst its request for a
    // later event can come after that event's window; it drops an event whose request fails.
    const WINDOW_MS = 1000;
    const items = ['apple'];
    const service = await startService(fruitResources(items), { queryWindowMs: WINDOW_MS });
    const nc = await connectNats();
    const subjects: string[] = [];
    const resets: string[][] = [];
    nc.subscribe(`event.${service.name}.search.query`, {
      callback: (_e, m) => {
        subjects.push(m.json<{ subject: string }>().subject);
      },
    });
    nc.subscribe('system.reset', {
      callback: (_e, m) => {
        resets.push(m.json<{ resources: string[] }>().resources);
      },
    });
    await nc.flush();
    await resRequest(nc, `call.${service.name}.fruits.add`, { params: { v: 'apricot' } });
    const subject = await waitFor(() => subjects[0], 'the query event');
    // In time: the full state.
    expect(await resRequest(nc, subject, { query: 'limit=10&q=a' })).toEqual({ result: { collection: ['apple', 'apricot'] } });
    // The window's expiry is the condition under test: wait it out.
    await new Promise((r) => setTimeout(r, WINDOW_MS * 2));
    expect(await resRequest(nc, subject, { query: 'limit=10&q=a' })).toEqual({ result: { events: [] } });
    const reset = await waitFor(() => resets.find((r) => r.includes(`${service.name}.search`)), 'a reset of the search resource');
    expect(reset).toEqual([`${service.name}.search`]);
    // A subject that was never a window's is ignored (no answer, no reset).
    await expect(resRequest(nc, `${subject.slice(0, subject.lastIndexOf('.'))}.999999`, { query: 'q=a' }, 300)).rejects.toThrow(/no reply/);
  });

  it('a query callback returning null makes Resgate drop the query resource', async () => {
    // notFound for a query: the query resource no longer exists and subscribers are unsubscribed.
    const search = defineResource({
      pattern: 'search',
      kind: 'collection',
      access: open,
      query: searchQuery,
      get: ({ query }) => collection(filter(['ab'], query)),
    });
    const ops = defineResource({
      pattern: 'ops',
      access: open,
      calls: {
        gone: {
          params: null,
          handler: ({ service }) =>
            service.with(service.rid('search', {}), (r) => {
              r.queryEvent(() => null);
            }),
        },
      },
    });
    const service = await startService([search, ops]);
    const live = await liveCollection(`${service.name}.search?q=a`);
    let unsubscribed = false;
    live.on('unsubscribe', () => {
      unsubscribed = true;
    });
    const client = await openClient();
    await client.call(`${service.name}.ops`, 'gone');
    await waitFor(() => unsubscribed, 'the query resource to be dropped');
  });
});
