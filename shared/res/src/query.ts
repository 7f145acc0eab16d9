/**
 * Query resources: parsing the raw query string into an object for the resource's zod schema,
 * and normalising the parsed value so that equal queries produce the same string — Resgate
 * keys its cache (and its query requests) on the normalized query.
 */
import type { z } from 'zod';
import { ErrorCode, ResUsageError } from './errors.ts';
import { validate } from './validation.ts';

/** A raw query as parsed from the URL form: repeated keys become arrays. @example { tag: ['a', 'b'], q: 'x' } */
export type RawQuery = Record<string, string | string[]>;

/**
 * Parses `a=1&b=x&b=y` into `{ a: '1', b: ['x', 'y'] }` (URL form decoding).
 * @example parseQueryString('limit=10&offset=0') // { limit: '10', offset: '0' }
 */
export function parseQueryString(query: string): RawQuery {
  const out: RawQuery = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

type Scalar = string | number | boolean | bigint;

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

/**
 * The default normalizer: keys sorted, `undefined`/`null` dropped, arrays as repeated keys (in
 * their order), URL-form encoded. Nested objects are refused — give the resource a
 * `normalizeQuery` for those.
 * @example normalizeQuery({ offset: 0, limit: 10 }) // 'limit=10&offset=0'
 */
export function normalizeQuery(parsed: unknown): string {
  if (parsed === undefined || parsed === null) return '';
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ResUsageError('normalizeQuery: the parsed query must be an object; give the resource a normalizeQuery');
  const sp = new URLSearchParams();
  for (const key of Object.keys(parsed).sort()) {
    const v: unknown = (parsed as Record<string, unknown>)[key];
    if (v === undefined || v === null) continue;
    const list: unknown[] = Array.isArray(v) ? v : [v];
    for (const item of list) {
      if (!isScalar(item)) throw new ResUsageError(`normalizeQuery: "${key}" is not a scalar; give the resource a normalizeQuery`);
      sp.append(key, String(item));
    }
  }
  return sp.toString();
}

/** How a resource reads its query. */
export interface QueryParser<S extends z.ZodType> {
  readonly schema: S;
  readonly normalize: (parsed: z.output<S>) => string;
}

/** A parsed query: the schema's output and the normalized string. */
export interface ParsedQuery<T> {
  readonly value: T;
  readonly normalized: string;
}

/**
 * Parses a request's raw query (absent = empty) with the resource's schema and normalizes it.
 * Invalid → `system.invalidQuery` with the zod issues.
 * @example await parseQuery({ schema, normalize: normalizeQuery }, 'offset=0&limit=5')
 */
export async function parseQuery<S extends z.ZodType>(parser: QueryParser<S>, raw: string | undefined): Promise<ParsedQuery<z.output<S>>> {
  const value = await validate(parser.schema, parseQueryString(raw ?? ''), ErrorCode.InvalidQuery);
  return { value, normalized: parser.normalize(value) };
}
