/**
 * `audit.history.<service>.<resource>.<id>?sort=&limit=&offset=` — one resource's history
 * (e.g. `audit.history.customer.customer.7`), newest first, as a live collection of entry
 * references. Admins only. In the queue (and so on the owner instance) of `audit.entries`, which
 * announces both (live.ts).
 */
import { defineResource, type collection, type ServiceScope } from '@hub/res';
import type { SearchQuery } from '@hub/store';
import { adminOnly } from '../access.ts';
import { historySearch } from '../entries.ts';

export const HISTORY = 'history.$service.$resource.$id';

/** What serves the result (live.ts's AuditLive; an interface here, so the two do not import each other). */
export interface HistorySource {
  history(scope: Pick<ServiceScope, 'rid'>, p: Readonly<Record<string, string>>, q: SearchQuery): Promise<ReturnType<typeof collection>>;
}

export function historyResource(live: HistorySource) {
  return defineResource({
    pattern: HISTORY,
    kind: 'collection',
    group: 'entries',
    query: historySearch.schema,
    normalizeQuery: historySearch.normalize,
    access: adminOnly,
    get: ({ params, query, service }) => live.history(service, params, query),
  });
}
