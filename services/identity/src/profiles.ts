/**
 * User profiles: the claims last seen in a verified token plus a small preferences map.
 * In memory (per instance, lost on restart) — a Postgres table is the next step; see README.
 */
import type { KeycloakClaims } from '@hub/auth';

/** Preference values: flat JSON primitives. */
export type PreferenceValue = string | number | boolean;

export interface Profile {
  readonly sub: string;
  readonly username: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly roles: readonly string[];
  readonly preferences: Readonly<Record<string, PreferenceValue>>;
}

/** Limits that keep the store small. */
export const MAX_PREFERENCES = 50;

export class ProfileStore {
  readonly #profiles = new Map<string, Profile>();

  get(sub: string): Profile | undefined {
    return this.#profiles.get(sub);
  }

  /** Records the claims of a verified token; returns the profile if anything changed. */
  seen(c: KeycloakClaims): Profile | undefined {
    const before = this.#profiles.get(c.sub);
    const next: Profile = {
      sub: c.sub,
      username: c.preferred_username ?? c.sub,
      email: c.email ?? null,
      name: c.name ?? null,
      roles: [...(c.realm_access?.roles ?? [])].sort(),
      preferences: before?.preferences ?? {},
    };
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(next)) return undefined;
    this.#profiles.set(c.sub, next);
    return next;
  }

  /** Merges preferences (null deletes a key); undefined if the profile is unknown. */
  setPreferences(sub: string, patch: Readonly<Record<string, PreferenceValue | null>>): Profile | undefined {
    const p = this.#profiles.get(sub);
    if (p === undefined) return undefined;
    const merged = new Map(Object.entries(p.preferences));
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) merged.delete(k);
      else merged.set(k, v);
    }
    const next = { ...p, preferences: Object.fromEntries(merged) };
    this.#profiles.set(sub, next);
    return next;
  }
}
