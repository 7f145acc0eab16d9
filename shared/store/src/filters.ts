/**
 * Filters of a live search: each is ONE query parameter, and knows three things about itself —
 * how to read the parameter (a zod schema over the URL-form string), the SQL condition it adds
 * (values bound, the column from code), and whether an entity passes it (the same rule in
 * TypeScript, for deciding whether a commit can change a result without asking Postgres).
 *
 * @example filters: { tag: contains('tags'), active: bool('active'), minPrice: gte('price', int()) }
 */
import { z } from '@hub/res';
import { isoTime } from './time.ts';

/** A scalar as text for comparisons (objects as JSON: never equal to a parameter's text). */
export function text(v: unknown): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
      ? String(v)
      : v === undefined
        ? ''
        : JSON.stringify(v);
}

/** Binds a value as the next `$n` placeholder. */
export type Bind = (value: unknown) => string;

export interface Filter {
  /** Entity fields the filter reads: a change of any of them can move an entity in or out. */
  readonly fields: readonly string[];
  /** Parses the parameter's single string value. */
  readonly param: z.ZodType;
  /** The SQL condition for a parsed value; `col` maps a field to its column. */
  sql(bind: Bind, value: unknown, col: (field: string) => string): string;
  /**
   * Whether an entity passes, by the same rule as `sql` — or more leniently: a false "yes" only
   * costs the search a query, a false "no" would leave a client's result stale. (Timestamps
   * reach TypeScript truncated to milliseconds, so strict bounds are tested as non-strict.)
   */
  test(entity: Readonly<Record<string, unknown>>, value: unknown): boolean;
}

/** One query value: repeated keys (arrays) are refused rather than silently picking one. */
const one = z.string();

/** An integer parameter (digits, optional sign). @example gte('price', int()) */
export function int(): z.ZodType<number> {
  return one.regex(/^-?\d{1,15}$/, 'must be an integer').transform(Number);
}

/** A timestamp parameter (ISO 8601 with an offset), normalised to ISO UTC. @example gte('createdAt', isoParam()) */
export function isoParam(): z.ZodType<string> {
  return z.iso.datetime({ offset: true }).transform((v) => isoTime(v));
}

const eqTest = (e: Readonly<Record<string, unknown>>, f: string, v: unknown): boolean => {
  const x = e[f];
  return x !== null && x !== undefined && (x === v || text(x) === text(v));
};

/** Field equals the value (`schema` parses it; default: any non-empty string). @example customer: eq('customer') */
export function eq(field: string, schema: z.ZodType = one.min(1).max(200)): Filter {
  return {
    fields: [field],
    param: schema,
    sql: (bind, v, col) => `${col(field)} = ${bind(v)}`,
    test: (e, v) => eqTest(e, field, v),
  };
}

/** Field is one of `values` (an enum). @example kind: oneOf('kind', ['percent', 'amount']) */
export function oneOf(field: string, values: readonly [string, ...string[]]): Filter {
  return eq(field, z.enum(values));
}

/** A boolean field, as `true` / `false`. @example active: bool('active') */
export function bool(field: string): Filter {
  return {
    fields: [field],
    param: z.enum(['true', 'false']).transform((v) => v === 'true'),
    sql: (bind, v, col) => `${col(field)} = ${bind(v)}`,
    test: (e, v) => e[field] === v,
  };
}

/** An array field contains the value. @example tag: contains('tags') */
export function contains(field: string, schema: z.ZodType<string> = one.trim().min(1).max(50)): Filter {
  return {
    fields: [field],
    param: schema,
    sql: (bind, v, col) => `${col(field)} @> ARRAY[${bind(v)}]::text[]`,
    test: (e, v) => Array.isArray(e[field]) && (e[field] as unknown[]).includes(v),
  };
}

type Cmp = '>=' | '<=' | '>' | '<';
function compare(field: string, op: Cmp, schema: z.ZodType): Filter {
  const holds = (x: unknown, v: unknown): boolean => {
    if (x === null || x === undefined) return false; // SQL: NULL compared is not true
    const [a, b] = typeof v === 'number' ? [Number(x), v] : [text(x), text(v)];
    return op === '>=' || op === '>' ? a >= b : a <= b;
  };
  return {
    fields: [field],
    param: schema,
    sql: (bind, v, col) => `${col(field)} ${op} ${bind(v)}`,
    test: (e, v) => holds(e[field], v),
  };
}

/** Field ≥ value (a range's lower bound). @example minPrice: gte('price', int()) */
export const gte = (field: string, schema: z.ZodType): Filter => compare(field, '>=', schema);
/** Field ≤ value (a range's upper bound). @example maxPrice: lte('price', int()) */
export const lte = (field: string, schema: z.ZodType): Filter => compare(field, '<=', schema);

/**
 * A validity window contains the instant: `from` ≤ t < `to`, a null bound being open.
 * @example activeOn: during('validFrom', 'validTo')
 */
export function during(from: string, to: string, schema: z.ZodType<string> = isoParam()): Filter {
  return {
    fields: [from, to],
    param: schema,
    sql: (bind, v, col) => {
      const p = bind(v);
      return `(${col(from)} IS NULL OR ${col(from)} <= ${p}::timestamptz) AND (${col(to)} IS NULL OR ${p}::timestamptz < ${col(to)})`;
    },
    test: (e, v) => {
      const [f, t] = [e[from], e[to]];
      return (f === null || f === undefined || text(f) <= text(v)) && (t === null || t === undefined || text(v) <= text(t));
    },
  };
}
