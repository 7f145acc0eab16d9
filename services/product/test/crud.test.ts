// Product CRUD through Resgate, over WebSocket (resclient) and REST, against real Postgres/Redis;
// and bad input: each refusal names its field, nothing is written.
import { describe, expect, it } from 'vitest';
import { nextEvent, scopeSql, waitFor } from '@hub/testkit';
import { createProduct, failure, productInput, ridOf, startProduct, writerClient, writerHttp } from './helpers.ts';

describe('product CRUD', () => {
  it('creates, reads, updates and deletes a product over WebSocket', async () => {
    // Intent: the model's whole life through resclient; the SKU and currency are normalised,
    // set sends only the changed fields, delete unsubscribes.
    const { scope } = await startProduct();
    const client = await writerClient();
    const rid = ridOf(
      await client.call(`${scope.name}.products`, 'create', {
        sku: 'kb-101',
        name: 'Keyboard',
        price: 4999,
        currency: 'eur',
        tags: ['desk', 'desk', 'input'],
        validFrom: '2026-01-01T00:00:00+01:00',
      }),
    );
    expect(rid).toMatch(new RegExp(`^${scope.name}\\.product\\.\\d+$`));
    const p = await client.get(rid);
    expect(p.toJSON()).toMatchObject({
      sku: 'KB-101',
      name: 'Keyboard',
      description: '',
      price: 4999,
      currency: 'EUR',
      active: true,
      tags: ['desk', 'input'],
      validFrom: '2025-12-31T23:00:00.000Z',
      validTo: null,
      version: 1,
    });

    const changed = nextEvent<Record<string, unknown>>(p, 'change');
    await client.call(rid, 'set', { price: 3999, description: 'Clicky' });
    expect(Object.keys(await changed).sort()).toEqual(['description', 'price', 'updatedAt', 'version']);
    expect(p.toJSON()).toMatchObject({ price: 3999, description: 'Clicky', version: 2 });

    await client.call(rid, 'delete');
    expect(await scopeSql(scope, 'SELECT id FROM products')).toEqual([]);
    await expect(client.get(rid)).rejects.toMatchObject({ code: 'system.notFound' });
  });

  it('creates, reads, patches and deletes a product over REST', async () => {
    // Intent: POST → create (Location), GET, PATCH → set, DELETE → delete.
    const { scope } = await startProduct();
    const id = await createProduct(scope.name, { sku: 'MUG-1', name: 'Mug', price: 850, currency: 'GBP' });
    const path = `/api/${scope.name}/product/${id}`;
    expect((await writerHttp(path)).body).toMatchObject({ id, sku: 'MUG-1', price: 850, currency: 'GBP', active: true, version: 1 });
    expect((await writerHttp(path, { method: 'PATCH', json: { active: false } })).status).toBe(204);
    await waitFor(async () => (await writerHttp<{ active: boolean }>(path)).body?.active === false, 'the patch to be readable');
    expect((await writerHttp(path, { method: 'DELETE' })).status).toBe(204);
    await waitFor(async () => (await writerHttp(path)).status === 404, 'the deleted product to be gone');
  });
});

describe('product validation', () => {
  it('a duplicate SKU, a bad price or currency, an empty window: system.invalidParams naming the field', async () => {
    // Intent: schema failures, the unique SKU (SQLSTATE 23505, case-folded) and the validity
    // window (a hook, also against the stored value on set) all name the field; nothing is written.
    const { scope } = await startProduct();
    const client = await writerClient();
    const products = `${scope.name}.products`;
    const rid = ridOf(await client.call(products, 'create', productInput({ sku: 'ONE', validTo: '2030-01-01T00:00:00Z' })));
    const cases: [string, string, unknown, string][] = [
      [products, 'create', productInput({ sku: 'one' }), 'sku'],
      [products, 'create', productInput({ sku: 'has space' }), 'sku'],
      [products, 'create', productInput({ price: 9.99 }), 'price'],
      [products, 'create', productInput({ price: -1 }), 'price'],
      [products, 'create', productInput({ currency: 'EURO' }), 'currency'],
      [products, 'create', productInput({ currency: 'ABC' }), 'currency'],
      [products, 'create', productInput({ validFrom: '2026-02-01T00:00:00Z', validTo: '2026-02-01T00:00:00Z' }), 'validTo'],
      [products, 'create', productInput({ validFrom: 'tomorrow' }), 'validFrom'],
      [rid, 'set', { validFrom: '2031-01-01T00:00:00Z' }, 'validTo'], // after the stored validTo
      [rid, 'set', { name: '' }, 'name'],
    ];
    for (const [target, method, params, field] of cases) {
      const err = await failure(client.call(target, method, params));
      expect(err, `${method} ${JSON.stringify(params)}`).toMatchObject({ code: 'system.invalidParams' });
      expect(
        err.data?.issues?.map((i) => i.path),
        JSON.stringify(params),
      ).toContain(field);
      expect(err.message).not.toMatch(/duplicate key|constraint|violates/i);
    }
    expect(await scopeSql(scope, 'SELECT sku, version FROM products')).toEqual([{ sku: 'ONE', version: 1 }]);
  });

  it('the database refuses an empty window too (CHECK), whatever writes it', async () => {
    // Intent: the rule holds below the service: a direct insert with from ≥ to fails.
    const { scope } = await startProduct();
    await expect(
      scopeSql(scope, "INSERT INTO products (sku, name, price, currency, valid_from, valid_to) VALUES ('X', 'x', 1, 'EUR', now(), now())"),
    ).rejects.toMatchObject({ code: '23514', constraint: 'valid_to' });
  });
});
