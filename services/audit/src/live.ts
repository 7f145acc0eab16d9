/**
 * The audit service's live resources, bound to its data (a @hub/store Bindable, as `liveSearch`
 * is): `audit.entries`, `audit.history.<service>.<resource>.<id>`, `audit.entry.<id>` and
 * `audit.lag`.
 *
 * Why not `defineTable`/`liveSearch`: the trail is an append-only table partitioned by month,
 * with a composite key and batched, idempotent inserts from the stream — and every table-layer
 * write emits a domain event of its own, which this service would then consume (the audit of the
 * audit, for ever). So the resources are `defineResource`s and the updates are the runtime's
 * query events, by the same rules as the SDK's live searches (shared/store/src/live-search.ts):
 *
 * - entries, every history and lag share ONE queue key (`audit.entries`), so one instance owns
 *   them all and alone sends their events, in order with its replies;
 * - an instance that stored new entries announces them itself if it owns that key, else sends
 *   the owner a notice (several instances share the consumer); lost notices while ownership moves
 *   are covered by the new owner's reset;
 * - a query event answers each cached query with the full current result if a new entry can
 *   change it (`affects`, in TypeScript), else with no events — so offsets and paging stay exact.
 */
import { collection, ref, type Resource, type ServiceScope } from '@hub/res';
import type { Bindable, BindContext, Placement, SearchQuery } from '@hub/store';
import type { Logger } from 'pino';
import { entrySearch, type Entries } from './entries.ts';
import type { EntryKey } from './events.ts';
import type { Lag, LagValues } from './lag.ts';
import { entriesResource } from './resources/entries.ts';
import { entryResource } from './resources/entry.ts';
import { HISTORY, historyResource } from './resources/history.ts';
import { lagResource } from './resources/lag.ts';

/** A value usable as one RID token. */
const TOKEN = /^[^.*>?\s]+$/;

export class AuditLive implements Bindable {
  #placement: Placement | undefined;
  /** Entries stored but not yet announced (they share one query event). */
  #pending: EntryKey[] = [];

  constructor(
    readonly store: Entries,
    readonly lag: Lag,
    readonly log: Logger,
  ) {}

  bind(ctx: BindContext): readonly Resource[] {
    this.#placement = ctx.placement;
    ctx.onStart((scope) => {
      this.#placement?.onNotice(scope.rid('entries', {}), (payload) => {
        this.#announce(scope, JSON.parse(payload) as EntryKey[]).catch((err: unknown) => {
          this.log.warn({ err }, 'audit entries notice not announced');
        });
      });
    });
    return [entriesResource(this), historyResource(this), entryResource(this.store), lagResource(this.lag)];
  }

  /** The current result of an entries query. */
  async entries(scope: Pick<ServiceScope, 'rid'>, q: SearchQuery): Promise<ReturnType<typeof collection>> {
    const ids = await entrySearch.find(this.store.db, 'entries', q);
    return collection(ids.map((id) => ref(scope.rid('entry.$id', { id }))));
  }

  /** The current result of a history query. */
  async history(
    scope: Pick<ServiceScope, 'rid'>,
    p: Readonly<Record<string, string>>,
    q: SearchQuery,
  ): Promise<ReturnType<typeof collection>> {
    const ids = await this.store.history({ service: p.service ?? '', resource: p.resource ?? '', id: p.id ?? '' }, q);
    return collection(ids.map((id) => ref(scope.rid('entry.$id', { id }))));
  }

  /** Entries this instance has just stored: their query events, from the owner. */
  async stored(scope: ServiceScope, keys: readonly EntryKey[]): Promise<void> {
    if (keys.length === 0) return;
    const rid = scope.rid('entries', {});
    const p = this.#placement;
    if (p !== undefined && !p.owns(rid)) p.notify(rid, JSON.stringify(keys));
    else await this.#announce(scope, keys);
  }

  /** New lag values: a change event of `audit.lag`, from the owner. */
  async lagChanged(scope: ServiceScope, v: LagValues): Promise<void> {
    const rid = scope.rid('lag', {});
    if (this.#placement !== undefined && !this.#placement.owns(rid)) return;
    await scope.with(rid, (r) => {
      r.change({ ...v });
    });
  }

  async #announce(scope: ServiceScope, keys: readonly EntryKey[]): Promise<void> {
    this.#pending.push(...keys);
    const rid = scope.rid('entries', {});
    await scope.with(rid, async (r) => {
      const batch = this.#pending;
      if (batch.length === 0) return; // an earlier turn announced ours
      this.#pending = [];
      const p = this.#placement;
      if (p !== undefined && !p.owns(rid)) {
        p.notify(rid, JSON.stringify(batch)); // ownership moved while this waited
        return;
      }
      const mutations = batch.map((after) => ({ before: null, after }));
      r.queryEvent(async (qr) => {
        const q = qr.query as SearchQuery;
        return (await entrySearch.affects(this.store.db, q, mutations)) ? this.entries(qr.service, q) : undefined;
      });
      // Every history with a new entry changed (whatever its page): the full result for each query.
      const histories = new Map(batch.map((e) => [`${e.service}.${e.resource}.${e.resourceId}`, e]));
      for (const e of histories.values()) {
        if (![e.service, e.resource, e.resourceId].every((t) => TOKEN.test(t))) continue;
        const hrid = r.service.rid(HISTORY, { service: e.service, resource: e.resource, id: e.resourceId });
        await r.service.with(hrid, (h) => {
          h.queryEvent((qr) => this.history(qr.service, h.params, qr.query as SearchQuery));
        });
      }
    });
  }
}
