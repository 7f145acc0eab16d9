/**
 * A live search over one table, compiled from its declaration: the query schema (strict — an
 * unknown parameter or a bad value is `system.invalidQuery`), the normal form (equal queries →
 * equal strings, so Resgate shares one cached result), the parameterised SQL that answers it, and
 * whether a committed mutation can change a result.
 *
 * Injection: every value is bound; columns, sort directions and the text configuration come from
 * the declaration (code), never from the query.
 */
import { z } from '@hub/res';
import { normalizeQuery } from '@hub/res/internal';
import type { Db } from './db.ts';
import { text as scalarText, type Bind, type Filter } from './filters.ts';
import { statement } from './outbox.ts';

/** Defaults of a search's paging. */
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
export const MAX_OFFSET = 100_000;
const MAX_TEXT = 200;

/** Full-text search over a stored `tsvector` column. */
export interface TextSpec {
  /** The generated `tsvector` column the search uses (indexed). */
  readonly column: string;
  /**
   * The fields it is built from, in order: the column MUST be
   * `to_tsvector(<config>, f1 || ' ' || f2 || …)` over their columns — the predicate that
   * decides whether a commit can change a result rebuilds it from the entity that way.
   */
  readonly fields: readonly string[];
  /** Text search configuration; default `simple` (no stemming, lowercased). */
  readonly config?: string;
}

export interface SearchSpec {
  /** The collection's pattern, relative to the service: `customers` serves `<service>.customers`. */
  readonly pattern: string;
  /** `q`: full-text search. */
  readonly text?: TextSpec;
  /** One query parameter each (see filters.ts). */
  readonly filters?: Readonly<Record<string, Filter>>;
  /** Sortable fields (`sort=<field>` ascending, `sort=-<field>` descending) and the default. */
  readonly sort: { readonly fields: readonly string[]; readonly default: string };
  readonly limit?: { readonly default?: number; readonly max?: number };
  readonly maxOffset?: number;
  /**
   * Escape hatch: an extra SQL condition from the parsed query (values through `bind`), and the
   * same rule for an entity. Without `test`, every commit may change every result.
   */
  readonly where?: {
    readonly sql: (query: SearchQuery, bind: Bind) => string | undefined;
    readonly test?: (query: SearchQuery, entity: Entityish) => boolean;
  };
}

type Entityish = Readonly<Record<string, unknown>>;

/** A parsed, normalised query: paging, sort, `q` and the filters' parsed values. */
export interface SearchQuery {
  readonly q?: string;
  readonly sort: string;
  readonly limit: number;
  readonly offset: number;
  readonly [filter: string]: unknown;
}

/** A committed change as a search sees it: the entity before and after (null: created / deleted). */
export interface Mutation {
  readonly before: object | null;
  readonly after: object | null;
  /** For an update: the fields whose value changed. */
  readonly changed?: object;
}

export interface CompiledSearch {
  readonly schema: z.ZodType<SearchQuery>;
  readonly normalize: (q: SearchQuery) => string;
  /** Ids in the result, in order. */
  find(db: Db, table: string, q: SearchQuery): Promise<string[]>;
  /** Can one of `ms` change the result of `q`? (A false "yes" costs a query; never a false "no".) */
  affects(db: Db, q: SearchQuery, ms: readonly Mutation[]): Promise<boolean>;
  /** Fields whose change can move an entity in, out or within a result. */
  readonly fields: ReadonlySet<string>;
}

const RESERVED = new Set(['q', 'sort', 'limit', 'offset']);

