/**
 * A resource instance in its queue: its events, its current value, and the context its get
 * handler runs with. One is built per `service.with` and per internal `value()` read; a request
 * (request.ts) is one too, so a handler's context, the resource it acts on and the record
 * middleware sees are the same object.
 *
 * Members are getters on the prototype that hand out bound functions: destructuring
 * (`({ change }) => ...`) stays safe, and a handler pays only for what it reads instead of a
 * dozen closures per request. Every event is checked before it is published: reserved names,
 * value shapes, collection indices.
 */
import type { Logger } from 'pino';
import type { AnyParams, ChangeValues, GetContext, ResourceEvents, ResourceHandle, ServiceScope } from './contract.ts';
import type { ServiceCore } from './core.ts';
import { ResUsageError } from './errors.ts';
import { checkIndex, checkKind, RESERVED_EVENT_NAMES } from './event-checks.ts';
import { joinRid } from './pattern.ts';
import { startQueryEvent } from './query-event.ts';
import { parseQuery } from './query.ts';
import { NO_HOLDS, type Holds } from './queue.ts';
import type { Resource } from './resource.ts';
import { isCollectionResult, isFrozenResult, isModelResult, type ResourceState } from './results.ts';
import type { Route } from './router.ts';
import { checkChange, checkCollection, checkModel, checkValue, type Value } from './values.ts';

/** A get handler's checked answer, ready to encode. */
export type GetAnswer =
  | { readonly kind: 'model'; readonly model: Record<string, unknown>; readonly query: string | undefined; readonly state: ResourceState }
  | {
      readonly kind: 'collection';
      readonly collection: readonly unknown[];
      readonly query: string | undefined;
      readonly state: ResourceState;
    };

export class Handle implements ResourceHandle, GetContext {
  readonly rname: string;
  readonly params: AnyParams;
  /** The parsed query (query resources; set before the get handler runs). */
  query: unknown = undefined;
  /** @internal The routed definition, params and queue key. */ readonly route: Route;
  /** @internal */ readonly def: Resource;
  /** @internal The queue key (null: parallel). */ readonly key: string | null;
  /** @internal The raw query (without `?`), undefined when none. */ rawQuery: string | undefined;
  /** @internal The queue keys the code using this handle holds (its `service` can `with` them at once). */ holds: Holds;
  protected readonly core: ServiceCore;
  /** The collection's length once `value()` read it: later add/remove are checked against it. */
  #length: number | undefined;
  #scope: ServiceScope | undefined;

  constructor(core: ServiceCore, route: Route, rawQuery: string | undefined, holds: Holds = NO_HOLDS) {
    this.core = core;
    this.route = route;
    this.def = route.def;
    this.rname = route.rname;
    this.params = route.params;
    this.key = route.key;
    this.rawQuery = rawQuery;
    this.holds = holds;
  }

  get rid(): string {
    return joinRid(this.rname, this.rawQuery);
  }
  get log(): Logger {
    return this.core.log;
  }
  get service(): ServiceScope {
    this.#scope ??= this.core.scope(this.holds);
    return this.#scope;
  }
  /** No requester to extend: a pre-response is only for requests (see request.ts). */
  get timeout(): (ms: number) => void {
    return () => undefined;
  }

  get change(): ResourceEvents['change'] {
    return (values) => {
      this.#change(values);
    };
  }
  get add(): ResourceEvents['add'] {
    return (value, idx) => {
      this.#add(value, idx);
    };
  }
  get remove(): ResourceEvents['remove'] {
    return (idx) => {
      this.#remove(idx);
    };
  }
  // The protocol: create, delete and reaccess events have no payload.
  get create(): ResourceEvents['create'] {
    return () => {
      this.#publish('create', 'create');
    };
  }
  get delete(): ResourceEvents['delete'] {
    return () => {
      this.#publish('delete', 'delete');
    };
  }
  get reaccess(): ResourceEvents['reaccess'] {
    return () => {
      this.#publish('reaccess', 'reaccess');
    };
  }
  get event(): ResourceEvents['event'] {
    return (name, payload) => {
      this.#event(name, payload);
    };
  }
  get queryEvent(): ResourceEvents['queryEvent'] {
    return (cb) => {
      startQueryEvent(this.core, this, cb);
    };
  }
  get reset(): ResourceEvents['reset'] {
    return () => {
      this.core.counted('reset');
      this.core.publish('system.reset', JSON.stringify({ resources: [this.rname] }));
    };
  }
  get value(): ResourceHandle['value'] {
    return () => this.#value();
  }

