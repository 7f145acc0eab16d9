// Query normalization: equal queries normalise to the same string, so Resgate shares its cache.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResError } from '../src/errors.ts';
import { normalizeQuery, parseQuery, parseQueryString } from '../src/query.ts';

const schema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  offset: z.coerce.number().int().min(0).default(0),
  tag: z.union([z.string(), z.array(z.string())]).optional(),
});
const parser = { schema, normalize: normalizeQuery };

describe('parseQueryString', () => {
  it('decodes URL form and collects repeated keys', () => {
    expect(parseQueryString('a=1&b=x%20y&b=z&c=')).toEqual({ a: '1', b: ['x y', 'z'], c: '' });
    expect(parseQueryString('')).toEqual({});
  });
});

describe('normalizeQuery', () => {
  it('sorts keys, drops empty values, repeats arrays', () => {
    expect(normalizeQuery({ offset: 0, limit: 10, q: undefined, n: null, tag: ['b', 'a'] })).toBe('limit=10&offset=0&tag=b&tag=a');
    expect(normalizeQuery(undefined)).toBe('');
  });

  it('refuses nested objects (a resource must bring its own normalizer)', () => {
    expect(() => normalizeQuery({ a: { b: 1 } })).toThrow(/normalizeQuery/);
  });
});

describe('parseQuery', () => {
  it('normalises equivalent queries equally', async () => {
    const a = await parseQuery(parser, 'offset=0&limit=10');
    const b = await parseQuery(parser, 'limit=010&offset=0');
    const c = await parseQuery(parser, undefined);
    expect(a.normalized).toBe('limit=10&offset=0');
    expect(b.normalized).toBe(a.normalized);
    expect(c.normalized).toBe(a.normalized);
    expect(a.value).toEqual({ limit: 10, offset: 0 });
  });

  it('rejects an invalid query with system.invalidQuery and the issues', async () => {
    const err = await parseQuery(parser, 'limit=500').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResError);
    const r = err as ResError;
    expect(r.code).toBe('system.invalidQuery');
    expect(r.data).toEqual({ issues: [expect.objectContaining({ path: 'limit', code: 'too_big' })] });
  });
});
