/**
 * Resource name patterns: `$name` placeholders, `*` (one token) and a trailing `>` (one or more
 * tokens), their validation, matching and parameter extraction — plus the typed path params
 * inferred from a pattern string.
 */
import { ResUsageError } from './errors.ts';

/** One token of a parsed pattern. */
export type PatternToken =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'wild' }
  | { readonly kind: 'full' };

/** A validated pattern. */
export interface ParsedPattern {
  readonly source: string;
  readonly tokens: readonly PatternToken[];
  readonly paramNames: readonly string[];
}

type Segments<S extends string> = S extends `${infer H}.${infer T}` ? H | Segments<T> : S;
type ParamName<S> = S extends `$${infer N}` ? N : never;

/**
 * Path params inferred from a pattern string.
 * @example type P = PathParams<'book.$id.page.$n'>; // { readonly id: string; readonly n: string }
 * // PathParams<'books'> is Readonly<Record<string, never>>
 */
export type PathParams<P extends string> = string extends P
  ? Readonly<Record<string, string>>
  : [ParamName<Segments<P>>] extends [never]
    ? Readonly<Record<string, never>>
    : { readonly [K in ParamName<Segments<P>>]: string };

/**
 * A valid resource name part (token): printable ASCII without `.`, `*`, `>` and `?`
 * (the rule Resgate applies, `codec.IsValidRIDPart`).
 * @example isValidPart('42') // true; isValidPart('a b') // false
 */
export function isValidPart(part: string): boolean {
  if (part.length === 0) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    // 0x2e '.', 0x2a '*', 0x3e '>', 0x3f '?'
    if (c < 33 || c > 126 || c === 0x2e || c === 0x2a || c === 0x3e || c === 0x3f) return false;
  }
  return true;
}

/**
 * A valid resource ID: dot-separated valid parts, optionally followed by `?query`.
 * @example isValidRid('library.book.1?x=1') // true; isValidRid('library..book') // false
 */
export function isValidRid(rid: string, allowQuery = true): boolean {
  const { rname, query } = splitRid(rid);
  if (query !== undefined && !allowQuery) return false;
  return rname.split('.').every(isValidPart);
}

/**
 * Splits a RID into resource name and query (without the `?`; undefined when absent).
 * @example splitRid('library.books?limit=5') // { rname: 'library.books', query: 'limit=5' }
 */
export function splitRid(rid: string): { rname: string; query: string | undefined } {
  const i = rid.indexOf('?');
  return i === -1 ? { rname: rid, query: undefined } : { rname: rid.slice(0, i), query: rid.slice(i + 1) };
}

/**
 * Joins a resource name and a query (without the `?`) into a RID: the inverse of `splitRid`.
 * @example joinRid('library.books', 'limit=5') // 'library.books?limit=5'
 */
export function joinRid(rname: string, query: string | undefined): string {
  return query === undefined ? rname : `${rname}?${query}`;
}

/**
 * Parses and validates a pattern. Throws `ResUsageError` on an invalid one.
 * @example parsePattern('book.$id').paramNames // ['id']
 */
export function parsePattern(source: string): ParsedPattern {
  // The empty pattern is the service's root resource, the RID `<name>` itself (e.g. the
  // `auth.identity.login` method Resgate clients call on the `identity` RID).
  if (source === '') return { source, tokens: [], paramNames: [] };
  const parts = source.split('.');
  const tokens: PatternToken[] = [];
  const paramNames: string[] = [];
  parts.forEach((part, i) => {
    const bad = (why: string): never => {
      throw new ResUsageError(`invalid pattern "${source}": ${why}`);
    };
    if (part === '>') {
      if (i !== parts.length - 1) bad('">" must be the last token');
      tokens.push({ kind: 'full' });
    } else if (part === '*') {
      tokens.push({ kind: 'wild' });
    } else if (part.startsWith('$')) {
      const name = part.slice(1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad(`placeholder "${part}" must be $ followed by an identifier`);
      if (paramNames.includes(name)) bad(`placeholder "${part}" is used twice`);
      paramNames.push(name);
      tokens.push({ kind: 'param', name });
    } else {
      if (!isValidPart(part)) bad(`token "${part}" is empty or has a forbidden character`);
      tokens.push({ kind: 'static', value: part });
    }
  });
  return { source, tokens, paramNames };
}

/**
 * The full resource name of a name relative to the service (`''` is the service root).
 * @example qualify('library', 'book.1') // 'library.book.1'; qualify('identity', '') // 'identity'
 */
export function qualify(service: string, relative: string): string {
  return relative === '' ? service : `${service}.${relative}`;
}

/**
 * Matches resource name tokens against a pattern; returns the path params or null.
 * @example matchPattern(parsePattern('book.$id'), ['book', '7']) // { id: '7' }
 */
export function matchPattern(p: ParsedPattern, tokens: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < p.tokens.length; i++) {
    const t = p.tokens[i];
    if (t === undefined) return null;
    // '>' matches one or more remaining tokens.
    if (t.kind === 'full') return tokens.length > i ? params : null;
    const value = tokens[i];
    if (value === undefined) return null;
    if (t.kind === 'static' && t.value !== value) return null;
    if (t.kind === 'param') params[t.name] = value;
  }
  return tokens.length === p.tokens.length ? params : null;
}

/**
 * Ranks a pattern for choosing among several matches, token by token: a static token beats a
 * placeholder or `*`, which beats `>` (the order go-res's mux uses). Higher sorts first.
 * @example compareSpecificity(parsePattern('book.new'), parsePattern('book.$id')) < 0
 */
export function compareSpecificity(a: ParsedPattern, b: ParsedPattern): number {
  const rank = (t: PatternToken | undefined): number => (t === undefined ? -1 : t.kind === 'static' ? 2 : t.kind === 'full' ? 0 : 1);
  const n = Math.max(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const d = rank(b.tokens[i]) - rank(a.tokens[i]);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The pattern as a NATS/RES wildcard pattern (placeholders become `*`), for subscriptions and
 * `system.reset`.
 * @example toWildcard(parsePattern('book.$id')) // 'book.*'
 */
export function toWildcard(p: ParsedPattern): string {
  return p.tokens.map((t) => (t.kind === 'static' ? t.value : t.kind === 'full' ? '>' : '*')).join('.');
}

/**
 * Fills a pattern's placeholders to build a resource name. Throws on a missing or invalid value
 * or on a pattern with `*`/`>`.
 * @example expandPattern(parsePattern('book.$id'), { id: '7' }) // 'book.7'
 */
export function expandPattern(p: ParsedPattern, params: Readonly<Record<string, string>>): string {
  return p.tokens
    .map((t) => {
      if (t.kind === 'static') return t.value;
      if (t.kind !== 'param') throw new ResUsageError(`cannot build a RID from pattern "${p.source}" with wildcards`);
      const v = params[t.name];
      if (v === undefined || !isValidPart(v))
        throw new ResUsageError(`param "${t.name}" is missing or not a valid RID part: ${JSON.stringify(v)}`);
      return v;
    })
    .join('.');
}

/**
 * Expands a queue group template: `$name` and `${name}` are replaced by path params.
 * @example expandTemplate('author.$authorId', { authorId: '3' }) // 'author.3'
 */
export function expandTemplate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, a?: string, b?: string) => params[a ?? b ?? ''] ?? m,
  );
}
