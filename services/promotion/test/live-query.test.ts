// The live promotion search: by customer, product, active-on-date and kind; an open query
// follows creates, window changes and deletes; bad query values are refused.
import { describe, expect, it } from 'vitest';
import { isCollection, waitFor, type ResCollection } from '@hub/testkit';
import { create, newCustomer, newProduct, promotionInput, ridOf, startDomain, writerClient, writerHttp } from './helpers.ts';

async function restNames(path: string): Promise<string[] | undefined> {
  return (await writerHttp<{ model: { name: string } }[]>(path)).body?.map((p) => p.model.name);
}

function names(list: ResCollection): unknown[] {
  return list.toArray().map((p) => (p as { name: unknown }).name);
}

describe('promotion.promotions live query', () => {
  it('filters by customer, product, active-on-date and kind', async () => {
    const d = await startDomain();
    const [p1, p2, c1, c2] = await Promise.all([newProduct(d), newProduct(d), newCustomer(d), newCustomer(d)]);
    const at = (from: string, to: string) => ({ validFrom: `${from}T00:00:00Z`, validTo: `${to}T00:00:00Z` });
    for (const [name, product, customer, o] of [
      ['A', p1, c1, { ...at('2026-12-01', '2026-12-24'), kind: 'percent', value: 5 }],
      ['B', p1, c2, { ...at('2026-12-24', '2027-01-01'), kind: 'amount', value: 300 }],
      ['C', p2, c1, { ...at('2026-11-01', '2027-02-01'), kind: 'amount', value: 100 }],
    ] as const) {
      await create(d.name, 'promotions', promotionInput(product, customer, { name, ...o }));
    }
    const get = (q: string) => restNames(`/api/${d.name}/promotions?${q}`);
    expect(await get('')).toEqual(['A', 'B', 'C']);
    expect(await get(`customer=${c1}`)).toEqual(['A', 'C']);
    expect(await get(`customer=${encodeURIComponent(`${d.customer.name}.customer.${c2}`)}`)).toEqual(['B']); // a RID works too
    expect(await get(`product=${p1}`)).toEqual(['A', 'B']);
    expect(await get('activeOn=2026-12-10T12:00:00Z')).toEqual(['A', 'C']);
    expect(await get('activeOn=2026-12-24T00:00:00Z')).toEqual(['B', 'C']); // from inclusive, to exclusive
    expect(await get('activeOn=2027-01-15T00:00:00%2B01:00')).toEqual(['C']);
    expect(await get(`kind=amount&product=${p1}`)).toEqual(['B']);
    expect(await get('sort=-validFrom&limit=2')).toEqual(['B', 'A']);
    const client = await writerClient();
    for (const bad of ['kind=gift', 'activeOn=tomorrow', 'customer=abc', 'product=', 'sort=value']) {
      await expect(client.get(`${d.name}.promotions?${bad}`), bad).rejects.toMatchObject({ code: 'system.invalidQuery' });
    }
  });

  it("an open 'active on a date' query for one product follows creates, window changes and deletes", async () => {
    const d = await startDomain();
    const [product, other, customer] = await Promise.all([newProduct(d), newProduct(d), newCustomer(d)]);
    const client = await writerClient();
    const list = await client.get(`${d.name}.promotions?product=${product}&activeOn=2026-12-15T00:00:00Z`);
    if (!isCollection(list)) throw new Error('not a collection');
    expect(names(list)).toEqual([]);
    const add = async (name: string, p: string) =>
      ridOf(await client.call(`${d.name}.promotions`, 'create', promotionInput(p, customer, { name })));
    const b = await add('B', product);
    await add('X', other); // another product: never in the result
    await waitFor(() => names(list).join() === 'B', 'B to enter');
    const a = await add('A', product);
    await waitFor(() => names(list).join() === 'A,B', 'A to enter first');
    await client.call(b, 'set', { validFrom: '2026-12-20T00:00:00Z' }); // not active on the 15th any more
    await waitFor(() => names(list).join() === 'A', 'B to leave');
    await client.call(b, 'set', { product: other });
    await client.call(b, 'set', { validFrom: '2026-12-01T00:00:00Z' }); // active again, but for the other product
    await client.call(a, 'delete');
    await waitFor(() => names(list).length === 0, 'A to leave');
    expect(await restNames(`/api/${d.name}/promotions?product=${product}&activeOn=2026-12-15T00:00:00Z`)).toEqual([]);
    expect(await restNames(`/api/${d.name}/promotions?product=${other}&activeOn=2026-12-15T00:00:00Z`)).toEqual(['B', 'X']);
  });
});
