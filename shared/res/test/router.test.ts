// Routing inside the owned namespace: per request type, most specific pattern wins, queue keys.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '../src/resource.ts';
import { model } from '../src/results.ts';
import { Router } from '../src/router.ts';

const book = defineResource({ pattern: 'book.$id', get: () => model({}), calls: { set: { params: z.object({}), handler: () => null } } });
const newBook = defineResource({ pattern: 'book.new', get: () => model({}) });
const access = defineResource({ pattern: '>', access: () => true });
const pages = defineResource({ pattern: 'book.$id.pages', group: 'book.$id', get: () => model({}) });
const stats = defineResource({ pattern: 'stats', parallel: true, get: () => model({}) });
const byAuthor = defineResource({ pattern: 'author.$a.books', group: (p) => `authors.${p.a}`, get: () => model({}) });
const router = new Router('library', [book, newBook, access, pages, stats, byAuthor]);

describe('Router', () => {
  it('routes get by pattern and extracts params', () => {
    const r = router.route('get', 'library.book.7');
    expect(r?.def).toBe(book);
    expect(r?.params).toEqual({ id: '7' });
  });

  it('remembers routes per type and name, frozen so no handler can alter what the next request gets', () => {
    // Intent: the route cache (a warm get's largest routing cost) never changes an answer.
    const first = router.route('get', 'library.book.8');
    expect(router.route('get', 'library.book.8')).toBe(first);
    expect(router.route('access', 'library.book.8')?.def).toBe(access); // per type, not per name
    expect(Object.isFrozen(first) && Object.isFrozen(first?.params)).toBe(true);
    expect(() => {
      (first?.params as Record<string, string>).id = '9';
    }).toThrow(TypeError);
    expect(router.route('get', 'library.book.8')?.params).toEqual({ id: '8' });
  });

  it('prefers a static token over a placeholder', () => {
    expect(router.route('get', 'library.book.new')?.def).toBe(newBook);
  });

  it('routes access among access definitions only', () => {
    expect(router.route('access', 'library.book.7')?.def).toBe(access);
    expect(router.route('access', 'library.anything.at.all')?.def).toBe(access);
  });

  it('returns null outside the namespace or without a match', () => {
    expect(router.route('get', 'other.book.7')).toBeNull();
    expect(router.route('get', 'library.nothing')).toBeNull();
    expect(router.route('get', 'library')).toBeNull();
  });

  it('routes calls to owners so a missing method can be methodNotFound', () => {
    expect(router.route('call', 'library.book.new')?.def).toBe(newBook);
    expect(router.route('call', 'library.book.1')?.def.calls.has('set')).toBe(true);
  });

  it('keys the queue by resource name, group template, group function, or none', () => {
    expect(router.route('get', 'library.book.7')?.key).toBe('library.book.7');
    expect(router.route('get', 'library.book.7.pages')?.key).toBe('library.book.7');
    expect(router.route('get', 'library.author.3.books')?.key).toBe('library.authors.3');
    expect(router.route('get', 'library.stats')?.key).toBeNull();
  });

  it('subscribes only to its own namespace', () => {
    expect(router.subjects()).toEqual(['get.library.>', 'call.library.>', 'auth.library.>', 'access.library.>']);
    expect(new Router('x', [access]).subjects()).toEqual(['access.x.>']);
  });

  it('resets get patterns as resources and access patterns as access, without covered ones', () => {
    expect(router.resetPatterns()).toEqual({
      resources: ['library.book.*', 'library.book.*.pages', 'library.stats', 'library.author.*.books'],
      access: ['library.>'],
    });
  });

  it('refuses overlapping patterns and invalid service names', () => {
    const other = defineResource({ pattern: 'book.$x', get: () => model({}) });
    expect(() => new Router('library', [book, other])).toThrow(/overlap/);
    expect(() => new Router('lib.rary', [book])).toThrow(/service name/);
  });

  it("routes the service root (pattern '') for its own RID only, and subscribes to its get and access", () => {
    const root = defineResource({
      pattern: '',
      get: () => model({}),
      access: () => true,
      calls: { ping: { params: null, handler: () => null } },
    });
    const r = new Router('svc', [root, book]);
    expect(r.route('call', 'svc')?.def).toBe(root);
    expect(r.route('get', 'svc')?.def).toBe(root);
    expect(r.route('get', 'svcx')).toBeNull();
    expect(r.route('get', 'svc.book.1')?.def).toBe(book);
    expect(r.subjects()).toEqual(['get.svc.>', 'call.svc.>', 'auth.svc.>', 'access.svc.>', 'get.svc', 'access.svc']);
    expect(r.resetPatterns()).toEqual({ resources: ['svc', 'svc.book.*'], access: ['svc'] });
  });
});
