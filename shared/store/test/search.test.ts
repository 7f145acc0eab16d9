// A live search compiled from its declaration: strict query schema, normal form, and the "can this
// commit change this result" predicate (here without text, so without SQL).
import { describe, expect, it } from 'vitest';
import { parseQueryString } from '@hub/res/internal';
import { bool, contains, during, gte, int, lte, type SearchQuery } from '@hub/store';
import { compileSearch } from '../src/search.ts';
import type { Db } from '../src/db.ts';

const search = compileSearch(
  {
    pattern: 'things',
    filters: {
      tag: contains('tags'),
      active: bool('active'),
      min: gte('price', int()),
      max: lte('price', int()),
      on: during('from', 'to'),
    },
    sort: { fields: ['name', 'price'], default: 'name' },
    limit: { default: 10, max: 50 },
  },
  (f) => f,
);

const parse = (raw: string) => search.schema.safeParse(parseQueryString(raw));
const q = (raw: string): SearchQuery => search.schema.parse(parseQueryString(raw));
const noDb = undefined as unknown as Db; // no text in this search: the predicate never asks Postgres

describe('compiled live search', () => {
  it('refuses unknown parameters, repeated keys and bad values; applies defaults; normalises', () => {
    for (const bad of [
      'foo=1',
      'limit=0',
      'limit=51',
      'limit=5&limit=6',
      'sort=email',
      'active=yes',
      'min=abc',
      'offset=-1',
      'on=yesterday',
    ]) {
      expect(parse(bad).success, bad).toBe(false);
    }
    expect(search.normalize(q(''))).toBe('limit=10&offset=0&sort=name');
    expect(search.normalize(q('sort=-price&min=5&tag=x'))).toBe('limit=10&min=5&offset=0&sort=-price&tag=x');
    expect(search.normalize(q('on=2026-01-01T00:00:00%2B01:00'))).toBe('limit=10&offset=0&on=2025-12-31T23%3A00%3A00.000Z&sort=name');
  });

  it('an update of fields no search reads cannot change a result; one of a read field can, if the entity matches before or after', async () => {
    const before = { name: 'a', tags: ['x'], active: true, price: 5, note: 'n', from: null, to: null };
    const all = q('');
    expect(await search.affects(noDb, all, [{ before, after: { ...before, note: 'm' }, changed: { note: 'm' } }])).toBe(false);
    expect(await search.affects(noDb, all, [{ before, after: { ...before, name: 'b' }, changed: { name: 'b' } }])).toBe(true);
    // Matches neither before nor after: no.
    expect(await search.affects(noDb, q('tag=y'), [{ before, after: { ...before, price: 6 }, changed: { price: 6 } }])).toBe(false);
    // Leaves the result (matched before): yes. Enters it (matches after): yes.
    expect(await search.affects(noDb, q('max=5'), [{ before, after: { ...before, price: 6 }, changed: { price: 6 } }])).toBe(true);
    expect(await search.affects(noDb, q('min=6'), [{ before, after: { ...before, price: 6 }, changed: { price: 6 } }])).toBe(true);
    // Creates and deletes count if the entity matches.
    expect(await search.affects(noDb, q('active=false'), [{ before: null, after: before }])).toBe(false);
    expect(await search.affects(noDb, q('active=true'), [{ before, after: null }])).toBe(true);
  });

  it('a validity window contains an instant when from ≤ t ≤ to, open bounds included', async () => {
    const e = { name: 'a', tags: [], active: true, price: 1, from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
    const at = (t: string) => search.affects(noDb, q(`on=${t}`), [{ before: null, after: e }]);
    expect(await at('2026-01-15T00:00:00Z')).toBe(true);
    expect(await at('2025-12-31T00:00:00Z')).toBe(false);
    expect(await at('2026-03-01T00:00:00Z')).toBe(false);
    expect(await search.affects(noDb, q('on=2030-01-01T00:00:00Z'), [{ before: null, after: { ...e, to: null } }])).toBe(true);
  });

  it('refuses a declaration that names a field the table does not have, at compile time', () => {
    expect(() =>
      compileSearch({ pattern: 'x', sort: { fields: ['nope'], default: 'nope' } }, (f) => {
        if (f === 'nope') throw new Error('no field');
        return f;
      }),
    ).toThrow(/no field/);
  });
});
