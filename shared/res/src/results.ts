/**
 * What handlers return: `model()` / `collection()` from get handlers and query callbacks,
 * `resourceResponse()` from call and auth handlers. Values are typed so that a bare nested
 * object or array is a compile error; the same rule is checked again at runtime.
 */
import { ResUsageError } from './errors.ts';
import { isValidRid } from './pattern.ts';
import type { Value } from './values.ts';

/**
 * Allowed shape of a model: every property a RES value (or undefined, which is dropped).
 * @example interface Book { id: string; title: string } // satisfies ModelShape<Book>
 */
export type ModelShape<T> = { readonly [K in keyof T]: Value | undefined };

/**
 * A model state returned from a get handler or a query callback (build it with `model()`).
 * @example if (state instanceof ModelResult) console.log(state.model.title);
 */
export class ModelResult<T extends ModelShape<T> = Record<string, Value>> {
  readonly kind = 'model';
  constructor(readonly model: T) {}
}

/**
 * A collection state returned from a get handler or a query callback (build it with `collection()`).
 * @example if (state instanceof CollectionResult) console.log(state.collection.length);
 */
export class CollectionResult<T extends Value = Value> {
  readonly kind = 'collection';
  constructor(readonly collection: readonly T[]) {}
}

/** Either resource state. @example const s: ResourceState | null = await r.value(); */
export type ResourceState = ModelResult | CollectionResult;

/**
 * A call/auth reply pointing at a resource (`{"resource":{"rid":...}}`): the client gets that
 * resource (HTTP: 200 with its content). Use it for "create" calls; build it with
 * `resourceResponse(rid)`.
 * @example return resourceResponse('library.book.4'); // a ResourceResponse
 */
export class ResourceResponse {
  constructor(readonly rid: string) {}
}

/**
 * A model, as a get handler result.
 * @example get: ({ params }) => model({ id: params.id, title: 'Dune', author: ref('library.author.1') })
 */
export function model<T extends ModelShape<T>>(value: T): ModelResult<T> {
  return new ModelResult(value);
}

/**
 * A collection, as a get handler result.
 * @example get: () => collection(ids.map((id) => ref(`library.book.${id}`)))
 */
export function collection<T extends Value>(values: readonly T[]): CollectionResult<T> {
  return new CollectionResult(values);
}

/**
 * A resource response from a call or auth handler. Throws on an invalid RID.
 * @example return resourceResponse(ctx.service.rid(book, { id }));
 */
export function resourceResponse(rid: string): ResourceResponse {
  if (!isValidRid(rid)) throw new ResUsageError(`resourceResponse: invalid RID ${JSON.stringify(rid)}`);
  return new ResourceResponse(rid);
}

/** True for `model()` results. */
export function isModelResult(v: unknown): v is ModelResult {
  return v instanceof ModelResult;
}

/** Results made by {@link frozen}: deep-frozen, so their encoded reply may be remembered. */
const frozenResults = new WeakSet<ResourceState>();

/**
 * Deep-freezes a get result and marks it as never changing. Returned again from a get handler
 * (the same object, e.g. one kept per cached record), it is checked and JSON-encoded only the
 * first time: later gets reuse the encoded reply. Freezing is what makes that safe — for plain
 * JSON data, which is what RES values are: a Date, Map or Buffer inside `data()` can still change
 * (Object.freeze does not reach their contents), so keep those out of frozen results. Returns
 * its argument.
 * @example const cached = new WeakMap<Book, ModelResult>(); // book → frozen(model({ ...book }))
 */
export function frozen<T extends ResourceState>(state: T): T {
  deepFreeze(state, new Set());
  frozenResults.add(state);
  return state;
}

/** True for results made by {@link frozen}. */
export function isFrozenResult(state: ResourceState): boolean {
  return frozenResults.has(state);
}

function deepFreeze(v: unknown, seen: Set<object>): void {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || seen.has(v)) return;
  seen.add(v);
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x, seen);
}

/** True for `collection()` results. */
export function isCollectionResult(v: unknown): v is CollectionResult {
  return v instanceof CollectionResult;
}
