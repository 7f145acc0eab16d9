/**
 * The contract between the runtime and the code it runs: what handlers, middleware and query
 * callbacks receive. Types only, and a leaf of the package: it imports no implementation, so a
 * handler's types never drag in the runtime (and no module cycle runs through them).
 *
 * Members of contexts are function-typed properties (not methods): destructuring
 * `({ params, input, change }) => ...` is safe.
 */
import type { Logger } from 'pino';
import type { RequestType } from './envelope.ts';
import type { PathParams } from './pattern.ts';
import type { Outcome } from './reply.ts';
import type { ResourceState } from './results.ts';
import type { DeleteAction, Value } from './values.ts';

export type { RequestType };

/** Path params of a resource matched without a typed pattern. @example await service.with(rid, (r) => r.params.id) */
export type AnyParams = Readonly<Record<string, string>>;

/** Change-event values: new values, or `deleteAction` to remove a property. @example change({ title: 'New', note: deleteAction }) */
export type ChangeValues = Readonly<Record<string, Value | DeleteAction>>;

/** Patterns for `service.reset`. @example service.reset({ resources: ['library.book.*'], access: [] }) */
export interface ResetPatterns {
  readonly resources?: readonly string[];
  readonly access?: readonly string[];
}

/** Options of `resetResource`. */
export interface ResetResourceOptions {
  /** Send the reset again after this many milliseconds. */
  readonly repeatAfterMs?: number;
}

/** A RES request by resource: `get` (default without method), `call` (default with), `auth`, `access`. @example { rid: 'catalog.item.3', method: 'reserve' } */
export interface RequestTarget {
  readonly rid: string;
  readonly method?: string;
  readonly type?: 'get' | 'call' | 'auth' | 'access';
}

/** Options of `service.request`. @example service.request('call.x.y.z', params, { timeoutMs: 5000, cid }) */
export interface RequestOptions {
  /** Wait before `system.timeout`; pre-responses replace it. Default: the service's requestTimeoutMs. */
  readonly timeoutMs?: number;
  /** Token to send (as Resgate would for a connection). */
  readonly token?: unknown;
  /** Connection ID to send. */
  readonly cid?: string;
}

/**
 * The service as handlers see it (`ctx.service`, `r.service` in `with`, a query callback's
 * `q.service`, a middleware's `req.service`): scoped to the resources the code holds, so `with`
 * and `resetResource` on one of them run at once instead of queueing behind the caller.
 */
