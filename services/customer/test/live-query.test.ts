// The live search collection: open queries update incrementally and in order as customers are
// created, renamed and deleted; query strings are normalised and strictly validated.
import { describe, expect, it } from 'vitest';
import { connectNats, isCollection, waitFor, type ResCollection } from '@hub/testkit';
import { ridOf, startCustomer, writerClient, writerHttp } from './helpers.ts';

/** Names in a collection fetched over REST: Resgate inlines each referenced model. */
async function restNames(path: string): Promise<string[] | undefined> {
  return (await writerHttp<{ model: { name: string } }[]>(path)).body?.map((c) => c.model.name);
}

/** The names in an open collection, in order (items are customer models). */
function names(list: ResCollection): unknown[] {
  return list.toArray().map((c) => (c as { name: unknown }).name);
}

describe('customer.customers live query', () => {
  it('an open search sees created, renamed and deleted customers enter and leave in order', async () => {
    // Intent: q=acme&limit=10 sorted by name stays equal to the database's answer after each
    // mutation, with add/remove events at the right index (not a reset).
    const { scope } = await startCustomer();
    const client = await writerClient();
    const call = (rid: string, method: string, params?: unknown) => client.call(rid, method, params);
    const create = async (name: string, company: string) =>
      ridOf(await call(`${scope.name}.customers`, 'create', { name, email: `${name.replace(/\W/g, '').toLowerCase()}@x.test`, company }));
    const beta = await create('Beta', 'Acme');
    await create('Zed', 'Other'); // never matches
    const list = await client.get(`${scope.name}.customers?q=acme&limit=10`);
    if (!isCollection(list)) throw new Error('not a collection');
    expect(names(list)).toEqual(['Beta']);
    const events: string[] = [];
    list.on('add', (e: { idx: number }) => {
      events.push(`add@${String(e.idx)}`);
    });
    list.on('remove', (e: { idx: number }) => {
      events.push(`remove@${String(e.idx)}`);
    });

    const alpha = await create('Alpha', 'ACME Inc');
    await waitFor(() => names(list).join() === 'Alpha,Beta', 'Alpha to enter before Beta');
    const gamma = await create('Gamma', 'acme');
    await waitFor(() => names(list).join() === 'Alpha,Beta,Gamma', 'Gamma to enter last');
    await call(alpha, 'set', { name: 'Omega' }); // moves from first to last
    await waitFor(() => names(list).join() === 'Beta,Gamma,Omega', 'the renamed customer to move');
    await call(beta, 'set', { company: 'Initech' }); // leaves the result
    await waitFor(() => names(list).join() === 'Gamma,Omega', 'Beta to leave');
    await call(gamma, 'delete');
    await waitFor(() => names(list).join() === 'Omega', 'Gamma to leave');
    // resclient updates the collection at once but emits its events on a later timer tick.
    await waitFor(() => events.length >= 6, 'the last remove event');
    expect(events).toEqual(['add@0', 'add@2', 'remove@0', 'add@2', 'remove@0', 'remove@0']);
    // And the plain (non-live) answer agrees.
    expect(await restNames(`/api/${scope.name}/customers?q=acme&limit=10`)).toEqual(['Omega']);
  });

  it('sorts, filters by tag and active, pages with limit and offset', async () => {
    // Intent: each query parameter does what it says, checked against a known set.
    const { scope } = await startCustomer();
    for (const [name, tags, active] of [
      ['A', ['x'], true],
      ['B', ['x', 'y'], false],
      ['C', ['y'], true],
      ['D', ['x'], true],
    ] as const) {
      await writerHttp(`/api/${scope.name}/customers/create`, { method: 'POST', json: { name, email: `${name}@t.test`, tags, active } });
    }
    const get = (q: string) => restNames(`/api/${scope.name}/customers?${q}`);
    expect(await get('')).toEqual(['A', 'B', 'C', 'D']);
    expect(await get('sort=-name')).toEqual(['D', 'C', 'B', 'A']);
    expect(await get('sort=-createdAt&limit=2')).toEqual(['D', 'C']);
    expect(await get('tag=x')).toEqual(['A', 'B', 'D']);
    expect(await get('tag=x&active=true&offset=1')).toEqual(['D']);
  });

  it('equal queries normalise to one query resource; unknown or bad parameters are invalid', async () => {
    // Intent: Resgate shares the cache for equal queries; the strict schema refuses the rest.
    const { scope } = await startCustomer();
    // The normal form is what the service answers a get with (Resgate keys its cache on it).
    const nc = await connectNats();
    const normal = async (raw: string) =>
      (await nc.request(`get.${scope.name}.customers`, JSON.stringify({ query: raw }), { timeout: 5000 })).json<{
        result: { query: string };
      }>().result.query;
    expect(await normal('limit=10&q=Acme')).toBe('limit=10&offset=0&q=acme&sort=name');
    expect(await normal('q=%20ACME%20&sort=name&offset=0&limit=10')).toBe(await normal('limit=10&q=Acme'));
    expect(await normal('')).toBe('limit=25&offset=0&sort=name');
    const client = await writerClient();
    for (const bad of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'sort=email',
      'sort=name;DROP',
      'active=yes',
      'foo=1',
      'limit=5&limit=6',
      'offset=-1',
    ]) {
      await expect(client.get(`${scope.name}.customers?${bad}`), bad).rejects.toMatchObject({ code: 'system.invalidQuery' });
    }
  });
});
