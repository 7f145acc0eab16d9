/** `customer.customer.$id` — one customer (a model): `set` changes fields, `delete` removes it. */
import { connectionToken } from '@hub/auth';
import { defineResource, ResError } from '@hub/res';
import { actorOf, customerAccess, mayWrite } from '../access.ts';
import { announce, type Deps } from '../deps.ts';
import { customerPatch, toModel, toValues } from '../model.ts';
import { canAffectSearches } from '../search.ts';
import { REPEAT_RESET_MS } from '../writers.ts';

export function customerResource(deps: Deps) {
  return defineResource({
    pattern: 'customer.$id',
    kind: 'model',
    token: connectionToken,
    access: customerAccess,
    // Read-through cache; a cached not-found answers system.notFound without touching Postgres.
    get: async ({ params }) => {
      const c = await deps.customers.get(params.id);
      return c && toModel(c);
    },
    calls: {
      set: {
        guard: mayWrite,
        params: customerPatch,
        handler: async ({ params, input, token, change, service }) => {
          const { version, ...patch } = input;
          const out = await deps.customers.update(params.id, patch, { actor: actorOf(token), ...(version === undefined ? {} : { expectedVersion: version }) });
          if (out === undefined) throw ResError.notFound();
          // The cache was invalidated on commit; now the event, before the reply.
          change(toValues(out.changed));
          if (deps.lastWrites.followsAnother(params.id, out.before.version, out.after.version)) {
            await service.resetResource(deps.rid.customer(service, params.id), { repeatAfterMs: REPEAT_RESET_MS });
          }
          if (canAffectSearches(out.changed)) await announce(deps, service, { before: out.before, after: out.after, changed: out.changed });
          return null;
        },
      },
      delete: {
        guard: mayWrite,
        params: null,
        handler: async ({ params, token, delete: deleted, service }) => {
          const gone = await deps.customers.remove(params.id, { actor: actorOf(token) });
          if (gone === undefined) throw ResError.notFound();
          deleted();
          await announce(deps, service, { before: gone, after: null });
          return null;
        },
      },
    },
  });
}
