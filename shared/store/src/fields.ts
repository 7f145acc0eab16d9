/**
 * Fields of table-backed models: how a declared field is stored (its column), how it comes back
 * from Postgres (as JSON keyed by field name, see `entityJson`), and how it is served (a RES value).
 *
 * A field is a zod schema. Most need nothing more: strings, numbers, booleans and arrays map to
 * columns of the same name in snake_case and are served as primitives or `data()` values. Two
 * kinds are marked with a helper because neither the column nor the schema says it:
 * - `timestamp()`: a `timestamptz` column, served as ISO 8601 UTC text (`…T12:00:00.000Z`);
 * - `reference(template)`: a column holding another resource's id, served as a RES reference to
 *   `template` with `$id` replaced (`reference('product.product.$id')`).
 */
import { data, ref, z, type Value } from '@hub/res';
import { text } from './filters.ts';
import { isoTime } from './time.ts';

/** What a marked field is. */
type Marker = { readonly kind: 'timestamp' } | { readonly kind: 'reference'; readonly template: string; readonly soft: boolean };

const markers = new WeakMap<z.ZodType, Marker>();

/** ids are bigint identities: anything else cannot exist (and must not reach a ::bigint cast). */
export const ID = /^[1-9][0-9]{0,17}$/;

/**
 * A `timestamptz` field: accepts ISO 8601 with an offset; served as ISO UTC text.
 * @example fields: { validFrom: timestamp() }
 */
export function timestamp(): z.ZodType<string> {
  const s = z.iso.datetime({ offset: true });
  markers.set(s, { kind: 'timestamp' });
  return s;
}

/**
 * A field holding the id of a resource (of this or another service), served as a RES reference
 * (`soft`: a soft reference, for targets that need their own access check). The client sends
 * the id; a full RID matching the template is accepted too.
 * @example fields: { product: reference('product.product.$id') }
 */
export function reference(template: string, opts: { soft?: boolean } = {}): z.ZodType<string> {
  if (!template.includes('$id')) throw new Error(`reference: template "${template}" has no $id`);
  const [prefix = '', suffix = ''] = template.split('$id');
  const s = z
    .string()
    .transform((v) =>
      v.startsWith(prefix) && v.endsWith(suffix) && v.length > prefix.length + suffix.length
        ? v.slice(prefix.length, v.length - suffix.length)
        : v,
    )
    .pipe(z.string().regex(ID, 'must be the id of an existing resource'));
  markers.set(s, { kind: 'reference', template, soft: opts.soft === true });
  return s;
}

/** The marker of a field, looking through default/optional/nullable wrappers. */
function markerOf(schema: z.ZodType): Marker | undefined {
  for (let s: z.ZodType | undefined = schema; s !== undefined;) {
    const m = markers.get(s);
    if (m !== undefined) return m;
    const def: { type: string; innerType?: z.ZodType } = (s as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod
      .def;
    s = def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault' ? def.innerType : undefined;
  }
  return undefined;
}

/** camelCase field → snake_case column. @example columnOf('createdAt') // 'created_at' */
export function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** How one field of an entity is read and served. */
export interface FieldCodec {
  readonly field: string;
  readonly column: string;
  /** JSON value (as Postgres' json_build_object gives it) → entity value. */
  readonly read: (v: unknown) => unknown;
  /** Entity value → RES value. */
  readonly serve: (v: unknown) => Value;
}

const same = (v: unknown): unknown => v;

/** A JSON value as a RES value: objects and arrays are data values, the rest primitives. */
export function plainValue(v: unknown): Value {
  if (v === undefined) return null;
  if (typeof v === 'object' && v !== null) return data(v);
  return v as Value;
}

/** The codec of a declared field. */
export function codecOf(field: string, schema: z.ZodType, column = snakeCase(field)): FieldCodec {
  const m = markerOf(schema);
  if (m?.kind === 'timestamp')
    return { field, column, read: (v) => (v === null || v === undefined ? null : isoTime(v)), serve: plainValue };
  if (m?.kind === 'reference') {
    const [prefix = '', suffix = ''] = m.template.split('$id');
    return {
      field,
      column,
      read: (v) => (v === null || v === undefined ? null : text(v)),
      serve: (v) =>
        v === null || v === undefined
          ? null
          : m.soft
            ? { rid: `${prefix}${text(v)}${suffix}`, soft: true }
            : ref(`${prefix}${text(v)}${suffix}`),
    };
  }
  return { field, column, read: same, serve: plainValue };
}

/** The fields every table-backed entity has, whatever its table declares. */
export const SYSTEM_CODECS: readonly FieldCodec[] = [
  { field: 'id', column: 'id', read: (v) => String(v), serve: plainValue },
  { field: 'version', column: 'version', read: (v) => Number(v), serve: plainValue },
  { field: 'createdAt', column: 'created_at', read: (v) => isoTime(v), serve: plainValue },
  { field: 'updatedAt', column: 'updated_at', read: (v) => isoTime(v), serve: plainValue },
];
