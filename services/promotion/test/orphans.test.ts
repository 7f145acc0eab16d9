// Orphans: deleting a product or a customer marks every promotion referring to it `orphaned`,
// from the audit stream — with two promotion instances, each write made by the promotion's
// owner (the consumer's event reaches one instance; the rest go through the internal call).
import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { accessToken, cleanup, connectNats, openClient, scopeSql, waitFor, type ResModel } from '@hub/testkit';
import { AUDIT_STREAM } from '@hub/store';
import type { HubService } from '@hub/service';
import { create, newCustomer, newProduct, promotionInput, startDomain, writerHttp } from './helpers.ts';

/** The promotion instances of the domain (after customer and product). */
function owners(services: HubService<object>[]): HubService<object>[] {
  return services.slice(2);
}

describe('orphaned promotions', () => {
  it(
    'two instances: deleting a product orphans its promotions on both owners; subscribers see it; re-pointing clears it',
    { timeout: 60_000 },
    async () => {
      const d = await startDomain({ instances: 2 });
      const [a, b] = owners(d.services);
      if (a?.ownership === undefined || b?.ownership === undefined) throw new Error('two instances with ownership');
      await waitFor(
        () =>
          a.ownership?.held.length !== 0 &&
          b.ownership?.held.length !== 0 &&
          (a.ownership?.held.length ?? 0) + (b.ownership?.held.length ?? 0) === a.ownership?.partitions,
        'the partitions to split',
      );
      const [doomed, kept, customer] = await Promise.all([newProduct(d), newProduct(d), newCustomer(d)]);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(await create(d.name, 'promotions', promotionInput(doomed, customer, { name: `p${String(i)}` })));
      const other = await create(d.name, 'promotions', promotionInput(kept, customer, { name: 'other' }));
      const rid = (id: string) => `${d.name}.promotion.${id}`;
      // The promotions are owned by both instances, so one instance's consumer must reach the other's owner.
      const ownedByA = ids.filter((id) => a.ownership?.held.includes(a.ownership.partitionOf(rid(id))));
      expect(ownedByA.length).toBeGreaterThan(0);
      expect(ownedByA.length).toBeLessThan(ids.length);

      const client = await openClient({ token: await accessToken('writer') });
      const models = (await Promise.all(ids.map((id) => client.get(rid(id))))) as ResModel[];
      expect((await writerHttp(`/api/${d.product.name}/product/${doomed}`, { method: 'DELETE' })).status).toBe(204);
      await waitFor(() => models.every((m) => m.orphaned === true), 'every subscriber to see its promotion orphaned', 10_000);
      const rows = await scopeSql<{ id: string; orphaned: boolean; version: number }>(
        d.promotion,
        'SELECT id::text, orphaned, version FROM promotions ORDER BY promotions.id',
      );
      expect(rows.filter((r) => r.orphaned).map((r) => r.id)).toEqual(ids);
      expect(rows.find((r) => r.id === other)).toMatchObject({ orphaned: false, version: 1 });
      expect(rows.every((r) => r.version === (r.id === other ? 1 : 2))).toBe(true); // each marked once

      // Pointing one at an existing product again clears the mark.
      const first = ids[0] ?? '';
      expect((await writerHttp(`/api/${d.name}/promotion/${first}`, { method: 'PATCH', json: { product: kept } })).status).toBe(204);
      await waitFor(() => models[0]?.orphaned === false, 'the re-pointed promotion to be whole again');
    },
  );

  it('deleting a customer orphans its promotions, and only those', async () => {
    const d = await startDomain();
    const [product, gone, stays] = await Promise.all([newProduct(d), newCustomer(d), newCustomer(d)]);
    const lost = await create(d.name, 'promotions', promotionInput(product, gone));
    await create(d.name, 'promotions', promotionInput(product, stays));
    expect((await writerHttp(`/api/${d.customer.name}/customer/${gone}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor(
      async () => (await scopeSql(d.promotion, 'SELECT id FROM promotions WHERE orphaned')).length === 1,
      'the promotion to be orphaned',
    );
    expect(await scopeSql(d.promotion, 'SELECT id::text FROM promotions WHERE orphaned')).toEqual([{ id: lost }]);
    // Served as such.
    expect((await writerHttp<{ orphaned: boolean }>(`/api/${d.name}/promotion/${lost}`)).body).toMatchObject({ orphaned: true });
  });

  it(
    "a product deleted between a create's reference check and its commit: the promotion still ends orphaned",
    { timeout: 60_000 },
    async () => {
      // Intent: the window the create's own check cannot close. The test holds a lock that keeps the
      // insert waiting after its check passed, deletes the product, lets the deletion's event be
      // handled (it finds no promotion yet), then lets the insert commit. The re-check after the
      // commit (from the promotion's own create event) must mark it.
      const d = await startDomain();
      const [product, customer] = await Promise.all([newProduct(d), newCustomer(d)]);
      const lock = new pg.Client({ connectionString: d.promotion.databaseUrl, options: `-c search_path=${d.promotion.schema}` });
      await lock.connect();
      cleanup(lock, (c) => c.end());
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE promotions IN EXCLUSIVE MODE'); // writes wait, reads do not
      const nc = await connectNats();
      const token = { sub: 'race', username: 'race', roles: ['promotion:write'], exp: Math.floor(Date.now() / 1000) + 600, sid: null };
      const created = nc.request(`call.${d.name}.promotions.create`, JSON.stringify({ params: promotionInput(product, customer), token }), {
        timeout: 20_000,
      });
      await waitFor(
        async () =>
          (await lock.query(`SELECT 1 FROM pg_locks WHERE relation = '${d.promotion.schema}.promotions'::regclass AND NOT granted`))
            .rowCount === 1,
        'the insert to wait (its reference check passed)',
      );
      expect((await writerHttp(`/api/${d.product.name}/product/${product}`, { method: 'DELETE' })).status).toBe(204);
      const jsm = await jetstreamManager(nc);
      await waitFor(async () => {
        const c = await jsm.consumers.info(AUDIT_STREAM, `${d.name}-orphans`);
        return (
          c.delivered.stream_seq > 0 && c.num_pending === 0 && c.num_ack_pending === 0 && c.ack_floor.stream_seq === c.delivered.stream_seq
        );
      }, 'the deletion event to be handled (finding nothing to mark)');
      expect(await scopeSql(d.promotion, 'SELECT count(*)::int AS n FROM promotions')).toEqual([{ n: 0 }]);
      await lock.query('COMMIT');
      expect((await created).json()).toMatchObject({ resource: { rid: `${d.name}.promotion.1` } });
      await waitFor(
        async () => (await scopeSql(d.promotion, 'SELECT id FROM promotions WHERE orphaned')).length === 1,
        'the late promotion to be orphaned',
      );
    },
  );
});
