/**
 * A resource's events and value, shared by call/auth contexts and `service.with`. Every event is
 * checked before it is published: reserved names, value shapes, and collection indices.
 */
import type { Logger } from 'pino';
import type { AnyParams, GetContext, ResourceEvents, ResourceHandle } from './context.ts';
import type { ServiceCore } from './core.ts';
import { ResUsageError } from './errors.ts';
import { checkIndex, checkKind, RESERVED_EVENT_NAMES } from './event-checks.ts';
import { parseQuery } from './query.ts';
import type { Resource } from './resource.ts';
import { isCollectionResult, isModelResult, type ResourceState } from './results.ts';
import { startQueryEvent } from './query-event.ts';
import { checkChange, checkCollection, checkModel, checkValue } from './values.ts';

/** A routed resource instance. */
export interface Target {
  readonly def: Resource;
  readonly rname: string;
  readonly params: AnyParams;
  readonly key: string | null;
  readonly rawQuery?: string | undefined;
}

/** A get handler's checked answer, ready to encode. */
export type GetAnswer =
  | { readonly kind: 'model'; readonly model: Record<string, unknown>; readonly query: string | undefined; readonly state: ResourceState }
  | { readonly kind: 'collection'; readonly collection: readonly unknown[]; readonly query: string | undefined; readonly state: ResourceState };

/**
 * Runs the get handler, parsing the query for query resources, and checks the answer.
 * Null = not found.
 */
export async function invokeGet(core: ServiceCore, t: Target, log: Logger, timeout: (ms: number) => void): Promise<GetAnswer | null> {
  const get = t.def.spec.get;
  if (get === undefined) return null;
  const q = t.def.spec.query === undefined ? undefined : await parseQuery({ schema: t.def.spec.query, normalize: t.def.normalize }, t.rawQuery);
  const ctx: GetContext = {
    service: core.service, rid: t.rawQuery === undefined ? t.rname : `${t.rname}?${t.rawQuery}`, rname: t.rname,
    params: t.params, log, timeout, query: q?.value,
  };
  const state: unknown = await (get as (c: typeof ctx) => unknown)(ctx);
  if (state === null || state === undefined) return null;
  const kind = t.def.spec.kind;
  if (isModelResult(state) && kind !== 'collection') return { kind: 'model', model: checkModel(state.model), query: q?.normalized, state };
  if (isCollectionResult(state) && kind !== 'model') return { kind: 'collection', collection: checkCollection(state.collection), query: q?.normalized, state };
  throw new ResUsageError(`get ${t.def.pattern}: return model(...) or collection(...)${kind === undefined ? '' : ` (declared kind: ${kind})`}, or null`);
}

/** Builds the events of one resource (and its `value()`), publishing on the core connection. */
export function createHandle(core: ServiceCore, t: Target, log: Logger = core.log): ResourceHandle {
  let length: number | undefined;
  const subject = (name: string): string => `event.${t.rname}.${name}`;
  const events: ResourceEvents = {
    change: (values) => {
      checkKind(t.def, 'change');
      const checked = checkChange(values);
      if (Object.keys(checked).length === 0) return;
      // The protocol (1.2): the change payload is { values: {...} } with only changed properties.
      core.publish(subject('change'), JSON.stringify({ values: checked }));
    },
    add: (value, idx) => {
      checkKind(t.def, 'add');
      checkIndex('add', idx, length);
      checkValue(value, 'add.value');
      core.publish(subject('add'), JSON.stringify({ value, idx }));
      if (length !== undefined) length++;
    },
    remove: (idx) => {
      checkKind(t.def, 'remove');
      checkIndex('remove', idx, length);
      core.publish(subject('remove'), JSON.stringify({ idx }));
      if (length !== undefined) length--;
    },
    // The protocol: create, delete and reaccess events have no payload.
    create: () => { core.publish(subject('create')); },
    delete: () => { core.publish(subject('delete')); },
    reaccess: () => { core.publish(subject('reaccess')); },
    event: (name, payload) => {
      if (RESERVED_EVENT_NAMES.has(name)) throw new ResUsageError(`event: "${name}" is a reserved event name; use its own method`);
      if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new ResUsageError(`event: invalid event name ${JSON.stringify(name)}`);
      core.publish(subject(name), payload === undefined ? undefined : JSON.stringify(payload));
    },
    queryEvent: (cb) => { startQueryEvent(core, t, cb); },
    reset: () => { core.publish('system.reset', JSON.stringify({ resources: [t.rname] })); },
  };
  return {
    ...events,
    service: core.service,
    rname: t.rname,
    params: t.params,
    value: async () => {
      const answer = await invokeGet(core, t, log, () => undefined);
      if (answer?.kind === 'collection') length = answer.collection.length;
      return answer?.state ?? null;
    },
  };
}
