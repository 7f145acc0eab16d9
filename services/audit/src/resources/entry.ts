/**
 * `audit.entry.<event id>` — one stored domain event: who (`actor`) did what (`action`) to which
 * resource (`service`, `resource`, `resourceId`) when (`timestamp`, the commit; `storedAt`), with
 * the model's fields `before` and `after` (data values; null for a create's before and a
 * delete's after). Immutable, so served by any instance. Admins only.
 */
import { data, defineResource, model } from '@hub/res';
import { adminOnly } from '../access.ts';
import type { Entries } from '../entries.ts';

export function entryResource(entries: Entries) {
  return defineResource({
    pattern: 'entry.$id',
    kind: 'model',
    parallel: true,
    access: adminOnly,
    get: async ({ params }) => {
      const e = await entries.get(params.id);
      if (e === undefined) return null;
      const json = (v: unknown) => (v === null || v === undefined ? null : data(v));
      return model({ ...e, before: json(e.before), after: json(e.after) });
    },
  });
}
