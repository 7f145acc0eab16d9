/**
 * The query event cycle: open a window on the service's query inbox, publish
 * `event.<rid>.query` naming it, and answer each query request Resgate sends there (one per
 * cached query of the resource) in the resource's queue until the window closes.
 */
import type { Msg } from '@nats-io/transport-node';
import type { QueryCallback, QueryRequestContext, ServiceScope } from './contract.ts';
import type { ServiceCore } from './core.ts';
import { ErrorCode, ResError, toErrorObject } from './errors.ts';
import { checkIndex, checkKind } from './event-checks.ts';
import { parseQuery } from './query.ts';
import type { Holds } from './queue.ts';
import { encodeReply, type Outcome } from './reply.ts';
import type { Resource } from './resource.ts';
import { isCollectionResult, isModelResult } from './results.ts';
import { checkChange, checkCollection, checkModel, checkValue } from './values.ts';

/** The resource a query event is for (a Handle satisfies it). */
export interface QueryTarget {
  readonly def: Resource;
  readonly rname: string;
  readonly params: Readonly<Record<string, string>>;
  readonly key: string | null;
}

/** One event in a query response: `{ event, data }`. */
interface QueryEventItem {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Starts a query event for the target resource. `cb` runs in the resource's queue for each
 * query request until the window (`queryWindowMs`, Resgate's request timeout) closes.
 */
export function startQueryEvent(core: ServiceCore, t: QueryTarget, cb: QueryCallback): void {
  const subject = core.queries.open((msg, reply) => {
    // Never block the read loop: answer in the resource's queue.
    if (!core.queue.push(t.key, (holds) => answer(core, t, cb, msg, reply, holds))) {
      core.publish(reply, encodeReply({ kind: 'error', error: ResError.internal().toErrorObject() }));
    }
  }, core.options.queryWindowMs);
  core.counted('query');
  // The protocol: the inbox is subscribed before the event is published (the query inbox
  // subscribes on this same connection before it hands out a subject).
  core.publish(`event.${t.rname}.query`, JSON.stringify({ subject }));
}

async function answer(core: ServiceCore, t: QueryTarget, cb: QueryCallback, msg: Msg, reply: string, holds: Holds): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await collect(t, cb, queryOf(msg), core.scope(holds));
  } catch (err) {
    const { error, unexpected } = toErrorObject(err);
    if (unexpected) core.log.error({ err, rid: t.rname }, 'query request failed');
    outcome = { kind: 'error', error };
  }
  core.publish(reply, encodeReply(outcome));
}

function queryOf(msg: Msg): string {
  let q: unknown;
  try {
    q = msg.json<{ query?: unknown }>().query;
  } catch {
    q = undefined;
  }
  if (typeof q !== 'string') throw new ResError(ErrorCode.InvalidQuery, 'Query request without a query');
  return q;
}

async function collect(t: QueryTarget, cb: QueryCallback, normalizedQuery: string, service: ServiceScope): Promise<Outcome> {
  const { def } = t;
  const q =
    def.spec.query === undefined ? undefined : await parseQuery({ schema: def.spec.query, normalize: def.normalize }, normalizedQuery);
  const events: QueryEventItem[] = [];
  const kind = def.spec.kind;
  const ctx: QueryRequestContext = {
    service,
    rname: t.rname,
    params: t.params,
    query: q?.value,
    normalizedQuery,
    change: (values) => {
      checkKind(kind, def.pattern, 'change');
      const checked = checkChange(values);
      if (Object.keys(checked).length > 0) events.push({ event: 'change', data: { values: checked } });
    },
    add: (value, idx) => {
      checkKind(kind, def.pattern, 'add');
      checkIndex('add', idx, undefined);
      checkValue(value, 'add.value');
      events.push({ event: 'add', data: { value, idx } });
    },
    remove: (idx) => {
      checkKind(kind, def.pattern, 'remove');
      checkIndex('remove', idx, undefined);
      events.push({ event: 'remove', data: { idx } });
    },
  };
  const state = await cb(ctx);
  // A notFound answer makes Resgate treat the query resource as deleted.
  if (state === null) throw ResError.notFound();
  // The protocol (1.2+): the result is events, or the full model/collection — never both.
  if (isModelResult(state)) return { kind: 'result', result: { model: checkModel(state.model) } };
  if (isCollectionResult(state)) return { kind: 'result', result: { collection: checkCollection(state.collection) } };
  return { kind: 'result', result: { events } };
}
