/**
 * The query event cycle: subscribe a fresh inbox, publish `event.<rid>.query` with it, answer
 * each query request Resgate sends there (one per cached query) for the window, unsubscribe.
 */
import { createInbox, type Msg } from '@nats-io/transport-node';
import type { QueryCallback, QueryRequestContext } from './context.ts';
import type { ServiceCore } from './core.ts';
import { ErrorCode, ResError, toErrorObject } from './errors.ts';
import { checkIndex, checkKind } from './event-checks.ts';
import type { Target } from './handle.ts';
import { parseQuery } from './query.ts';
import type { Holds } from './queue.ts';
import { encodeReply, type Outcome } from './reply.ts';
import { isCollectionResult, isModelResult } from './results.ts';
import type { ServiceScope } from './scope.ts';
import { checkChange, checkCollection, checkModel, checkValue } from './values.ts';

/** One event in a query response: `{ event, data }`. */
interface QueryEventItem { readonly event: string; readonly data: unknown }

/**
 * Starts a query event for the target resource. `cb` runs in the resource's queue for each
 * query request until the window (`queryWindowMs`, Resgate's request timeout) closes.
 */
export function startQueryEvent(core: ServiceCore, t: Target, cb: QueryCallback): void {
  const inbox = createInbox();
  const sub = core.connection().subscribe(inbox, {
    callback: (err, msg) => {
      if (err !== null) { core.log.warn({ err, rid: t.rname }, 'query inbox error'); return; }
      const reply = msg.reply;
      if (reply === undefined) return;
      // Never block the read loop: answer in the resource's queue.
      if (!core.queue.push(t.key, (holds) => answer(core, t, cb, msg, reply, holds))) {
        core.publish(reply, encodeReply({ kind: 'error', error: ResError.internal().toErrorObject() }));
      }
    },
  });
  const close = (): void => { clearTimeout(timer); sub.unsubscribe(); untrack(); };
  const timer = setTimeout(close, core.options.queryWindowMs);
  const untrack = core.trackWindow(close);
  // The protocol: the inbox is subscribed before the event is published (same connection, so
  // the server has the subscription first), and stays open for the window.
  core.publish(`event.${t.rname}.query`, JSON.stringify({ subject: inbox }));
}

async function answer(core: ServiceCore, t: Target, cb: QueryCallback, msg: Msg, reply: string, holds: Holds): Promise<void> {
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
  try { q = (msg.json<{ query?: unknown }>()).query; } catch { q = undefined; }
  if (typeof q !== 'string') throw new ResError(ErrorCode.InvalidQuery, 'Query request without a query');
  return q;
}

async function collect(t: Target, cb: QueryCallback, normalizedQuery: string, service: ServiceScope): Promise<Outcome> {
  const q = t.def.spec.query === undefined ? undefined : await parseQuery({ schema: t.def.spec.query, normalize: t.def.normalize }, normalizedQuery);
  const events: QueryEventItem[] = [];
  const ctx: QueryRequestContext = {
    service, rname: t.rname, params: t.params, query: q?.value, normalizedQuery,
    change: (values) => {
      checkKind(t.def, 'change');
      const checked = checkChange(values);
      if (Object.keys(checked).length > 0) events.push({ event: 'change', data: { values: checked } });
    },
    add: (value, idx) => { checkKind(t.def, 'add'); checkIndex('add', idx, undefined); checkValue(value, 'add.value'); events.push({ event: 'add', data: { value, idx } }); },
    remove: (idx) => { checkKind(t.def, 'remove'); checkIndex('remove', idx, undefined); events.push({ event: 'remove', data: { idx } }); },
  };
  const state = await cb(ctx);
  // A notFound answer makes Resgate treat the query resource as deleted.
  if (state === null) throw ResError.notFound();
  // The protocol (1.2+): the result is events, or the full model/collection — never both.
  if (isModelResult(state)) return { kind: 'result', result: { model: checkModel(state.model) } };
  if (isCollectionResult(state)) return { kind: 'result', result: { collection: checkCollection(state.collection) } };
  return { kind: 'result', result: { events } };
}
