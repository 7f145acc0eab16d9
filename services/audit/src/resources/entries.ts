/**
 * `audit.entries?service=&resource=&id=&actor=&action=&since=&until=&sort=&limit=&offset=` — the
 * audit trail as a live query collection of entry references, newest first (`sort=timestamp`
 * for oldest first); `id` is the changed resource's id, `since`/`until` are inclusive ISO 8601
 * instants. Admins only. It updates live as entries are stored (see live.ts).
 */
import { defineResource, type collection, type ServiceScope } from '@hub/res';
import type { SearchQuery } from '@hub/store';
import { adminOnly } from '../access.ts';
import { entrySearch } from '../entries.ts';

/** What serves the result (live.ts's AuditLive; an interface here, so the two do not import each other). */
export interface EntriesSource {
  entries(scope: Pick<ServiceScope, 'rid'>, q: SearchQuery): Promise<ReturnType<typeof collection>>;
}

export function entriesResource(live: EntriesSource) {
  return defineResource({
    pattern: 'entries',
    kind: 'collection',
    query: entrySearch.schema,
    normalizeQuery: entrySearch.normalize,
    access: adminOnly,
    get: ({ query, service }) => live.entries(service, query),
  });
}
