// Patterns: validation, matching, param extraction, precedence and the types inferred from them.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  compareSpecificity,
  expandPattern,
  expandTemplate,
  isValidPart,
  isValidRid,
  joinRid,
  matchPattern,
  parsePattern,
  splitRid,
  toWildcard,
  type PathParams,
} from '../src/pattern.ts';

const m = (pattern: string, rname: string): Record<string, string> | null => matchPattern(parsePattern(pattern), rname.split('.'));

describe('parsePattern', () => {
  it('accepts static tokens, $params, * and a trailing >', () => {
    const p = parsePattern('book.$id.*.>');
    expect(p.tokens.map((t) => t.kind)).toEqual(['static', 'param', 'wild', 'full']);
    expect(p.paramNames).toEqual(['id']);
  });

  it.each([
    ['book..x', 'empty token'],
    ['.', 'empty tokens'],
    ['>.book', '> not last'],
    ['book.$', 'empty param'],
    ['a.$id.$id', 'param twice'],
    ['bo*k', '* inside a token'],
    ['a b', 'space'],
    ['book?x', 'query mark'],
    ['a.$1x', 'param not an identifier'],
  ])('refuses %j (%s)', (pattern) => {
    expect(() => parsePattern(pattern)).toThrow(/pattern/);
  });
});

describe('the root pattern', () => {
  it("'' is the service root: no tokens, matches only an empty name", () => {
    const root = parsePattern('');
    expect(root.tokens).toEqual([]);
    expect(matchPattern(root, [])).toEqual({});
    expect(matchPattern(root, ['x'])).toBeNull();
    expect(matchPattern(parsePattern('>'), [])).toBeNull();
  });
});

describe('matchPattern', () => {
  it('extracts named params', () => {
    expect(m('book.$id', 'book.42')).toEqual({ id: '42' });
    expect(m('user.$uid.book.$bid', 'user.u1.book.b2')).toEqual({ uid: 'u1', bid: 'b2' });
  });

  it('matches * as exactly one token and > as one or more', () => {
    expect(m('book.*', 'book.1')).toEqual({});
    expect(m('book.*', 'book.1.x')).toBeNull();
    expect(m('book.>', 'book.1.x')).toEqual({});
    expect(m('book.>', 'book')).toBeNull();
  });

  it('requires the same length and equal static tokens', () => {
    expect(m('book.$id', 'book')).toBeNull();
    expect(m('book.$id', 'books.1')).toBeNull();
    expect(m('books', 'books')).toEqual({});
  });
});

describe('compareSpecificity', () => {
  it('orders static before placeholder before full wildcard', () => {
    const sorted = ['>', 'book.$id', 'book.new', 'book.>']
      .map(parsePattern)
      .sort(compareSpecificity)
      .map((p) => p.source);
    expect(sorted).toEqual(['book.new', 'book.$id', 'book.>', '>']);
  });
});

describe('building names', () => {
  it('turns placeholders into * for subscriptions and resets', () => {
    expect(toWildcard(parsePattern('book.$id.pages.>'))).toBe('book.*.pages.>');
  });

  it('expands a pattern with params and refuses invalid parts', () => {
    expect(expandPattern(parsePattern('book.$id'), { id: '7' })).toBe('book.7');
    expect(() => expandPattern(parsePattern('book.$id'), { id: 'a.b' })).toThrow(/not a valid RID part/);
    expect(() => expandPattern(parsePattern('book.*'), {})).toThrow(/wildcards/);
  });

  it('expands group templates in both $name and ${name} forms', () => {
    expect(expandTemplate('author.$authorId', { authorId: '3' })).toBe('author.3');
    expect(expandTemplate('x.${a}y', { a: '1' })).toBe('x.1y');
  });
});

describe('RID validation', () => {
  it('follows Resgate: printable ASCII parts without . * > ?, optional query', () => {
    expect(isValidPart('a-b_c$1')).toBe(true);
    expect(isValidPart('a b')).toBe(false);
    expect(isValidPart('ä')).toBe(false);
    expect(isValidRid('library.book.1?x=1&y=2')).toBe(true);
    expect(isValidRid('library.book.1?x', false)).toBe(false);
    expect(isValidRid('library..book')).toBe(false);
    expect(isValidRid('library.>')).toBe(false);
    expect(splitRid('a.b?q=1')).toEqual({ rname: 'a.b', query: 'q=1' });
    expect(splitRid('a.b')).toEqual({ rname: 'a.b', query: undefined });
    for (const rid of ['a.b?q=1', 'a.b', 'a.b?']) expect(joinRid(splitRid(rid).rname, splitRid(rid).query)).toBe(rid);
  });
});

describe('PathParams type', () => {
  it('infers named params from the pattern string', () => {
    expectTypeOf<PathParams<'book.$id.page.$n'>>().toEqualTypeOf<{ readonly id: string; readonly n: string }>();
    expectTypeOf<PathParams<'books'>>().toEqualTypeOf<Readonly<Record<string, never>>>();
    expectTypeOf<PathParams<'book.*.>'>>().toEqualTypeOf<Readonly<Record<string, never>>>();
  });
});