export interface ServiceScope {
  /** The service name: the first part of every RID it owns. */
  readonly name: string;
  readonly log: Logger;
  /**
   * A full RID from a pattern of this service and its params (typed from the pattern string).
   * @example rid('book.$id', { id: '7' }) // 'library.book.7'
   */
  rid<P extends string>(pattern: P, params: PathParams<P>, query?: string): string;
  /** Runs `fn` in the resource's queue with its events; inline for a resource the caller holds. */
  with<T>(rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T>;
  /** `system.reset` (default: every owned pattern). */
  reset(patterns?: ResetPatterns): void;
  /** Resets one resource from its queue (after any in-flight get reply), optionally again later. */
  resetResource(rid: string, opts?: ResetResourceOptions): Promise<void>;
  /** Sets a connection's token (`null` clears it), optionally with a token ID for `tokenReset`. */
  tokenEvent(cid: string, token: unknown, tid?: string): void;
  /** `system.tokenReset`: gateways re-authenticate connections holding `tids` through `subject`. */
  tokenReset(tids: readonly string[], subject: string): void;
  /** A request to another service; error replies reject as `ResError`, a resource response resolves to `ref(rid)`. */
  request(target: string | RequestTarget, params?: unknown, opts?: RequestOptions): Promise<unknown>;
}

/** What a query request callback can do: collect events, or return the full state. @example queryEvent(({ query, add }) => { add(newItem, indexIn(query)); }) */
export interface QueryRequestContext<PP = AnyParams, Q = unknown> {
  /** The service, scoped to this resource's queue (the callback holds it). */
  readonly service: ServiceScope;
  readonly rname: string;
  readonly params: PP;
  /** The normalized query Resgate asks about, parsed by the resource's query schema. */
  readonly query: Q;
  /** The normalized query string. */
  readonly normalizedQuery: string;
  readonly change: (values: ChangeValues) => void;
  readonly add: (value: Value, idx: number) => void;
  readonly remove: (idx: number) => void;
}

/**
 * Answers one query request: add events with `q.add/remove/change`, or return `model()` /
 * `collection()` with the full current state; `null` tells Resgate the query resource is gone.
 * @example r.queryEvent(({ query }) => collection(search(query)));
 */
export type QueryCallback<PP = AnyParams, Q = unknown> = (
  q: QueryRequestContext<PP, Q>,
) => ResourceState | null | undefined | Promise<ResourceState | null | undefined>;

/**
 * Events on one resource. Each is published at once, on the connection that carries replies.
 * @example handler: ({ change }) => { change({ title: 'x' }); }
 */
export interface ResourceEvents<PP = AnyParams, Q = unknown> {
  /** Model change: only changed properties. Empty → nothing sent. */
  readonly change: (values: ChangeValues) => void;
  /** Collection add at `idx` (0 ≤ idx ≤ length). */
  readonly add: (value: Value, idx: number) => void;
  /** Collection remove at `idx` (0 ≤ idx < length). */
  readonly remove: (idx: number) => void;
  /** The resource was created. */
  readonly create: () => void;
  /** The resource is deleted; Resgate unsubscribes its clients. */
  readonly delete: () => void;
  /** Access to the resource changed; Resgate re-checks access. */
  readonly reaccess: () => void;
  /** A custom event (not a reserved name), passed to clients as is. */
  readonly event: (name: string, payload?: unknown) => void;
  /**
   * A query event: publishes `event.<rid>.query` with an inbox and answers each query request
   * with `cb` (run in this resource's queue) until the window closes.
   */
  readonly queryEvent: (cb: QueryCallback<PP, Q>) => void;
  /** `system.reset` for this resource name: gateways fetch it again. */
  readonly reset: () => void;
}

/**
 * A resource addressed by `service.with(rid, fn)`: its events and its current value.
 * @example await service.with('library.books', async (r) => { const s = await r.value(); r.add(ref(rid), lengthOf(s)); });
 */
export interface ResourceHandle<PP = AnyParams, Q = unknown> extends ResourceEvents<PP, Q> {
  /** The service, scoped to what this code holds: use it (not a captured service) for `with`/`resetResource`. */
  readonly service: ServiceScope;
  /** Resource name (no query). */
  readonly rname: string;
  readonly params: PP;
  /**
   * The resource's current state from its get handler (null if not found). Once read, later
   * `add`/`remove` on this handle are checked against the collection's length.
   */
  readonly value: () => Promise<ResourceState | null>;
}

/** Members every request context has. @example get: ({ rname, log }) => { log.debug({ rname }, 'get'); return null; } */
export interface RequestContext<PP = AnyParams> {
  /** The service, scoped to what this handler holds: use it (not a captured service) for `with`/`resetResource`. */
  readonly service: ServiceScope;
  /** Resource ID as requested, query included. */
  readonly rid: string;
  /** Resource name (no query). */
  readonly rname: string;
  readonly params: PP;
  /** Request-scoped pino logger. */
  readonly log: Logger;
  /** Sends a pre-response: the requester now waits `ms` from receipt of it. */
  readonly timeout: (ms: number) => void;
}

/** HTTP metadata, honoured only when the request came over HTTP (`isHttp`). @example handler: ({ setStatus, setHeader }) => { setStatus(302); setHeader('Location', '/x'); } */
export interface HttpControls {
  readonly isHttp: boolean;
  /** HTTP status for the reply (Resgate acts on 3XX, 4XX, 5XX). */
  readonly setStatus: (status: number) => void;
  /** Sets (replaces) an HTTP response header; `Set-Cookie` values are added by Resgate. */
  readonly setHeader: (name: string, value: string | readonly string[]) => void;
}

/** Context of a get handler. A get carries no user: its reply is cached and shared. @example get: ({ params, query }) => model(load(params.id, query)) */
export interface GetContext<PP = AnyParams, Q = unknown> extends RequestContext<PP> {
  readonly query: Q;
}

/** Context of an access handler. @example access: ({ token, params }) => canRead(token, params.id) */
export interface AccessContext<PP = AnyParams, Q = unknown, T = unknown> extends RequestContext<PP>, HttpControls {
  readonly cid: string;
  /** The connection's token; null when it has none. */
  readonly token: T;
  readonly query: Q;
}

/** Context of a call handler: the request, the validated input, and the resource's events. @example handler: ({ params, input, change }) => { save(params.id, input); change(input); } */
export interface CallContext<PP = AnyParams, I = unknown, Q = unknown, T = unknown>
  extends RequestContext<PP>, HttpControls, ResourceEvents<PP, Q> {
  readonly method: string;
  readonly cid: string;
  readonly token: T;
  /** Params validated by the call's schema. */
  readonly input: I;
  /** Params as received. */
  readonly rawParams: unknown;
  readonly query: Q;
  /** The resource's current state from its get handler. */
  readonly value: () => Promise<ResourceState | null>;
}

/** Context of an auth handler: a call plus the connection's HTTP details and `setToken`. @example handler: ({ header, setToken }) => { setToken(verify(header.Authorization?.[0])); } */
export interface AuthContext<PP = AnyParams, I = unknown, Q = unknown, T = unknown> extends CallContext<PP, I, Q, T> {
  readonly header: Readonly<Record<string, readonly string[]>>;
  readonly host: string | undefined;
  readonly remoteAddr: string | undefined;
  readonly uri: string | undefined;
  /**
   * Sets the connection's token (`null` clears it), with an optional token ID for
   * `service.tokenReset`. Sent before the reply, and only if the handler succeeds.
   */
  readonly setToken: (token: unknown, tid?: string) => void;
}

/**
 * What middleware sees of a request. `outcome` and `errorCode` are set once the handler ran.
 * @example service.use(async (req, next) => { await next(); if (req.errorCode) req.log.info({ code: req.errorCode }, req.pattern); });
 */
export interface RequestInfo {
  readonly type: RequestType | 'unknown';
  readonly subject: string;
  /** Resource name, without query ('' if the subject was not a RES request). */
  readonly rname: string;
  /** Raw query (without `?`), if any. */
  readonly rawQuery: string | undefined;
  /** Full matched pattern (`library.book.$id`), or `<unknown>`: low-cardinality for metrics. */
  readonly pattern: string;
  /** The call or auth method; '' for get and access. */
  readonly method: string;
  /** The connection ID; '' when the request carried none. */
  readonly cid: string;
  readonly isHttp: boolean;
  /** Request-scoped logger. */
  readonly log: Logger;
  /**
   * The service, scoped to the request's resource: middleware runs in that resource's queue, so
   * `with` on it must go through here (the bare service would wait for this very request).
   */
  readonly service: ServiceScope;
  /** `performance.now()` at receipt (queueing time counts towards Resgate's timeout). */
  readonly receivedAt: number;
  /** `performance.now()` when the request left its queue. */
  readonly startedAt: number;
  /** NATS message headers (for trace context propagation between services). */
  readonly headers: Readonly<Record<string, string>>;
  outcome: Outcome | undefined;
  errorCode: string | undefined;
}

/**
 * Runs around the handler; call `next()` once. Throwing a `ResError` replies with it.
 * @example service.use(async (req, next) => { const t = Date.now(); await next(); req.log.info({ ms: Date.now() - t }); });
 */
export type Middleware = (req: RequestInfo, next: () => Promise<void>) => Promise<void>;

/** One finished request, for metrics. @example { type: 'call', pattern: 'library.book.$id', method: 'set', durationMs: 3.2, queuedMs: 0.1, errorCode: undefined } */
export interface RequestSample {
  readonly type: RequestType | 'unknown';
  /** Full pattern, or `<unknown>`. */
  readonly pattern: string;
  readonly method: string | undefined;
  /** From receipt to reply, queueing included. */
  readonly durationMs: number;
  /** Time spent waiting in the resource's queue. */
  readonly queuedMs: number;
  /** The reply's error code, undefined on success. */
  readonly errorCode: string | undefined;
}

/** The kinds of resource events the runtime counts (see `MetricsHook.onEvent`). */
export type EventKind = 'change' | 'add' | 'remove' | 'create' | 'delete' | 'reaccess' | 'custom' | 'query' | 'reset';

/**
 * Implemented by a metrics module and passed as `createService({ metrics })`.
 * @example const metrics: MetricsHook = { onRequest: (s) => histogram.observe({ type: s.type, pattern: s.pattern }, s.durationMs) };
 */
export interface MetricsHook {
  onRequest(sample: RequestSample): void;
  /** One resource event published (optional). */
  onEvent?(kind: EventKind): void;
}
