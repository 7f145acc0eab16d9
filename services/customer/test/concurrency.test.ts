// Concurrent writers on one customer: no lost update, and the database, the cache and every
// subscribed client end up identical.
import { describe, expect, it } from 'vitest';
import { connectNats, redisClient, scopeSql, waitFor, type ResModel } from '@hub/testkit';
import { fromRow, toValues } from '../src/model.ts';
import { ridOf, startCustomer, writerClient } from './helpers.ts';

const WRITES = 50;

describe('customer concurrency', () => {
  it('50 concurrent updates leave database, cache and every subscribed client identical', async () => {
    // Intent: each of 50 concurrent sets is applied exactly once (version 1 → 51), and what the
    // clients hold, what Redis holds and what Postgres holds is the same customer. Two instances
    // in one queue group, so transactions really race in Postgres (one instance alone would
    // serialise them in its per-resource queue).
    const { scope } = await startCustomer();
    await startCustomer({ scope });
    const clients = await Promise.all([writerClient(), writerClient(), writerClient()]);
    const [first] = clients;
    const rid = ridOf(await first.call(`${scope.name}.customers`, 'create', { name: 'Racy', email: 'racy@t.test' }));
    const id = rid.slice(rid.lastIndexOf('.') + 1);
    const models = (await Promise.all(clients.map((c) => c.get(rid)))) as ResModel[];

    await Promise.all(Array.from({ length: WRITES }, (_, i) =>
      (clients[i % clients.length] ?? first).call(rid, 'set', i % 2 === 0 ? { phone: `p${String(i)}` } : { address: `a${String(i)}`, tags: [`t${String(i)}`] })));

    const [row] = await scopeSql(scope, 'SELECT * FROM customers WHERE id = $1', [id]);
    if (!row) throw new Error('customer gone');
    const db = fromRow(row);
    expect(db.version).toBe(WRITES + 1);
    const expected = JSON.parse(JSON.stringify(toValues(db))) as Record<string, unknown>;
    expected.tags = db.tags; // resclient unwraps data values
    for (const m of models) {
      await waitFor(() => m.version === db.version, 'every client to reach the last version');
      expect(m.toJSON()).toEqual(expected);
    }
    // The cache: a get straight to the service (Resgate has its own copy) fills Redis from the
    // database; what it stored is the committed customer.
    const nc = await connectNats();
    const reply = await nc.request(`get.${rid}`, '{}', { timeout: 5000 });
    expect((reply.json<{ result: { model: Record<string, unknown> } }>()).result.model.version).toBe(db.version);
    const cached = await redisClient().get(`${scope.cachePrefix}:customer:${id}`);
    expect(JSON.parse(cached ?? 'null')).toEqual(db);
  });

  it('a change event from another instance that arrives late does not leave clients behind', async () => {
    // Intent: instance B commits v2 and its event straggles; this instance commits v3 on top.
    // Resgate applies v3, then B's stale v2 event: the trailing reset (this write followed
    // another writer) makes every gateway refetch, so clients end at v3.
    const { scope } = await startCustomer();
    const client = await writerClient();
    const rid = ridOf(await client.call(`${scope.name}.customers`, 'create', { name: 'Late', email: 'late@t.test' }));
    const id = rid.slice(rid.lastIndexOf('.') + 1);
    const m = (await client.get(rid)) as ResModel;
    await scopeSql(scope, "UPDATE customers SET address = 'b', version = version + 1 WHERE id = $1", [id]); // B's commit (v2)
    const nc = await connectNats();
    let resets = 0;
    nc.subscribe('system.reset', { callback: (_e, msg) => { if (msg.string().includes(`"${rid}"`)) resets++; } });
    await nc.flush();
    await client.call(rid, 'set', { phone: 'mine' }); // v3, on top of B's
    // B's event, late. Resgate applies it, or drops it while refetching after the first reset.
    nc.publish(`event.${rid}.change`, JSON.stringify({ values: { phone: '', address: 'b', version: 2 } }));
    await nc.flush();
    // Both resets (now and the repeat) have gone out; after the repeat's refetch the client holds v3.
    await waitFor(() => resets === 2, 'the reset and its repeat', 5000);
    await waitFor(() => m.version === 3 && m.phone === 'mine' && m.address === 'b', 'the client to be back at the committed state');
  });
});
