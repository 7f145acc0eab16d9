// Table-backed resources send every event a commit implies, in order, before the reply — proven
// as a conversation: the test plays Resgate and sees each message the service sends, in order.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ResError, z } from '@hub/res';
import { defineService } from '@hub/service';
import { bool, defineTable, liveSearch } from '@hub/store';
import { conversation, scopeSql, startHub } from '@hub/testkit';

const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const TOKEN = { sub: 'u1' };

const items = defineTable({
  table: 'items',
  model: 'item.$id',
  fields: {
    name: z.string().min(1),
    email: z.email(),
    tags: z.array(z.string()).default([]),
    active: z.boolean().default(true),
  },
  hooks: {
    // A domain rule the schema cannot state; and a derived field.
    create: (input) => {
      if (input.name === 'forbidden') throw new ResError('items.refused', 'That name is not allowed');
      return { ...input, tags: [...input.tags, 'new'] };
    },
    update: (patch, current) => {
      if (patch.email !== undefined && current.name === 'locked') throw new ResError('items.locked', 'Locked');
      return patch;
    },
  },
});
const search = liveSearch(items, {
  pattern: 'items',
  text: { column: 'search', fields: ['name', 'email'] },
  filters: { active: bool('active') },
  sort: { fields: ['name', 'createdAt'], default: 'name' },
  create: true,
});
const itemService = defineService({ name: 'items', data: { migrations, cache: true }, resources: [items, search] });

async function started() {
  const { service, scope } = await startHub(itemService);
  const c = await conversation(service.name);
  const name = service.name;
  const create = async (body: { name: string; email: string }): Promise<string> => {
    const req = c.call(`${name}.items`, 'create', body, { token: TOKEN });
    await c.expectEvent(`${name}.item.${String(++created)}`, 'create');
    await c.expectEvent(`${name}.items`, 'query');
    const rid = `${name}.item.${String(created)}`;
    await c.expectResource(req, rid);
    return rid;
  };
  let created = 0;
  return { c, name, scope, create };
}

describe('table-backed resources', () => {
  it("create: the model's create event, then a query event on the search, then the resource response", async () => {
    // Intent: the whole sequence and nothing else; the hook derived a tag.
    const { c, name, scope, create } = await started();
    const rid = await create({ name: 'Ada', email: 'ada@t.test' });
    await c.expectNothing();
    expect(await scopeSql(scope, 'SELECT name, tags FROM items')).toEqual([{ name: 'Ada', tags: ['new'] }]);
    expect(rid).toBe(`${name}.item.1`);
  });

  it('set: a change event with only the changed fields, a query event only when a search reads them, then the reply', async () => {
    const { c, name, create } = await started();
    const rid = await create({ name: 'Ada', email: 'ada@t.test' });
    // `tags` is read by no search: change event, no query event.
    const tags = c.call(rid, 'set', { tags: ['x'] }, { token: TOKEN });
    await c.expectEvent(rid, 'change', (p: { values: Record<string, unknown> }) => {
      expect(Object.keys(p.values).sort()).toEqual(['tags', 'updatedAt', 'version']);
      expect(p.values.tags).toEqual({ data: ['x'] });
      expect(p.values.version).toBe(2);
    });
    await c.expectResult(tags, null);
    // `name` is searched and sorted: change event, then the query event.
    const rename = c.call(rid, 'set', { name: 'Bea' }, { token: TOKEN });
    await c.expectEvent(rid, 'change', (p: { values: Record<string, unknown> }) => {
      expect(p.values.name).toBe('Bea');
    });
    await c.expectEvent(`${name}.items`, 'query');
    await c.expectResult(rename, null);
    // Nothing to change: no event at all.
    const same = c.call(rid, 'set', { name: 'Bea' }, { token: TOKEN });
    await c.expectResult(same, null);
    await c.expectNothing();
  });

  it('delete: the delete event, a query event, then the reply; the model is gone', async () => {
    const { c, name, create } = await started();
    const rid = await create({ name: 'Ada', email: 'ada@t.test' });
    const del = c.call(rid, 'delete', undefined, { token: TOKEN });
    await c.expectEvent(rid, 'delete');
    await c.expectEvent(`${name}.items`, 'query');
    await c.expectResult(del, null);
    await c.expectError(c.get(rid), 'system.notFound');
    await c.expectError(c.call(rid, 'delete', undefined, { token: TOKEN }), 'system.notFound');
  });

  it('a stale version is a conflict (409 over HTTP) and changes nothing', async () => {
    const { c, name, scope, create } = await started();
    const rid = await create({ name: 'Ada', email: 'ada@t.test' });
    const stale = c.call(rid, 'set', { name: 'X', version: 7 }, { token: TOKEN, isHttp: true });
    const m = await c.expectError(stale, `${name}.versionConflict`);
    expect((m.payload as { meta?: { status?: number } }).meta?.status).toBe(409);
    await c.expectNothing();
    expect(await scopeSql(scope, 'SELECT name, version FROM items')).toEqual([{ name: 'Ada', version: 1 }]);
  });

  it('hooks refuse with a typed error and nothing is written or sent', async () => {
    const { c, name, scope, create } = await started();
    await c.expectError(c.call(`${name}.items`, 'create', { name: 'forbidden', email: 'f@t.test' }, { token: TOKEN }), 'items.refused');
    const rid = await create({ name: 'locked', email: 'l@t.test' });
    await c.expectError(c.call(rid, 'set', { email: 'new@t.test' }, { token: TOKEN }), 'items.locked');
    await c.expectNothing();
    expect(await scopeSql(scope, 'SELECT name, email FROM items')).toEqual([{ name: 'locked', email: 'l@t.test' }]);
  });

  it('a query request is answered with no events when the commit cannot change that query, else with the full result', async () => {
    // Intent: Resgate asks once per cached query; `active=false` cannot see an active item.
    const { c, name, create } = await started();
    await create({ name: 'Ada', email: 'ada@t.test' });
    const rename = c.call(`${name}.item.1`, 'set', { name: 'Abe' }, { token: TOKEN });
    await c.expectEvent(`${name}.item.1`, 'change');
    const q = await c.expectEvent(`${name}.items`, 'query');
    await c.expectResult(rename, null);
    const inbox = (q.payload as { subject: string }).subject;
    await c.expectResult(c.query(inbox, 'active=false&limit=25&offset=0&sort=name'), { events: [] });
    await c.expectResult(c.query(inbox, 'limit=25&offset=0&q=abe&sort=name'), { collection: [{ rid: `${name}.item.1` }] });
    await c.expectResult(c.query(inbox, 'limit=25&offset=0&q=ada&sort=name'), { collection: [] });
  });

  it('the model carries the system fields and the declared ones, served as RES values', async () => {
    const { c, create } = await started();
    const rid = await create({ name: 'Ada', email: 'ada@t.test' });
    await c.expectResult(c.get(rid), (r: { model: Record<string, unknown> }) => {
      expect(Object.keys(r.model).sort()).toEqual(['active', 'createdAt', 'email', 'id', 'name', 'tags', 'updatedAt', 'version']);
      expect(r.model).toMatchObject({ id: '1', version: 1, tags: { data: ['new'] }, active: true });
      expect(r.model.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });
  });
});
