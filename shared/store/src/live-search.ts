/**
 * A live search at run time: answers gets of its queries from Postgres, and turns committed
 * mutations into query events.
 *
 * Query events are published from the collection's queue, so one never overtakes the reply of a
 * get of the collection that read before the commit (Resgate drops events that arrive while it
 * fetches; it would keep the older result). Mutations that reach the queue together share one
 * query event: whoever gets the queue first publishes for every mutation pending, later turns
 * find nothing left. A writer already holding the collection's queue (a `create` on it)
 * publishes at once.
 *
 * Each query request Resgate then sends is answered in that queue too: "no events" when no
 * mutation of the event can change that query's result (decided mostly without SQL, see
 * search.ts), else the full current result, from which Resgate sends clients add/remove at the
 * exact indices. Full results rather than computed deltas keep every open query right however
 * mutations interleave.
 *
 * With several instances the collection has ONE owner (its own partition), which alone sends its
 * query events; a commit on an instance that does not own it sends the mutation to the owner as
 * a notice instead. Notices may arrive in any order: each query request is answered from Postgres
 * as it is when asked, so order cannot matter. One lost while the collection changes owner is
 * covered by the new owner's reset.
 */
import { collection, ref, type ServiceScope } from '@hub/res';
import type { Placement } from './bind.ts';
import type { Db } from './db.ts';
import type { CompiledSearch, Mutation, SearchQuery } from './search.ts';

export class LiveSearch {
  readonly #db: Db;
  readonly #table: string;
  readonly #search: CompiledSearch;
  readonly #pattern: string;
  readonly #modelPattern: string;
  readonly #placement: Placement | undefined;
  /** Mutations committed but not yet announced. */
  #pending: Mutation[] = [];
  #listening = false;

  constructor(o: {
    db: Db;
    table: string;
    search: CompiledSearch;
    pattern: string;
    modelPattern: string;
    placement?: Placement | undefined;
  }) {
    this.#db = o.db;
    this.#table = o.table;
    this.#search = o.search;
    this.#pattern = o.pattern;
    this.#modelPattern = o.modelPattern;
    this.#placement = o.placement;
  }

  /** Starts taking notices of mutations committed by other instances (several instances). */
  listen(scope: ServiceScope): void {
    if (this.#placement === undefined || this.#listening) return;
    this.#listening = true;
    this.#placement.onNotice(scope.rid(this.#pattern, {}), (payload) => {
      this.announce(scope, JSON.parse(payload) as Mutation).catch((err: unknown) => {
        scope.log.warn({ err }, 'search notice not announced');
      });
    });
  }

  /** The current result of `q` as model references. */
  async result(scope: Pick<ServiceScope, 'rid'>, q: SearchQuery): Promise<ReturnType<typeof collection>> {
    const ids = await this.#search.find(this.#db, this.#table, q);
    return collection(ids.map((id) => ref(scope.rid(this.#modelPattern, { id }))));
  }

  /** Sends the query event for `m` (shared with mutations pending at the same time). */
  async announce(scope: ServiceScope, m: Mutation): Promise<void> {
    if (m.changed !== undefined && !Object.keys(m.changed).some((k) => this.#search.fields.has(k))) return;
    const rid = scope.rid(this.#pattern, {});
    const p = this.#placement;
    if (p !== undefined && !p.owns(rid)) {
      p.notify(rid, JSON.stringify(m));
      return;
    }
    this.#pending.push(m);
    await scope.with(rid, (r) => {
      const batch = this.#pending;
      if (batch.length === 0) return; // an earlier turn announced ours
      this.#pending = [];
      // The collection may have changed owner while this waited in its queue: its owner announces.
      if (p !== undefined && !p.owns(rid)) {
        for (const x of batch) p.notify(rid, JSON.stringify(x));
        return;
      }
      r.queryEvent(async (qr) => {
        const q = qr.query as SearchQuery;
        return (await this.#search.affects(this.#db, q, batch)) ? this.result(qr.service, q) : undefined;
      });
    });
  }
}
