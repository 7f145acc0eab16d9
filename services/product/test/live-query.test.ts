// The live product search: an open query updates in order as products are created, repriced and
// deleted; each parameter does what it says; query strings are normalised and strictly validated.
import { describe, expect, it } from 'vitest';
import { connectNats, isCollection, waitFor, type ResCollection } from '@hub/testkit';
import { productInput, ridOf, startProduct, writerClient, writerHttp } from './helpers.ts';

/** Names in a collection fetched over REST (Resgate inlines each referenced model). */
async function restNames(path: string): Promise<string[] | undefined> {
  return (await writerHttp<{ model: { name: string } }[]>(path)).body?.map((p) => p.model.name);
}

function names(list: ResCollection): unknown[] {
  return list.toArray().map((p) => (p as { name: unknown }).name);
}

describe('product.products live query', () => {
  it('an open price-range search sees products enter, move and leave as they are created, repriced and deleted', async () => {
    // Intent: minPrice/maxPrice with sort=price stays equal to the database's answer after each
    // mutation, including a reprice that moves a product within the result and one out of it.
    const { scope } = await startProduct();
    const client = await writerClient();
    const create = async (name: string, price: number) =>
      ridOf(await client.call(`${scope.name}.products`, 'create', productInput({ name, price })));
    const b = await create('B', 500);
    await create('Cheap', 10); // never in range
    const list = await client.get(`${scope.name}.products?minPrice=100&maxPrice=1000&sort=price`);
    if (!isCollection(list)) throw new Error('not a collection');
    expect(names(list)).toEqual(['B']);
    const a = await create('A', 100); // the inclusive lower bound
    await waitFor(() => names(list).join() === 'A,B', 'A to enter first');
    await create('C', 1000); // the inclusive upper bound
    await waitFor(() => names(list).join() === 'A,B,C', 'C to enter last');
    await client.call(a, 'set', { price: 999 }); // moves within the result
    await waitFor(() => names(list).join() === 'B,A,C', 'A to move after B');
    await client.call(b, 'set', { price: 1001 }); // leaves it
    await waitFor(() => names(list).join() === 'A,C', 'B to leave');
    await client.call(a, 'delete');
    await waitFor(() => names(list).join() === 'C', 'A to leave');
    expect(await restNames(`/api/${scope.name}/products?minPrice=100&maxPrice=1000&sort=price`)).toEqual(['C']);
  });

  it('searches text over SKU, name and description; filters by tag and active; sorts; pages', async () => {
    const { scope } = await startProduct();
    for (const [name, sku, description, price, tags, active] of [
      ['Anvil', 'ACME-1', 'heavy iron', 300, ['tools'], true],
      ['Brush', 'BR-2', 'soft', 100, ['paint', 'tools'], false],
      ['Canvas', 'CV-3', 'for acme painters', 200, ['paint'], true],
    ] as const) {
      await writerHttp(`/api/${scope.name}/products/create`, {
        method: 'POST',
        json: productInput({ name, sku, description, price, tags, active }),
      });
    }
    const get = (q: string) => restNames(`/api/${scope.name}/products?${q}`);
    expect(await get('')).toEqual(['Anvil', 'Brush', 'Canvas']);
    expect(await get('q=acme')).toEqual(['Anvil', 'Canvas']); // SKU and description
    expect(await get('q=br-2')).toEqual(['Brush']);
    expect(await get('q=iron')).toEqual(['Anvil']);
    expect(await get('sort=-price')).toEqual(['Anvil', 'Canvas', 'Brush']);
    expect(await get('sort=price&limit=2&offset=1')).toEqual(['Canvas', 'Anvil']);
    expect(await get('sort=-createdAt&limit=1')).toEqual(['Canvas']);
    expect(await get('tag=tools')).toEqual(['Anvil', 'Brush']);
    expect(await get('tag=paint&active=true')).toEqual(['Canvas']);
    expect(await get('maxPrice=200&sort=-name')).toEqual(['Canvas', 'Brush']);
  });

  it('equal sort keys are ordered by id as a number (10 after 9), both ways', async () => {
    // Intent: the tie-breaker is the id column itself, not its text.
    const { scope } = await startProduct();
    for (let i = 0; i < 11; i++)
      await writerHttp(`/api/${scope.name}/products/create`, { method: 'POST', json: productInput({ name: 'Same' }) });
    const ids = async (q: string) =>
      (await writerHttp<{ model: { id: string } }[]>(`/api/${scope.name}/products?${q}`)).body?.map((p) => p.model.id);
    const numeric = Array.from({ length: 11 }, (_, i) => String(i + 1));
    expect(await ids('sort=name')).toEqual(numeric);
    expect(await ids('sort=-name')).toEqual([...numeric].reverse());
  });

  it('equal queries normalise to one query resource; unknown or bad parameters are invalid', async () => {
    const { scope } = await startProduct();
    const nc = await connectNats();
    const normal = async (raw: string) =>
      (await nc.request(`get.${scope.name}.products`, JSON.stringify({ query: raw }), { timeout: 5000 })).json<{
        result: { query: string };
      }>().result.query;
    expect(await normal('maxPrice=500&minPrice=100&q=Anvil')).toBe('limit=25&maxPrice=500&minPrice=100&offset=0&q=anvil&sort=name');
    expect(await normal('')).toBe('limit=25&offset=0&sort=name');
    const client = await writerClient();
    for (const bad of [
      'minPrice=abc',
      'minPrice=1.5',
      'maxPrice=',
      'sort=sku',
      'sort=price;DROP',
      'active=1',
      'currency=EUR',
      'limit=101',
    ]) {
      await expect(client.get(`${scope.name}.products?${bad}`), bad).rejects.toMatchObject({ code: 'system.invalidQuery' });
    }
  });
});
