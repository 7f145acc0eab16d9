// defineResource: types flow from the pattern and the schemas; invalid declarations fail early.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { RESERVED_EVENT_NAMES, checkIndex, checkKind } from '../src/event-checks.ts';
import { defineResource } from '../src/resource.ts';
import { collection, model } from '../src/results.ts';
import { ref } from '../src/values.ts';

describe('defineResource', () => {
  it('types params from the pattern, input from the params schema, query and token from theirs', () => {
    const def = defineResource({
      pattern: 'shelf.$shelf.book.$id',
      query: z.object({ limit: z.coerce.number().default(10) }),
      token: z.object({ userId: z.string() }).nullable(),
      access: ({ token, params }) => {
        expectTypeOf(token).toEqualTypeOf<{ userId: string } | null>();
        expectTypeOf(params).toEqualTypeOf<{ readonly shelf: string; readonly id: string }>();
        return true;
      },
      get: ({ params, query }) => {
        expectTypeOf(query).toEqualTypeOf<{ limit: number }>();
        return model({ id: params.id, shelf: ref(`library.shelf.${params.shelf}`) });
      },
      calls: {
        set: {
          params: z.object({ title: z.string() }),
          handler: ({ input, params }) => {
            expectTypeOf(input).toEqualTypeOf<{ title: string }>();
            return params.id;
          },
        },
        delete: {
          params: null,
          handler: ({ input }) => {
            expectTypeOf(input).toEqualTypeOf<undefined>();
          },
        },
      },
      auth: {
        login: {
          params: z.object({ user: z.string() }),
          handler: ({ input, setToken }) => {
            setToken({ user: input.user });
          },
        },
      },
    });
    expect(def.calls.size).toBe(2);
    expect(def.auth.size).toBe(1);
    expect(def.ownsResource).toBe(true);
  });

  it('types the token as unknown without a token schema', () => {
    defineResource({
      pattern: 'x',
      access: ({ token }) => {
        expectTypeOf(token).toEqualTypeOf<unknown>();
        return false;
      },
    });
  });

  it('allows an access-only definition that owns no resource', () => {
    expect(defineResource({ pattern: '>', access: () => true }).ownsResource).toBe(false);
  });

  it('refuses invalid patterns and method names at definition time', () => {
    expect(() => defineResource({ pattern: 'a..b' })).toThrow(/invalid pattern/);
    expect(() => defineResource({ pattern: 'a', calls: { 'bad.name': { params: null, handler: () => null } } })).toThrow(/invalid method/);
  });

  it('rejects bare nested objects in models at compile time', () => {
    // @ts-expect-error a nested object must be wrapped with data()
    model({ nested: { a: 1 } });
    // @ts-expect-error a nested array must be wrapped with data()
    collection([[1]]);
    expect(true).toBe(true);
  });
});

describe('event checks', () => {
  it('refuses reserved custom event names (protocol list plus query)', () => {
    expect([...RESERVED_EVENT_NAMES].sort()).toEqual([
      'add',
      'change',
      'create',
      'delete',
      'patch',
      'query',
      'reaccess',
      'remove',
      'reset',
      'unsubscribe',
    ]);
  });

  it('checks indices: non-negative integers, within the length when known', () => {
    expect(() => {
      checkIndex('add', -1, undefined);
    }).toThrow(/non-negative/);
    expect(() => {
      checkIndex('add', 1.5, undefined);
    }).toThrow(/non-negative/);
    expect(() => {
      checkIndex('add', 3, 3);
    }).not.toThrow();
    expect(() => {
      checkIndex('add', 4, 3);
    }).toThrow(/out of bounds/);
    expect(() => {
      checkIndex('remove', 3, 3);
    }).toThrow(/out of bounds/);
    expect(() => {
      checkIndex('remove', 2, 3);
    }).not.toThrow();
  });

  it('refuses events of the wrong kind when the kind is declared', () => {
    const books = defineResource({ pattern: 'books', kind: 'collection' });
    expect(() => {
      checkKind(books.spec.kind, books.pattern, 'change');
    }).toThrow(/collection/);
    expect(() => {
      checkKind(books.spec.kind, books.pattern, 'add');
    }).not.toThrow();
  });
});
