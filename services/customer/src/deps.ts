/** What the resources share: the customers table, the database, and typed RID builders. */
import { collection, ref, type ResourceState, type ServiceScope } from '@hub/res';
import type { Db, Table } from '@hub/store';
import type { Customer, CustomerInput } from './model.ts';
import { affects, findIds, type Mutation, type Search } from './search.ts';
import type { LastWrites } from './writers.ts';

export interface Deps {
  readonly db: Db;
  readonly customers: Table<Customer, CustomerInput>;
  /** This instance's last write per customer: detects another instance writing in between. */
  readonly lastWrites: LastWrites;
  /** RID builders, bound to the resource definitions by service.ts. */
  readonly rid: { customer(service: ServiceScope, id: string): string; customers(service: ServiceScope): string };
}

/** The current result of a search, as references. */
export async function searchResult(deps: Deps, service: ServiceScope, s: Search): Promise<ResourceState> {
  return collection((await findIds(deps.db, s)).map((id) => ref(deps.rid.customer(service, id))));
}

/**
 * After a committed mutation (and after the cache was invalidated): a query event on
 * `customer.customers`. Resgate then asks about each query it holds; a query the mutation cannot
 * affect is answered with no events (no SQL beyond the filter check), any other with its full
 * current result, from which Resgate sends clients add/remove at the exact indices. Full state
 * rather than computed deltas keeps every open query correct even when several mutations
 * commit within one query window or on several instances.
 */
export async function announce(deps: Deps, service: ServiceScope, m: Mutation): Promise<void> {
  await service.with(deps.rid.customers(service), (r) => {
    r.queryEvent(async ({ query }) => ((await affects(deps.db, query as Search, m)) ? searchResult(deps, service, query as Search) : undefined));
  });
}
