// Promotion CRUD through Resgate (WebSocket and REST) with its real dependencies: the product and
// customer are RES references, so a subscribed client sees them — and their changes — live.
import { describe, expect, it } from 'vitest';
import { nextEvent, scopeSql, waitFor, type ResModel } from '@hub/testkit';
import { create, newCustomer, newProduct, promotionInput, ridOf, startDomain, writerClient, writerHttp } from './helpers.ts';

describe('promotion CRUD', () => {
  it('creates, reads, updates and deletes a promotion over WebSocket; its product and customer come along', async () => {
    const d = await startDomain();
    const [product, customer] = await Promise.all([newProduct(d, { name: 'Lamp' }), newCustomer(d, { name: 'Ada' })]);
    const client = await writerClient();
    const rid = ridOf(await client.call(`${d.name}.promotions`, 'create', promotionInput(product, customer)));
    expect(rid).toMatch(new RegExp(`^${d.name}\\.promotion\\.\\d+$`));
    const p = (await client.get(rid)) as ResModel;
    expect(p.toJSON()).toMatchObject({ name: 'Winter sale', kind: 'percent', value: 10, orphaned: false, version: 1 });
    expect(p.validFrom).toBe('2026-12-01T00:00:00.000Z');
    expect(ridOf(p.product)).toBe(`${d.product.name}.product.${product}`);
    expect((p.product as ResModel).name).toBe('Lamp');
    expect((p.customer as ResModel).name).toBe('Ada');

    const changed = nextEvent<Record<string, unknown>>(p, 'change');
    await client.call(rid, 'set', { kind: 'amount', value: 500 });
    expect(Object.keys(await changed).sort()).toEqual(['kind', 'updatedAt', 'value', 'version']);
    expect(p.toJSON()).toMatchObject({ kind: 'amount', value: 500, version: 2 });

    await client.call(rid, 'delete');
    expect(await scopeSql(d.promotion, 'SELECT id FROM promotions')).toEqual([]);
    await expect(client.get(rid)).rejects.toMatchObject({ code: 'system.notFound' });
  });

  it("a subscribed promotion shows its product's new price at once", async () => {
    // Intent: the reference is live: a product change reaches the promotion's subscriber
    // through the product's own change event, without the promotion changing.
    const d = await startDomain();
    const [product, customer] = await Promise.all([newProduct(d, { price: 2500 }), newCustomer(d)]);
    const client = await writerClient();
    const p = (await client.get(
      `${d.name}.promotion.${await create(d.name, 'promotions', promotionInput(product, customer))}`,
    )) as ResModel;
    const lamp = p.product as ResModel;
    expect(lamp.price).toBe(2500);
    expect((await writerHttp(`/api/${d.product.name}/product/${product}`, { method: 'PATCH', json: { price: 1999 } })).status).toBe(204);
    await waitFor(() => (p.product as ResModel).price === 1999, "the promotion's product to show the new price");
    expect(p.version).toBe(1);
  });

  it('creates, reads, patches and deletes a promotion over REST', async () => {
    const d = await startDomain();
    const [product, customer] = await Promise.all([newProduct(d), newCustomer(d)]);
    const id = await create(d.name, 'promotions', promotionInput(`${d.product.name}.product.${product}`, customer)); // a full RID works too
    const path = `/api/${d.name}/promotion/${id}`;
    const got = await writerHttp<Record<string, unknown>>(path);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, name: 'Winter sale', orphaned: false });
    expect(JSON.stringify(got.body?.product)).toContain(`"sku"`); // the referenced product, inlined by Resgate
    expect((await writerHttp(path, { method: 'PATCH', json: { name: 'Spring sale' } })).status).toBe(204);
    expect(await scopeSql(d.promotion, 'SELECT name, product::text FROM promotions')).toEqual([{ name: 'Spring sale', product }]);
    expect((await writerHttp(path, { method: 'DELETE' })).status).toBe(204);
    await waitFor(async () => (await writerHttp(path)).status === 404, 'the deleted promotion to be gone');
  });
});
