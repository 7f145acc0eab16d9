// Customer CRUD through Resgate, over WebSocket (resclient) and REST, against real Postgres/Redis.
import { describe, expect, it } from 'vitest';
import { nextEvent, scopeSql, waitFor } from '@hub/testkit';
import { idFromLocation, startCustomer, writerClient, writerHttp } from './helpers.ts';

describe('customer CRUD', () => {
  it('creates, reads, updates and deletes a customer over WebSocket', async () => {
    // Intent: the model's whole life through resclient: create answers the new resource,
    // set sends only the changed fields, delete unsubscribes.
    const { scope } = await startCustomer();
    const client = await writerClient();
    const created = (await client.call(`${scope.name}.customers`, 'create', {
      name: 'Ada Lovelace',
      email: 'Ada@Example.com',
      company: 'Analytical',
      tags: ['vip', 'vip', 'math'],
    })) as { getResourceId(): string } & Record<string, unknown>;
    const rid = created.getResourceId();
    expect(rid).toMatch(new RegExp(`^${scope.name}\\.customer\\.\\d+$`));
    const c = await client.get(rid);
    expect(c.toJSON()).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      company: 'Analytical',
      tags: ['vip', 'math'],
      active: true,
      version: 1,
    });

    const changed = nextEvent<Record<string, unknown>>(c, 'change');
    await client.call(rid, 'set', { company: 'Difference Engines', phone: '+44 1' });
    expect(Object.keys(await changed).sort()).toEqual(['company', 'phone', 'updatedAt', 'version']);
    expect(c.toJSON()).toMatchObject({ company: 'Difference Engines', phone: '+44 1', version: 2 });

    await client.call(rid, 'delete');
    const id = rid.slice(rid.lastIndexOf('.') + 1);
    expect(await scopeSql(scope, 'SELECT id FROM customers WHERE id = $1', [id])).toEqual([]);
    await expect(client.get(rid)).rejects.toMatchObject({ code: 'system.notFound' });
  });

  it('creates, reads, patches and deletes a customer over REST', async () => {
    // Intent: POST → create (Location of the new customer), GET, PATCH → set, DELETE → delete.
    const { scope } = await startCustomer();
    const post = await writerHttp(`/api/${scope.name}/customers/create`, {
      method: 'POST',
      json: { name: 'Grace Hopper', email: 'grace@navy.mil' },
    });
    expect(post.status).toBe(200);
    const id = idFromLocation(post.headers.get('location'));
    const path = `/api/${scope.name}/customer/${id}`;
    expect((await writerHttp(path)).body).toMatchObject({ id, name: 'Grace Hopper', company: '', active: true, version: 1 });

    expect((await writerHttp(path, { method: 'PATCH', json: { active: false } })).status).toBe(204);
    await waitFor(async () => (await writerHttp<{ active: boolean }>(path)).body?.active === false, 'the patch to be readable');
    expect(await scopeSql(scope, 'SELECT active, version FROM customers WHERE id = $1', [id])).toEqual([{ active: false, version: 2 }]);

    expect((await writerHttp(path, { method: 'DELETE' })).status).toBe(204);
    await waitFor(async () => (await writerHttp(path)).status === 404, 'the deleted customer to be gone');
  });
});
