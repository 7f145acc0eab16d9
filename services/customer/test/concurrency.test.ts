// Concurrent writers on one customer: no lost update, and the database, the cache and every
// subscribed client end up identical.
import { describe, expect, it } from 'vitest';
import { connectNats, redisClient, scopeSql, waitFor, type ResModel } from '@hub/testkit';
import { customers } from '../src/resources/customer.ts';
import { ridOf, startCustomer, writerClient } from './helpers.ts';

const WRITES = 50;

describe('customer concurrency', () => {
  it('50 concurrent updates leave database, cache and every subscribed client identical', async () => {
    // Intent: each of 50 concurrent sets is applied exactly once (version 1 → 51), and what the
    // clients hold, what Redis holds and what Postgres holds is the same customer. Two instances
    // in one queue group, so transactions really race in Postgres (one instance alone would
    // serialise them in its per-resource queue).
    const { scope, service } = await startCustomer();
    await startCustomer({ scope });
    const live = service.data.table(customers);
    const clients = await Promise.all([writerClient(), writerClient(), writerClient()]);
    const [first] = clients;
    const rid = ridOf(await first.call(`${scope.name}.customers`, 'create', { name: 'Racy', email: 'racy@t.test' }));
    const id = rid.slice(rid.lastIndexOf('.') + 1);
    const models = (await Promise.all(clients.map((c) => c.get(rid)))) as ResModel[];

    await Promise.all(
      Array.from({ length: WRITES }, (_, i) =>
        (clients[i % clients.length] ?? first).call(
          rid,
          'set',
          i % 2 === 0 ? { phone: `p${String(i)}` } : { address: `a${String(i)}`, tags: [`t${String(i)}`] },
        ),
      ),
    );

    const [row] = await scopeSql(scope, `SELECT ${live.rows.jsonOf('customers')} AS e FROM customers WHERE id = $1`, [id]);
    if (!row) throw new Error('customer gone');
    const db = live.rows.entity(row.e as Record<string, unknown>);
    expect(db.version).toBe(WRITES + 1);
    const expected = JSON.parse(JSON.stringify(live.values(db))) as Record<string, unknown>;
    expected.tags = db.tags; // resclient unwraps data values
    for (const m of models) {
      await waitFor(() => m.version === db.version, 'every client to reach the last version');
      expect(m.toJSON()).toEqual(expected);
    }
    // The cache: a get straight to the service (Resgate has its own copy) fills Redis from the
    // database; what it stored is the committed customer.
    const nc = await connectNats();
    const reply = await nc.request(`get.${rid}`, '{}', { timeout: 5000 });
    expect(reply.json<{ result: { model: Record<string, unknown> } }>().result.model.version).toBe(db.version);
    const cached = await redisClient().get(`${scope.cachePrefix}:customer:${id}`);
    expect(JSON.parse(cached ?? 'null')).toEqual(db);
  });
});