  #publish(name: string, kind: 'create' | 'delete' | 'reaccess' | 'custom', payload?: string): void {
    this.core.counted(kind);
    this.core.publish(`event.${this.rname}.${name}`, payload);
  }

  #change(values: ChangeValues): void {
    checkKind(this.def.spec.kind, this.def.pattern, 'change');
    const checked = checkChange(values);
    if (Object.keys(checked).length === 0) return;
    this.core.counted('change');
    // The protocol (1.2): the change payload is { values: {...} } with only changed properties.
    this.core.publish(`event.${this.rname}.change`, JSON.stringify({ values: checked }));
  }

  #add(value: Value, idx: number): void {
    checkKind(this.def.spec.kind, this.def.pattern, 'add');
    checkIndex('add', idx, this.#length);
    checkValue(value, 'add.value');
    this.core.counted('add');
    this.core.publish(`event.${this.rname}.add`, JSON.stringify({ value, idx }));
    if (this.#length !== undefined) this.#length++;
  }

  #remove(idx: number): void {
    checkKind(this.def.spec.kind, this.def.pattern, 'remove');
    checkIndex('remove', idx, this.#length);
    this.core.counted('remove');
    this.core.publish(`event.${this.rname}.remove`, JSON.stringify({ idx }));
    if (this.#length !== undefined) this.#length--;
  }

  #event(name: string, payload: unknown): void {
    if (RESERVED_EVENT_NAMES.has(name)) throw new ResUsageError(`event: "${name}" is a reserved event name; use its own method`);
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ResUsageError(`event: invalid event name ${JSON.stringify(name)}`);
    this.#publish(name, 'custom', payload === undefined ? undefined : JSON.stringify(payload));
  }

  async #value(): Promise<ResourceState | null> {
    // A fresh handle for the get handler: its context is not this caller's (which may be a call).
    const reader = new Handle(this.core, this.route, this.rawQuery, this.holds);
    const answer = await invokeGet(reader);
    if (answer?.kind === 'collection') this.#length = answer.collection.length;
    return answer?.state ?? null;
  }
}

/**
 * Runs the get handler with `h` as its context (parsing the query for query resources) and
 * checks the answer. Null = not found.
 */
export async function invokeGet(h: Handle): Promise<GetAnswer | null> {
  const { def } = h;
  const get = def.spec.get;
  if (get === undefined) return null;
  const q = def.spec.query === undefined ? undefined : await parseQuery({ schema: def.spec.query, normalize: def.normalize }, h.rawQuery);
  h.query = q?.value;
  const state: unknown = await (get as (c: GetContext) => unknown)(h);
  if (state === null || state === undefined) return null;
  const kind = def.spec.kind;
  if (isModelResult(state) && kind !== 'collection') {
    return {
      kind: 'model',
      model: verified.has(state) ? state.model : verify(state, checkModel(state.model), state.model),
      query: q?.normalized,
      state,
    };
  }
  if (isCollectionResult(state) && kind !== 'model') {
    const c = verified.has(state) ? state.collection : verify(state, checkCollection(state.collection), state.collection);
    return { kind: 'collection', collection: c, query: q?.normalized, state };
  }
  throw new ResUsageError(
    `get ${def.pattern}: return model(...) or collection(...)${kind === undefined ? '' : ` (declared kind: ${kind})`}, or null`,
  );
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
