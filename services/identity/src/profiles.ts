/**
 * User profiles in the service's Postgres schema (table `profiles`): the claims last seen in a
 * verified token plus a small preferences map. Shared by all instances, kept across restarts.
 *
 * Every write is ONE statement that locks the row (`FOR UPDATE`) and computes the new value from
 * the locked one, so concurrent writers — on this instance or another — queue behind each other
 * and no update is lost. Driver errors reach callers as ResErrors (mapped once by @hub/store).
 */
import type { KeycloakClaims } from '@hub/auth';
import { ResError } from '@hub/res';
import type { Db } from '@hub/store';

/** Preference values: flat JSON primitives. */
export type PreferenceValue = string | number | boolean;

/** A preferences patch: null deletes the key. */
export type PreferencesPatch = Readonly<Record<string, PreferenceValue | null>>;

export interface Profile {
  readonly sub: string;
  readonly username: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly roles: readonly string[];
  readonly preferences: Readonly<Record<string, PreferenceValue>>;
}

/** A write's outcome: `before` is undefined when the write created the profile. */
export interface ProfileChange {
  readonly before: Profile | undefined;
  readonly after: Profile;
}

/** Limits that keep a profile small. */
export const MAX_PREFERENCES = 50;

/** Lost an insert race more often than this: give up (the row exists by then, see `seen`). */
const SEEN_ATTEMPTS = 2;

const GET = 'SELECT to_jsonb(p) AS profile FROM profiles p WHERE sub = $1';

// `old` locks the current row; `upd` rewrites the claims only if they differ; `ins` creates the
// profile if there was none. Two first logins at once: one inserts, the other's ON CONFLICT
// waits for it and does nothing (before and after both null), and `seen` reruns.
const SEEN = `WITH old AS (SELECT * FROM profiles WHERE sub = $1::text FOR UPDATE), ` +
  `upd AS (UPDATE profiles p SET username = $2::text, email = $3::text, name = $4::text, roles = $5::text[], version = p.version + 1, updated_at = now() ` +
  `FROM old WHERE p.sub = old.sub AND (old.username, old.email, old.name, old.roles) IS DISTINCT FROM ($2::text, $3::text, $4::text, $5::text[]) RETURNING p.*), ` +
  `ins AS (INSERT INTO profiles (sub, username, email, name, roles) SELECT $1::text, $2::text, $3::text, $4::text, $5::text[] ` +
  `WHERE NOT EXISTS (SELECT FROM old) ON CONFLICT (sub) DO NOTHING RETURNING *) ` +
  `SELECT (SELECT to_jsonb(old) FROM old) AS before, coalesce((SELECT to_jsonb(upd) FROM upd), (SELECT to_jsonb(ins) FROM ins)) AS after`;

// Merge on the locked row: set keys ($2) over the stored ones, minus deleted keys ($3). The
// limit ($4) is checked on the merged object, in the same statement.
const SET_PREFERENCES = `WITH old AS (SELECT * FROM profiles WHERE sub = $1::text FOR UPDATE), ` +
  `next AS (SELECT (old.preferences || $2::jsonb) - $3::text[] AS preferences FROM old), ` +
  `upd AS (UPDATE profiles p SET preferences = next.preferences, version = p.version + 1, updated_at = now() ` +
  `FROM old, next WHERE p.sub = old.sub AND old.preferences IS DISTINCT FROM next.preferences ` +
  `AND (SELECT count(*) FROM jsonb_object_keys(next.preferences)) <= $4::int RETURNING p.*) ` +
  `SELECT to_jsonb(old) AS before, (SELECT to_jsonb(upd) FROM upd) AS after, ` +
  `(SELECT count(*) FROM jsonb_object_keys(next.preferences))::int AS keys FROM old, next`;

interface ProfileRow {
  readonly sub: string;
  readonly username: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly roles: string[];
  readonly preferences: Record<string, PreferenceValue>;
}

/** A row as JSON (to_jsonb) → the profile. */
function fromRow(json: unknown): Profile | undefined {
  if (json === null || json === undefined) return undefined;
  const r = json as ProfileRow;
  return { sub: r.sub, username: r.username, email: r.email, name: r.name, roles: r.roles, preferences: r.preferences };
}

type ClaimValues = [sub: string, username: string, email: string | null, name: string | null, roles: string[]];

/** The profile fields a token carries, in the order of the SEEN statement's parameters. */
function claimValues(c: KeycloakClaims): ClaimValues {
  return [c.sub, c.preferred_username ?? c.sub, c.email ?? null, c.name ?? null, [...(c.realm_access?.roles ?? [])].sort()];
}

function sameClaims(p: Profile, [, username, email, name, roles]: ClaimValues): boolean {
  return p.username === username && p.email === email && p.name === name && JSON.stringify(p.roles) === JSON.stringify(roles);
}

export class ProfileStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get(sub: string): Promise<Profile | undefined> {
    const { rows } = await this.#db.prepared<{ profile: unknown }>(GET, [sub]);
    return fromRow(rows[0]?.profile);
  }

  /**
   * Records the claims of a verified token, creating the profile at first sight.
   * @returns the change, or undefined if the stored claims were already these.
   */
  async seen(c: KeycloakClaims): Promise<ProfileChange | undefined> {
    const values = claimValues(c);
    // Header auth runs this for every HTTP API request: unchanged claims (the usual case) cost
    // one plain read, no row lock and no write.
    const current = await this.get(c.sub);
    if (current !== undefined && sameClaims(current, values)) return undefined;
    for (let attempt = 1; attempt <= SEEN_ATTEMPTS; attempt++) {
      const { rows } = await this.#db.prepared<{ before: unknown; after: unknown }>(SEEN, values);
      const before = fromRow(rows[0]?.before);
      const after = fromRow(rows[0]?.after);
      if (after !== undefined) return { before, after };
      if (before !== undefined) return undefined; // a concurrent login stored these claims first
    }
    return undefined;
  }

  /**
   * Merges preferences (null deletes a key) into a profile.
   * @returns undefined if the profile is unknown; `after` equals `before` if nothing changed.
   * @throws ResError `identity.tooManyPreferences` if the result would exceed {@link MAX_PREFERENCES}.
   */
  async setPreferences(sub: string, patch: PreferencesPatch): Promise<ProfileChange | undefined> {
    const entries = Object.entries(patch);
    const set = Object.fromEntries(entries.filter(([, v]) => v !== null));
    const deleted = entries.filter(([, v]) => v === null).map(([k]) => k);
    const { rows } = await this.#db.prepared<{ before: unknown; after: unknown; keys: number }>(
      SET_PREFERENCES, [sub, JSON.stringify(set), deleted, MAX_PREFERENCES],
    );
    const row = rows[0];
    const before = fromRow(row?.before);
    if (row === undefined || before === undefined) return undefined;
    if (row.keys > MAX_PREFERENCES) throw new ResError('identity.tooManyPreferences', `At most ${String(MAX_PREFERENCES)} preferences`);
    return { before, after: fromRow(row.after) ?? before };
  }
}