/** Compiles a search; `col` maps fields to columns. Throws on a declaration that cannot work. */
export function compileSearch(spec: SearchSpec, col: (field: string) => string): CompiledSearch {
  const filters = Object.entries(spec.filters ?? {});
  for (const [name] of filters) if (RESERVED.has(name)) throw new Error(`search ${spec.pattern}: "${name}" is reserved`);
  const sorts = spec.sort.fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  if (!sorts.includes(spec.sort.default))
    throw new Error(`search ${spec.pattern}: default sort "${spec.sort.default}" is not a sortable field`);
  const max = spec.limit?.max ?? MAX_LIMIT;
  const maxOffset = spec.maxOffset ?? MAX_OFFSET;
  const one = z.string();
  const shape: Record<string, z.ZodType> = {
    sort: z.enum(sorts).default(spec.sort.default),
    limit: one
      .regex(/^\d{1,6}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(max))
      .default(spec.limit?.default ?? Math.min(DEFAULT_LIMIT, max)),
    offset: one
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .pipe(z.number().int().min(0).max(maxOffset))
      .default(0),
  };
  // Lowercased, whitespace collapsed: the text configurations we use ignore case anyway.
  if (spec.text)
    shape.q = one
      .max(MAX_TEXT)
      .transform((v) => v.trim().replace(/\s+/g, ' ').toLowerCase() || undefined)
      .optional();
  for (const [name, f] of filters) shape[name] = f.param.optional();
  const schema = z.strictObject(shape) as unknown as z.ZodType<SearchQuery>;
  const text = spec.text;
  const config = text?.config ?? 'simple';
  if (!/^[a-z_]+$/.test(config)) throw new Error(`search ${spec.pattern}: invalid text configuration "${config}"`);
  const fields = new Set<string>([...(text?.fields ?? []), ...filters.flatMap(([, f]) => f.fields), ...spec.sort.fields]);
  // Every field the search names must exist now, at start, not on the first query that uses it.
  for (const f of fields) col(f);
  if (text !== undefined && !/^[a-z_][a-z0-9_]*$/.test(text.column))
    throw new Error(`search ${spec.pattern}: invalid text column "${text.column}"`);

  const conditions = (q: SearchQuery, bind: Bind): string[] => {
    const out: string[] = [];
    if (text && q.q !== undefined) out.push(`${text.column} @@ websearch_to_tsquery('${config}', ${bind(q.q)})`);
    for (const [name, f] of filters) if (q[name] !== undefined) out.push(`(${f.sql(bind, q[name], col)})`);
    const extra = spec.where?.sql(q, bind);
    if (extra !== undefined && extra !== '') out.push(`(${extra})`);
    return out;
  };
  /** Everything but the text condition, in TypeScript. */
  const passes = (q: SearchQuery, e: Entityish | null): boolean => {
    if (e === null) return false;
    for (const [name, f] of filters) if (q[name] !== undefined && !f.test(e, q[name])) return false;
    const extra = spec.where;
    if (extra !== undefined && extra.test !== undefined && !extra.test(q, e)) return false;
    return true;
  };
  const doc = (e: Entityish): string =>
    (text?.fields ?? []).map((f) => (e[f] === null || e[f] === undefined ? '' : scalarText(e[f]))).join(' ');
  const matchesText = async (db: Db, q: string, docs: readonly string[]): Promise<boolean> => {
    const { rows } = await db.prepared<{ m: boolean | null }>(
      `SELECT bool_or(to_tsvector('${config}', d) @@ websearch_to_tsquery('${config}', $1)) AS m FROM unnest($2::text[]) AS d`,
      [q, docs],
    );
    return rows[0]?.m === true;
  };

  return {
    schema,
    fields,
    normalize: (q) => normalizeQuery(q),
    find: async (db, table, q) => {
      const s = statement();
      const where = conditions(q, s.bind);
      const desc = q.sort.startsWith('-');
      const c = col(desc ? q.sort.slice(1) : q.sort);
      const dir = desc ? 'DESC' : 'ASC';
      // `id` breaks ties, so the order — and every add/remove index — is deterministic.
      const sql =
        `SELECT id::text AS id FROM ${table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ` +
        `ORDER BY ${c} ${dir}, id ${dir} LIMIT ${s.bind(q.limit)} OFFSET ${s.bind(q.offset)}`;
      const { rows } = await db.prepared<{ id: string }>(sql, s.values);
      return rows.map((r) => r.id);
    },
    affects: async (db, q, ms) => {
      const docs: string[] = [];
      for (const m of ms) {
        // An update of fields no search reads cannot move anything.
        if (m.changed !== undefined && !Object.keys(m.changed).some((k) => fields.has(k))) continue;
        if (spec.where !== undefined && spec.where.test === undefined) return true;
        for (const e of [m.before, m.after] as (Entityish | null)[]) {
          if (!passes(q, e)) continue;
          if (q.q === undefined) return true;
          docs.push(doc(e as Entityish));
        }
      }
      return docs.length > 0 && q.q !== undefined && matchesText(db, q.q, docs);
    },
  };
}
