/**
 * `identity.user.<sub>` — a user's profile: the claims of their last verified token plus
 * preferences, stored in Postgres (profiles.ts). Readable and writable (`set`) by the user and
 * by admins. A database outage answers `system.internalError` (mapped by @hub/store).
 */
import { allow, connectionToken, owner } from '@hub/auth';
import { data, defineResource, model, ResError, z, type Value } from '@hub/res';
import type { IdentityDeps } from '../deps.ts';
import type { Profile } from '../profiles.ts';

const self = owner((params, token) => params.sub === token.sub);

const preferenceKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/);
const preferenceValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/** The profile as model values. */
export function profileValues(p: Profile): Record<string, Value> {
  return { sub: p.sub, username: p.username, email: p.email, name: p.name, roles: data(p.roles), preferences: data(p.preferences) };
}

/** Properties whose value differs between two profiles (for a change event). */
export function changedValues(before: Profile | undefined, after: Profile): Record<string, Value> {
  const next = profileValues(after);
  if (before === undefined) return {};
  const prev = profileValues(before);
  return Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(prev[k]) !== JSON.stringify(v)));
}

/** The profile model's pattern. */
export const USER = 'user.$sub';

export function userResource(deps: IdentityDeps) {
  return defineResource({
    pattern: USER,
    kind: 'model',
    token: connectionToken,
    access: allow({ get: self, call: { set: self } }),
    get: async ({ params }) => {
      const p = await deps.profiles.get(params.sub);
      return p && model(profileValues(p));
    },
    calls: {
      set: {
        params: z.object({ preferences: z.record(preferenceKey, preferenceValue) }),
        // The merge and the MAX_PREFERENCES check run on the locked row (profiles.ts): concurrent
        // writers on any instance do not lose each other's keys.
        handler: async ({ params, input, change }) => {
          const r = await deps.profiles.setPreferences(params.sub, input.preferences);
          if (r === undefined) throw ResError.notFound();
          const changed = changedValues(r.before, r.after);
          if (Object.keys(changed).length > 0) change(changed);
          return null;
        },
      },
    },
  });
}
