/**
 * `customer.customers` — a live query collection of customer references (see search.ts for the
 * parameters); `create` adds a customer and answers with its RID.
 */
import { connectionToken } from '@hub/auth';
import { defineResource, resourceResponse } from '@hub/res';
import { actorOf, customerAccess, mayWrite } from '../access.ts';
import { announce, searchResult, type Deps } from '../deps.ts';
import { customerInput } from '../model.ts';
import { normalizeSearch, searchQuery } from '../search.ts';

export function customersResource(deps: Deps) {
  return defineResource({
    pattern: 'customers',
    kind: 'collection',
    query: searchQuery,
    normalizeQuery: normalizeSearch,
    token: connectionToken,
    access: customerAccess,
    get: ({ query, service }) => searchResult(deps, service, query),
    calls: {
      create: {
        guard: mayWrite,
        params: customerInput,
        handler: async ({ input, token, service }) => {
          const c = await deps.customers.create(input, { actor: actorOf(token) });
          await announce(deps, service, { before: null, after: c });
          // Over HTTP Resgate answers 200 with a Location header; over WebSocket, the new model.
          return resourceResponse(deps.rid.customer(service, c.id));
        },
      },
    },
  });
}
