/**
 * A resource's events and value, shared by call/auth contexts and `service.with`. Every event is
 * checked before it is published: reserved names, value shapes, and collection indices.
 */
import type { Logger } from 'pino';
import type { AnyParams, ChangeValues, GetContext, ResourceEvents, ResourceHandle } from './context.ts';
import type { ServiceCore } from './core.ts';
import type { ServiceScope } from './scope.ts';
import { ResUsageError } from './errors.ts';
import { checkIndex, checkKind, RESERVED_EVENT_NAMES } from './event-checks.ts';
import { joinRid } from './pattern.ts';
import { parseQuery } from './query.ts';
import { NO_HOLDS, type Holds } from './queue.ts';
import type { Resource } from './resource.ts';
import { isCollectionResult, isFrozenResult, isModelResult, type ResourceState } from './results.ts';
import { startQueryEvent } from './query-event.ts';
import { checkChange, checkCollection, checkModel, checkValue, type Value } from './values.ts';

/** A routed resource instance. */
export interface Target {
  readonly def: Resource;
  readonly rname: string;
  readonly params: AnyParams;
  readonly key: string | null;
  readonly rawQuery?: string | undefined;
}

/** Whose logger a context uses: the request's (built on first use), or the service's. */
export interface Logs { readonly log: Logger }

/** Where a context's `timeout(ms)` pre-responses go. */
export interface Timer { timeout(ms: number): void }

/** For gets with no requester to extend (`r.value()`). */
const NO_TIMER: Timer = { timeout: () => undefined };

/**
 * A get handler's context. Like the call context (see Handle), a class: the service scope, the
 * logger and `timeout` are built only if the handler reads them.
 */
class Get implements GetContext {
  readonly rid: string;
  readonly rname: string;
  readonly params: AnyParams;
  readonly query: unknown;
  readonly #core: ServiceCore;
  readonly #x: { readonly logs: Logs; readonly timer: Timer; readonly holds: Holds };
  #scope: ServiceScope | undefined;

  constructor(core: ServiceCore, t: Target, query: unknown, x: { readonly logs: Logs; readonly timer: Timer; readonly holds: Holds }) {
    this.rid = joinRid(t.rname, t.rawQuery);
    this.rname = t.rname;
    this.params = t.params;
    this.query = query;
    this.#core = core;
    this.#x = x;
  }

