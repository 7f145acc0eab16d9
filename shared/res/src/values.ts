/**
 * RES values (res-protocol.md "Values"): primitives, resource references, soft references and
 * data values — the helpers that build them and the check that refuses anything else at the
 * SDK boundary, before it can reach Resgate (which rejects the whole reply or event).
 */
import { ResUsageError } from './errors.ts';
import { isValidRid } from './pattern.ts';

/** A JSON primitive: string, finite number, boolean or null. @example const v: Primitive = 42; */
export type Primitive = string | number | boolean | null;
/** A resource reference: Resgate follows it and sends the referenced resource too. @example const r: Ref = ref('library.book.1'); */
export interface Ref {
  readonly rid: string;
  readonly soft?: false;
}
/** A soft reference: not followed; the client fetches (and is access-checked) on its own. @example softRef('library.page.2') */
export interface SoftRef {
  readonly rid: string;
  readonly soft: true;
}
/** A data value: any JSON, including nested objects and arrays, replaced as a whole. @example data({ w: 1 }) */
export interface DataValue<T = unknown> {
  readonly data: T;
}
/** The change-event value that deletes a model property. @example change({ note: deleteAction }) */
export interface DeleteAction {
  readonly action: 'delete';
}
/** Any value allowed in a model property or a collection item. @example const items: Value[] = ['a', 1, ref('x.y')]; */
export type Value = Primitive | Ref | SoftRef | DataValue;

/**
 * Deletes a property in a change event.
 * @example r.change({ subtitle: deleteAction });
 */
export const deleteAction: DeleteAction = Object.freeze({ action: 'delete' });

/**
 * A resource reference. Throws on an invalid RID.
 * @example model({ author: ref('library.author.3') })
 */
export function ref(rid: string): Ref {
  assertRid(rid, 'ref');
  return { rid };
}

/**
 * A soft reference (not followed by Resgate; use it when the target needs its own access check).
 * @example model({ next: softRef('library.page.2') })
 */
export function softRef(rid: string): SoftRef {
  assertRid(rid, 'softRef');
  return { rid, soft: true };
}

/**
 * Wraps any JSON (nested objects/arrays) as a data value.
 * @example model({ tags: data(['a', 'b']), dims: data({ w: 1, h: 2 }) })
 */
export function data<T>(value: T): DataValue<T> {
  return { data: value };
}

function assertRid(rid: string, where: string): void {
  if (typeof rid !== 'string' || !isValidRid(rid)) throw new ResUsageError(`${where}: invalid RID ${JSON.stringify(rid)}`);
}

/**
 * The common case, decided without building the error path string that `checkValue` takes (one
 * per property per request otherwise): a string, boolean, null or finite number.
 */
function isJsonPrimitive(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Throws `ResUsageError` unless `v` is a RES value (or, with `allowDelete`, a delete action).
 * A bare nested object or array is refused: wrap it with `data()`.
 * @example checkValue({ a: 1 }, 'model.x') // throws: nested object must be wrapped with data()
 */
export function checkValue(v: unknown, path: string, allowDelete = false): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new ResUsageError(`${path}: ${String(v)} is not a JSON number`);
      return;
    case 'object':
      break;
    default:
      throw new ResUsageError(`${path}: ${typeof v} is not a RES value`);
  }
  if (v === null) return;
  if (Array.isArray(v)) throw new ResUsageError(`${path}: a nested array must be wrapped with data()`);
  if (!isPlainObject(v)) throw new ResUsageError(`${path}: a ${v.constructor.name} is not a RES value; convert it or wrap it with data()`);
  const keys = Object.keys(v);
  if ('rid' in v) {
    // A reference carries only rid (and soft); anything else would be ambiguous to Resgate.
    if (keys.some((k) => k !== 'rid' && k !== 'soft')) throw new ResUsageError(`${path}: a reference may only have "rid" and "soft"`);
    if (typeof v.rid !== 'string' || !isValidRid(v.rid)) throw new ResUsageError(`${path}: invalid RID ${JSON.stringify(v.rid)}`);
    if (v.soft !== undefined && typeof v.soft !== 'boolean') throw new ResUsageError(`${path}: "soft" must be a boolean`);
    return;
  }
  if ('data' in v) {
    if (keys.length !== 1) throw new ResUsageError(`${path}: a data value may only have "data"`);
    if (v.data === undefined) throw new ResUsageError(`${path}: data value is undefined`);
    return;
  }
  if (allowDelete && keys.length === 1 && v.action === 'delete') return;
  throw new ResUsageError(`${path}: a nested object must be wrapped with data() (or be ref()/softRef())`);
}

/**
 * Checks a model: a plain object of RES values. Properties that are `undefined` are dropped
 * (JSON has no undefined). Returns the object to send.
 * @example const m = checkModel({ id: 1, title: 'Dune' });
 */
export function checkModel(m: unknown, path = 'model'): Record<string, unknown> {
  if (!isPlainObject(m)) throw new ResUsageError(`${path}: a model must be a plain object`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined) continue;
    if (!isJsonPrimitive(v)) checkValue(v, `${path}.${k}`);
    out[k] = v;
  }
  return out;
}

/**
 * Checks a collection: an array of RES values.
 * @example checkCollection([ref('library.book.1'), 'x']);
 */
export function checkCollection(c: unknown, path = 'collection'): readonly unknown[] {
  if (!Array.isArray(c)) throw new ResUsageError(`${path}: a collection must be an array`);
  c.forEach((v: unknown, i) => {
    if (!isJsonPrimitive(v)) checkValue(v, `${path}[${i}]`);
  });
  return c;
}

/**
 * Checks change-event values: RES values or `deleteAction`; `undefined` is refused (use
 * `deleteAction` to remove a property).
 * @example checkChange({ title: 'New', subtitle: deleteAction });
 */
export function checkChange(values: unknown, path = 'change'): Record<string, unknown> {
  if (!isPlainObject(values)) throw new ResUsageError(`${path}: values must be a plain object`);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) throw new ResUsageError(`${path}.${k}: undefined; use deleteAction to delete a property`);
    if (!isJsonPrimitive(v)) checkValue(v, `${path}.${k}`, true);
  }
  return values;
}
