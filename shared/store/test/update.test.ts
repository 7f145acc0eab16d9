// Group commit of `update`: concurrent updates of the same columns run as one statement, and
// each still behaves as if it ran alone — its own before/after, version check and outbox event,
// and a failing update fails only itself.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from '@hub/res';
import { openStore, openTable, type Entity } from '@hub/store';
import { codecOf } from '../src/fields.ts';
import { cleanup, dataScope, scopeSql } from '@hub/testkit';

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));

interface Item extends Entity {
  readonly name: string;
  readonly email: string;
  readonly tags: string[];
  readonly updatedAt: string;
}
type ItemInput = Pick<Item, 'name' | 'email' | 'tags'>;
const fields = [codecOf('name', z.string()), codecOf('email', z.string()), codecOf('tags', z.array(z.string()))];

async function itemsTable() {
  const scope = dataScope('store');
  const store = cleanup(
    await openStore({ service: scope.name, schema: scope.schema, databaseUrl: scope.databaseUrl, migrations: MIGRATIONS }),
    (s) => s.close(),
  );
  const items = openTable<Item, ItemInput>(store, { table: 'items', resource: 'item', fields });
  const ids: string[] = []; // one by one: ids ascending in this order
  for (const n of ['a', 'b', 'c', 'd']) ids.push((await items.create({ name: n, email: `${n}@t.test`, tags: [] })).id);
  return { scope, items, ids };
}

describe('table update (group commit)', () => {
  it('concurrent updates commit in one transaction, each with its own result and event', async () => {
    // Intent: four updates started together share one statement (one transaction timestamp),
    // each returns its own before/after and bumps its version once, and the outbox holds one
    // update event per row, in id order.
    const { scope, items, ids } = await itemsTable();
    const out = await Promise.all(
      ids.map((id, i) => items.update(id, { name: `n${String(i)}`, tags: [`t${String(i)}`] }, { actor: `u${String(i)}` })),
    );
    expect(out.map((u) => [u?.before.name, u?.after.name, u?.after.tags, u?.after.version])).toEqual([
      ['a', 'n0', ['t0'], 2],
      ['b', 'n1', ['t1'], 2],
      ['c', 'n2', ['t2'], 2],
      ['d', 'n3', ['t3'], 2],
    ]);
    expect(new Set(out.map((u) => u?.after.updatedAt)).size).toBe(1); // now() of one transaction
    const events = await scopeSql<{ payload: { resourceId: string; actor: string; after: { name: string } } }>(
      scope,
      "SELECT payload FROM hub_outbox WHERE subject LIKE '%.update' ORDER BY seq",
    );
    expect(events.map((e) => [e.payload.resourceId, e.payload.actor, e.payload.after.name])).toEqual(
      ids.map((id, i) => [id, `u${String(i)}`, `n${String(i)}`]),
    );
  });

  it('a stale, a no-op and a missing update in one statement affect only themselves', async () => {
    // Intent: in one combined statement a stale expectedVersion is a versionConflict for b
    // alone, c's no-op writes nothing, an unknown id is undefined, and a commits with its event.
    const { scope, items, ids } = await itemsTable();
    const [a, b, c] = ids as [string, string, string];
    const results = await Promise.allSettled([
      items.update(a, { email: 'a2@t.test' }),
      items.update(b, { email: 'b2@t.test' }, { expectedVersion: 7 }),
      items.update(c, { email: 'c@t.test' }),
      items.update('999999', { email: 'x@t.test' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(results[0]).toMatchObject({
      value: { before: { email: 'a@t.test' }, after: { email: 'a2@t.test', version: 2 }, changed: { email: 'a2@t.test' } },
    });
    expect(results[1]).toMatchObject({ reason: { code: `${scope.name}.versionConflict`, data: { version: 1 } } });
    expect(results[2]).toMatchObject({ value: { changed: {}, after: { version: 1 } } });
    expect(results[3]).toMatchObject({ value: undefined });
    expect(await scopeSql(scope, 'SELECT email, version FROM items ORDER BY id')).toEqual([
      { email: 'a2@t.test', version: 2 },
      { email: 'b@t.test', version: 1 },
      { email: 'c@t.test', version: 1 },
      { email: 'd@t.test', version: 1 },
    ]);
    expect(await scopeSql(scope, "SELECT payload->>'resourceId' AS id FROM hub_outbox WHERE subject LIKE '%.update'")).toEqual([{ id: a }]);
  });

  it('an update that fails the combined statement fails alone; the others commit', async () => {
    // Intent: b taking d's email violates the unique constraint, so the statement commits
    // nothing; each update then reruns alone: b gets invalidParams, a and c commit.
    const { scope, items, ids } = await itemsTable();
    const [a, b, c] = ids as [string, string, string];
    const results = await Promise.allSettled([
      items.update(a, { email: 'a2@t.test' }),
      items.update(b, { email: 'd@t.test' }),
      items.update(c, { email: 'c2@t.test' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'system.invalidParams' } });
    expect(await scopeSql(scope, 'SELECT email, version FROM items ORDER BY id')).toEqual([
      { email: 'a2@t.test', version: 2 },
      { email: 'b@t.test', version: 1 },
      { email: 'c2@t.test', version: 2 },
      { email: 'd@t.test', version: 1 },
    ]);
    expect(await scopeSql(scope, "SELECT payload->>'resourceId' AS id FROM hub_outbox WHERE subject LIKE '%.update' ORDER BY 1")).toEqual([
      { id: a },
      { id: c },
    ]);
  });

  it('two updates of one row in one turn both apply, one after the other', async () => {
    // Intent: an id is never twice in one statement; the second update queues behind the row
    // lock and sees the first one's result as its before state.
    const { items, ids } = await itemsTable();
    const [a] = ids as [string];
    const [first, second] = await Promise.all([items.update(a, { name: 'x' }), items.update(a, { name: 'y' })]);
    const versions = [first?.after.version, second?.after.version].sort();
    expect(versions).toEqual([2, 3]);
    expect((await items.get(a))?.version).toBe(3);
  });
});