  get service(): ServiceScope {
    this.#scope ??= this.#core.scope(this.#x.holds);
    return this.#scope;
  }
  get log(): Logger { return this.#x.logs.log; }
  get timeout(): GetContext['timeout'] { return (ms) => { this.#x.timer.timeout(ms); }; }
}

/** A get handler's checked answer, ready to encode. */
export type GetAnswer =
  | { readonly kind: 'model'; readonly model: Record<string, unknown>; readonly query: string | undefined; readonly state: ResourceState }
  | { readonly kind: 'collection'; readonly collection: readonly unknown[]; readonly query: string | undefined; readonly state: ResourceState };

/**
 * Runs the get handler, parsing the query for query resources, and checks the answer.
 * Null = not found.
 */
export async function invokeGet(core: ServiceCore, t: Target, logs: Logs, timer: Timer, holds: Holds): Promise<GetAnswer | null> {
  const get = t.def.spec.get;
  if (get === undefined) return null;
  const q = t.def.spec.query === undefined ? undefined : await parseQuery({ schema: t.def.spec.query, normalize: t.def.normalize }, t.rawQuery);
  const state: unknown = await (get as (c: GetContext) => unknown)(new Get(core, t, q?.value, { logs, timer, holds }));
  if (state === null || state === undefined) return null;
  const kind = t.def.spec.kind;
  if (isModelResult(state) && kind !== 'collection') return { kind: 'model', model: verified.has(state) ? state.model : verify(state, checkModel(state.model), state.model), query: q?.normalized, state };
  if (isCollectionResult(state) && kind !== 'model') return { kind: 'collection', collection: verified.has(state) ? state.collection : verify(state, checkCollection(state.collection), state.collection), query: q?.normalized, state };
  throw new ResUsageError(`get ${t.def.pattern}: return model(...) or collection(...)${kind === undefined ? '' : ` (declared kind: ${kind})`}, or null`);
}

/** `frozen()` results whose values passed the checks once: they cannot have changed since. */
const verified = new WeakSet<ResourceState>();

/**
 * After the checks passed: a frozen `state` is remembered as checked and answered with its own
 * value (so the reply can be matched to it, see `rememberedReply`); anything else with the checked copy.
 */
function verify<V>(state: ResourceState, checkedValue: V, own: V): V {
  if (!isFrozenResult(state)) return checkedValue;
  verified.add(state);
  return own;
}

/**
 * The events of one resource (and its `value()`), published on the core connection. One is built
 * per call and per `service.with`, so the members are getters on the prototype that hand out a
 * bound function: destructuring (`({ change }) => ...`) stays safe, and a handler pays only for
 * the members it reads instead of a dozen closures per request.
 */
export class Handle implements ResourceHandle {
  /** The collection's length once `value()` read it: later add/remove are checked against it. */
  #length: number | undefined;

  // Private fields, not constructor properties: a context shows handlers only its members.
  readonly #core: ServiceCore;
  readonly #target: Target;
  readonly #logs: Logs;
  readonly #holds: Holds;
  #scope: ServiceScope | undefined;

  /**
   * `logs`: whose logger to use (the request's), default the service's. `holds`: the queue keys
   * the code using this handle holds, so its `service` can run `with` on them at once.
   */
  constructor(core: ServiceCore, target: Target, logs: Logs = core, holds: Holds = NO_HOLDS) {
    this.#core = core;
    this.#target = target;
    this.#logs = logs;
    this.#holds = holds;
  }

  get log(): Logger { return this.#logs.log; }

  get service(): ServiceScope {
    this.#scope ??= this.#core.scope(this.#holds);
    return this.#scope;
  }
  get rname(): string { return this.#target.rname; }
  get params(): AnyParams { return this.#target.params; }

  get change(): ResourceEvents['change'] { return (values) => { this.#change(values); }; }
  get add(): ResourceEvents['add'] { return (value, idx) => { this.#add(value, idx); }; }
  get remove(): ResourceEvents['remove'] { return (idx) => { this.#remove(idx); }; }
  // The protocol: create, delete and reaccess events have no payload.
  get create(): ResourceEvents['create'] { return () => { this.#core.publish(this.#subject('create')); }; }
  get delete(): ResourceEvents['delete'] { return () => { this.#core.publish(this.#subject('delete')); }; }
  get reaccess(): ResourceEvents['reaccess'] { return () => { this.#core.publish(this.#subject('reaccess')); }; }
  get event(): ResourceEvents['event'] { return (name, payload) => { this.#event(name, payload); }; }
  get queryEvent(): ResourceEvents['queryEvent'] { return (cb) => { startQueryEvent(this.#core, this.#target, cb); }; }
  get reset(): ResourceEvents['reset'] { return () => { this.#core.publish('system.reset', JSON.stringify({ resources: [this.#target.rname] })); }; }
  get value(): ResourceHandle['value'] { return () => this.#value(); }

  #subject(name: string): string {
    return `event.${this.#target.rname}.${name}`;
  }

  #change(values: ChangeValues): void {
    checkKind(this.#target.def, 'change');
    const checked = checkChange(values);
    if (Object.keys(checked).length === 0) return;
    // The protocol (1.2): the change payload is { values: {...} } with only changed properties.
    this.#core.publish(this.#subject('change'), JSON.stringify({ values: checked }));
  }

  #add(value: Value, idx: number): void {
    checkKind(this.#target.def, 'add');
    checkIndex('add', idx, this.#length);
    checkValue(value, 'add.value');
    this.#core.publish(this.#subject('add'), JSON.stringify({ value, idx }));
    if (this.#length !== undefined) this.#length++;
  }

  #remove(idx: number): void {
    checkKind(this.#target.def, 'remove');
    checkIndex('remove', idx, this.#length);
    this.#core.publish(this.#subject('remove'), JSON.stringify({ idx }));
    if (this.#length !== undefined) this.#length--;
  }

  #event(name: string, payload: unknown): void {
    if (RESERVED_EVENT_NAMES.has(name)) throw new ResUsageError(`event: "${name}" is a reserved event name; use its own method`);
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ResUsageError(`event: invalid event name ${JSON.stringify(name)}`);
    this.#core.publish(this.#subject(name), payload === undefined ? undefined : JSON.stringify(payload));
  }

  async #value(): Promise<ResourceState | null> {
    const answer = await invokeGet(this.#core, this.#target, this.#logs, NO_TIMER, this.#holds);
    if (answer?.kind === 'collection') this.#length = answer.collection.length;
    return answer?.state ?? null;
  }
}
