/**
 * Reply encoding. A response has exactly one of `result`, `resource` or `error` (`{}` is an
 * internal error to Resgate; a void call is `{"result":null}`), optionally `meta`.
 */
import { ResUsageError, type ErrorObject } from './errors.ts';
import { isFrozenResult, type CollectionResult, type ModelResult, type ResourceState } from './results.ts';

/** HTTP metadata for the reply; only sent when the request had `isHttp: true`. */
export interface ResponseMeta {
  readonly status?: number;
  readonly header?: Readonly<Record<string, readonly string[]>>;
}

/** Everything a request can end with. */
export type Outcome =
  | { readonly kind: 'result'; readonly result: unknown }
  | { readonly kind: 'resource'; readonly rid: string }
  | { readonly kind: 'error'; readonly error: ErrorObject }
  | {
      readonly kind: 'model';
      readonly model: Readonly<Record<string, unknown>>;
      readonly query?: string | undefined;
      readonly state?: ResourceState;
    }
  | {
      readonly kind: 'collection';
      readonly collection: readonly unknown[];
      readonly query?: string | undefined;
      readonly state?: ResourceState;
    }
  | { readonly kind: 'access'; readonly get: boolean; readonly call: string | undefined };

// JSON.stringify returns undefined for undefined (and functions); typed here as it behaves.
const stringify: (v: unknown) => string | undefined = JSON.stringify;

function json(v: unknown): string {
  // A missing result would make the reply `{}`, which Resgate treats as an internal error.
  return stringify(v) ?? 'null';
}

function body(o: Outcome): string {
  switch (o.kind) {
    case 'result':
      return `"result":${json(o.result)}`;
    case 'resource':
      return `"resource":${json({ rid: o.rid })}`;
    case 'error':
      return `"error":${json(o.error)}`;
    // The protocol: query is included only for query resources (and then always).
    case 'model':
      return `"result":${json(o.query === undefined ? { model: o.model } : { model: o.model, query: o.query })}`;
    case 'collection':
      return `"result":${json(o.query === undefined ? { collection: o.collection } : { collection: o.collection, query: o.query })}`;
    // Access: get/call "may be omitted" when not granted.
    case 'access':
      return `"result":${json(o.call === undefined ? { get: o.get } : { get: o.get, call: o.call })}`;
  }
}

/**
 * Encodes a reply. Throws if a result cannot be serialised (a cycle, a BigInt): the caller
 * turns that into an internal error reply.
 * @example encodeReply({ kind: 'result', result: undefined }) // '{"result":null}'
 */
export function encodeReply(outcome: Outcome, meta?: ResponseMeta): string {
  const hasMeta = meta !== undefined && (meta.status !== undefined || (meta.header !== undefined && Object.keys(meta.header).length > 0));
  return hasMeta ? `{${body(outcome)},"meta":${json(meta)}}` : `{${body(outcome)}}`;
}

/** Encoded replies of frozen get results (see `frozen()`), by result object. */
const remembered = new WeakMap<ResourceState, Uint8Array>();
const utf8 = new TextEncoder();

/**
 * The reply bytes of a get answered with a `frozen()` result and no query, encoded the first
 * time and remembered for as long as the result lives; undefined for any other outcome.
 * @example const bytes = rememberedReply({ kind: 'model', model: m.model, state: m }) ?? encodeReply(o);
 */
export function rememberedReply(o: Outcome): Uint8Array | undefined {
  if ((o.kind !== 'model' && o.kind !== 'collection') || o.state === undefined || o.query !== undefined || !isFrozenResult(o.state))
    return undefined;
  // The outcome must still carry the frozen value itself: a middleware that replaced it (say, to
  // redact) gets its own reply encoded, and nothing is remembered for it.
  const own = o.kind === 'model' ? o.model === (o.state as ModelResult).model : o.collection === (o.state as CollectionResult).collection;
  if (!own) return undefined;
  let bytes = remembered.get(o.state);
  if (bytes === undefined) {
    bytes = utf8.encode(encodeReply(o));
    remembered.set(o.state, bytes);
  }
  return bytes;
}

/**
 * A pre-response extending the requester's timeout: `timeout:"<ms>"`, no leading whitespace.
 * @example encodePreResponse(15000) // 'timeout:"15000"'
 */
export function encodePreResponse(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new ResUsageError(`timeout: ${ms} is not a non-negative integer of milliseconds`);
  return `timeout:"${ms}"`;
}

/**
 * Canonical MIME header key (as Go's `textproto.CanonicalMIMEHeaderKey`, which the protocol's
 * meta.header uses): `content-type` → `Content-Type`.
 * @example canonicalHeaderKey('x-request-id') // 'X-Request-Id'
 */
export function canonicalHeaderKey(key: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(key)) throw new ResUsageError(`setHeader: invalid header name ${JSON.stringify(key)}`);
  return key.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/**
 * Validates an access reply's call list: method names, comma separated, no spaces; `*` for all.
 * @example accessCallList(['set', 'delete']) // 'set,delete'
 */
export function accessCallList(call: string | readonly string[] | undefined): string | undefined {
  if (call === undefined) return undefined;
  const list = typeof call === 'string' ? call.split(',') : [...call];
  if (list.length === 1 && list[0] === '*') return '*';
  if (list.length === 0 || (list.length === 1 && list[0] === '')) return undefined;
  for (const m of list) {
    if (!/^[^\s.*>?,]+$/.test(m)) throw new ResUsageError(`access: invalid method name ${JSON.stringify(m)} in call list`);
  }
  return list.join(',');
}
