/**
 * The `customer.customers` query: its parameters (a strict schema — unknown parameters and bad
 * values are `system.invalidQuery`), its normal form (equal queries → equal strings, so Resgate
 * shares one cached result), the SQL that answers it, and whether a mutation can change a result.
 *
 * Injection: `q`, `tag` are bound parameters; `sort` is an enum mapped to fixed SQL fragments.
 */
import { normalizeQuery, z } from '@hub/res/internal';
import type { Db } from '@hub/store';
import type { Customer } from './model.ts';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
const MAX_OFFSET = 100_000;

const SORTS = { name: 'name', createdAt: 'created_at' } as const;
type SortKey = keyof typeof SORTS;
const sortValues = ['name', '-name', 'createdAt', '-createdAt'] as const;

/** One query value: repeated keys (arrays) are refused rather than silently picking one. */
const one = z.string();

export const searchQuery = z.strictObject({
  // Lowercased, whitespace collapsed: the 'simple' text search config ignores case anyway.
  q: one.max(200).transform((v) => v.trim().replace(/\s+/g, ' ').toLowerCase() || undefined).optional(),
  tag: one.trim().min(1).max(50).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  sort: z.enum(sortValues).default('name'),
  limit: one.regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(MAX_LIMIT)).default(DEFAULT_LIMIT),
  offset: one.regex(/^\d{1,6}$/).transform(Number).pipe(z.number().int().min(0).max(MAX_OFFSET)).default(0),
});
export type Search = z.output<typeof searchQuery>;

/** Keys sorted, defaults applied, empty `q` dropped. @example normalizeSearch(parse('limit=10&q=Acme')) // 'limit=10&offset=0&q=acme&sort=name' */
export const normalizeSearch = (s: Search): string => normalizeQuery(s);

/** Ids of the customers in the result, in order. */
export async function findIds(db: Db, s: Search): Promise<string[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const bind = (v: unknown) => { values.push(v); return `$${String(values.length)}`; };
  if (s.q !== undefined) where.push(`search @@ websearch_to_tsquery('simple', ${bind(s.q)})`);
  if (s.tag !== undefined) where.push(`tags @> ARRAY[${bind(s.tag)}]::text[]`);
  if (s.active !== undefined) where.push(`active = ${bind(s.active)}`);
  const desc = s.sort.startsWith('-');
  const col = SORTS[(desc ? s.sort.slice(1) : s.sort) as SortKey];
  const dir = desc ? 'DESC' : 'ASC';
  const sql = `SELECT id::text AS id FROM customers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ` +
    `ORDER BY ${col} ${dir}, id ${dir} LIMIT ${bind(s.limit)} OFFSET ${bind(s.offset)}`;
  const { rows } = await db.query<{ id: string }>(sql, values);
  return rows.map((r) => r.id);
}

/** Fields whose change can move a customer in or out of a result, or within it. */
const LIST_FIELDS = new Set<string>(['name', 'email', 'company', 'tags', 'active', 'createdAt']);

/** Whether a change of these fields can alter any search result (if not, no query event at all). */
export function canAffectSearches(changed: object): boolean {
  return Object.keys(changed).some((k) => LIST_FIELDS.has(k));
}

/** Whether the text document of `c` matches `q` (same expression as the `search` column). */
async function matchesText(db: Db, c: Customer, q: string): Promise<boolean> {
  const { rows } = await db.query<{ m: boolean }>(
    "SELECT to_tsvector('simple', $1::text || ' ' || $2::text || ' ' || $3::text) @@ websearch_to_tsquery('simple', $4) AS m",
    [c.name, c.email, c.company, q],
  );
  return rows[0]?.m === true;
}

async function matches(db: Db, s: Search, c: Customer | null): Promise<boolean> {
  if (c === null) return false;
  if (s.tag !== undefined && !c.tags.includes(s.tag)) return false;
  if (s.active !== undefined && c.active !== s.active) return false;
  return s.q === undefined || matchesText(db, c, s.q);
}

/** A committed mutation, as the live query sees it. */
export interface Mutation { readonly before: Customer | null; readonly after: Customer | null; readonly changed?: Partial<Customer> }

/**
 * Can `m` change the result of `s`? No when only non-list fields changed, or when the customer
 * matches the filter neither before nor after — then the answer is "no events", with no list
 * query at all. (A false "yes" only costs a query; a false "no" would be a bug.)
 */
export async function affects(db: Db, s: Search, m: Mutation): Promise<boolean> {
  if (m.changed !== undefined && !canAffectSearches(m.changed)) return false;
  return (await matches(db, s, m.before)) || (await matches(db, s, m.after));
}
