/**
 * The objects handlers receive. Members are function-typed properties (not methods), so
 * destructuring `({ params, input, change }) => ...` is safe.
 */
import type { Logger } from 'pino';
import type { ResourceState } from './results.ts';
import type { ServiceScope } from './scope.ts';
import type { DeleteAction, Value } from './values.ts';

/** Path params of a resource matched without a typed pattern. @example await service.with(rid, (r) => r.params.id) */
export type AnyParams = Readonly<Record<string, string>>;

/** Change-event values: new values, or `deleteAction` to remove a property. @example change({ title: 'New', note: deleteAction }) */
export type ChangeValues = Readonly<Record<string, Value | DeleteAction>>;

/** What a query request callback can do: collect events, or return the full state. @example queryEvent(({ query, add }) => { add(newItem, indexIn(query)); }) */
export interface QueryRequestContext<PP = AnyParams, Q = unknown> {
  /** The service, scoped to this resource's queue (the callback holds it): see `RequestContext.service`. */
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
export type QueryCallback<PP = AnyParams, Q = unknown> =
  (q: QueryRequestContext<PP, Q>) => ResourceState | null | undefined | Promise<ResourceState | null | undefined>;

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
   * A query event: subscribes a fresh inbox, publishes `event.<rid>.query`, and answers each
   * query request with `cb` (run in this resource's queue) until the window closes.
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
  /** The service, scoped to what this handler holds: use it (not a captured service) for `with`/`resetResource`. */
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
