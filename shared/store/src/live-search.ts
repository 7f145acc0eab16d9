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
 */
import { collection, ref, type ServiceScope } from '@hub/res';
import type { Db } from './db.ts';
import type { CompiledSearch, Mutation, SearchQuery } from './search.ts';

export class LiveSearch {
  readonly #db: Db;
  readonly #table: string;
  readonly #search: CompiledSearch;
  readonly #pattern: string;
  readonly #modelPattern: string;
  /** Mutations committed but not yet announced. */
  #pending: Mutation[] = [];

  constructor(o: { db: Db; table: string; search: CompiledSearch; pattern: string; modelPattern: string }) {
    this.#db = o.db;
    this.#table = o.table;
    this.#search = o.search;
    this.#pattern = o.pattern;
    this.#modelPattern = o.modelPattern;
  }

  /** The current result of `q` as model references. */
  async result(scope: Pick<ServiceScope, 'rid'>, q: SearchQuery): Promise<ReturnType<typeof collection>> {
    const ids = await this.#search.find(this.#db, this.#table, q);
    return collection(ids.map((id) => ref(scope.rid(this.#modelPattern, { id }))));
  }

  /** Sends the query event for `m` (shared with mutations pending at the same time). */
  async announce(scope: ServiceScope, m: Mutation): Promise<void> {
    if (m.changed !== undefined && !Object.keys(m.changed).some((k) => this.#search.fields.has(k))) return;
    this.#pending.push(m);
    await scope.with(scope.rid(this.#pattern, {}), (r) => {
      const batch = this.#pending;
      if (batch.length === 0) return; // an earlier turn announced ours
      this.#pending = [];
      r.queryEvent(async (qr) => {
        const q = qr.query as SearchQuery;
        return (await this.#search.affects(this.#db, q, batch)) ? this.result(qr.service, q) : undefined;
      });
    });
  }
}
