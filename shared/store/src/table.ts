/**
 * Table-backed models: get (read-through cache), create, partial update, delete — each mutation
 * one statement (so one transaction) that also writes its domain event to the outbox; the events'
 * before/after are the table rows as JSON. Concurrent writers never lose an update: `update`
 * locks the row (FOR UPDATE) and bumps `version`; a caller that passes `expectedVersion` gets a
 * conflict error instead of overwriting a newer version.
 *
 * Tables have `id bigint` (identity), `version int`, `created_at`, `updated_at` plus the writable
 * columns named in the spec. Identifiers come from code, never from clients; values are bound.
 */
import { ResError } from '@hub/res';
import type { Store } from './store.ts';
import { outboxCte, type AuditAction, type Bind } from './outbox.ts';

/** Minimal cache contract (implemented by @hub/cache): read-through and invalidate. */
export interface ReadCache {
  read<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  invalidate(key: string): Promise<void>;
}

/** What every entity carries. */
export interface Entity { readonly id: string; readonly version: number }

export interface TableSpec<T extends Entity, W extends object> {
  /** SQL table name in the service's schema. */
  readonly table: string;
  /** Resource name in audit subjects: `audit.<service>.<resource>.<action>`. */
  readonly resource: string;
  /** Writable fields → their columns. */
  readonly columns: { readonly [K in keyof W]-?: string };
  /** A database row → the entity (JSON-safe: it is cached and sent as the event payload). */
  readonly fromRow: (row: Record<string, unknown>) => T;
  /** Columns left out of domain events (derived data such as search vectors). */
  readonly auditOmit?: readonly string[];
}

/** Who makes a change (recorded in the domain event). */
export interface WriteMeta { readonly actor?: unknown; readonly expectedVersion?: number }

/** Result of an update: both states and the fields whose value changed. */
export interface Updated<T> { readonly before: T; readonly after: T; readonly changed: Partial<T> }

export interface Table<T extends Entity, W extends object> {
  get(id: string): Promise<T | undefined>;
  create(input: W, meta?: WriteMeta): Promise<T>;
  update(id: string, patch: Partial<W>, meta?: WriteMeta): Promise<Updated<T> | undefined>;
  remove(id: string, meta?: WriteMeta): Promise<T | undefined>;
}

type Row = Record<string, unknown>;

/** ids are bigint identities: anything else cannot exist (and must not reach a ::bigint cast). */
const ID = /^[1-9][0-9]{0,17}$/;

/**
 * Shallow diff of two entities (arrays/objects compared by JSON): the values of `after` that differ.
 * @example diff({ a: 1, b: 2 }, { a: 1, b: 3 }) // { b: 3 }
 */
export function diff<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = after[k];
  }
  return out;
}

/** A statement under construction: SQL text plus bound values. */
function statement(): { values: unknown[]; bind: (v: unknown) => string } {
  const values: unknown[] = [];
  return { values, bind: (v) => { values.push(v); return `$${String(values.length)}`; } };
}

export function defineTable<T extends Entity, W extends object>(store: Store, spec: TableSpec<T, W>, cache?: ReadCache): Table<T, W> {
  const { db } = store;
  const t = spec.table;
  const omit = spec.auditOmit ?? [];
  const key = (id: string) => `${spec.resource}:${id}`;
  const load = async (id: string): Promise<T | undefined> => {
    const { rows } = await db.prepared<Row>(`SELECT * FROM ${t} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : spec.fromRow(rows[0]);
  };
  const audit = (action: AuditAction, before: string | null, after: string | null, from: string, id: string, meta: WriteMeta | undefined, bind: Bind) =>
    outboxCte({ service: store.service, resource: spec.resource, action, before, after, from, id, actor: meta?.actor ?? null, omit }, bind);
  // After commit: invalidate first (a client that saw the event must not read the old value),
  // then wake the relay. The caller sends RES events after this returns.
  const committed = async (id: string): Promise<void> => {
    await cache?.invalidate(key(id));
    store.relay?.poke();
  };
  const writable = (patch: Partial<W>): [string, unknown][] => {
    const values = patch as Record<string, unknown>;
    return Object.entries(spec.columns as Record<string, string>).filter(([f]) => values[f] !== undefined).map(([f, col]) => [col, values[f]]);
  };
  const entity = (json: unknown): T | null => (json === null || json === undefined ? null : spec.fromRow(json as Row));

  // Each mutation is ONE statement — the change and its outbox row in data-modifying CTEs — so it
  // is atomic (one implicit transaction) and costs one round trip.
  return {
    get: (id) => {
      if (!ID.test(id)) return Promise.resolve(undefined);
      return cache ? cache.read(key(id), () => load(id)) : load(id);
    },
    create: async (input, meta) => {
      const cols = writable(input);
      const s = statement();
      const values = cols.map(([, v]) => s.bind(v)).join(', ');
      const sql = `WITH new AS (INSERT INTO ${t} (${cols.map(([col]) => col).join(', ')}) VALUES (${values}) RETURNING *), ` +
        `ob AS (${audit('create', null, 'new', 'new', 'new.id', meta, s.bind)}) SELECT to_jsonb(new) AS after FROM new`;
      const { rows } = await db.prepared<{ after: unknown }>(sql, s.values);
      const created = entity(rows[0]?.after);
      if (created === null) throw new Error(`INSERT INTO ${t} returned no row`);
      await committed(created.id); // drops a cached not-found
      return created;
    },
    update: async (id, patch, meta) => {
      if (!ID.test(id)) return undefined;
      const cols = writable(patch);
      const s = statement();
      const idP = s.bind(id);
      const sets = cols.map(([col, v]) => [col, s.bind(v)] as const);
      const versionP = s.bind(meta?.expectedVersion ?? null);
      // `old` locks the row (FOR UPDATE), so the before state is the one this update replaces,
      // and concurrent writers queue behind each other: no update is lost.
      const sql = `WITH old AS (SELECT * FROM ${t} WHERE id = ${idP} FOR UPDATE), ` +
        `new AS (UPDATE ${t} SET ${sets.map(([col, p]) => `${col} = ${p}, `).join('')}version = ${t}.version + 1, updated_at = now() ` +
        `FROM old WHERE ${t}.id = old.id AND (${versionP}::int IS NULL OR old.version = ${versionP}::int) ` +
        `AND (${sets.length === 0 ? 'false' : sets.map(([col, p]) => `${t}.${col} IS DISTINCT FROM ${p}`).join(' OR ')}) RETURNING ${t}.*), ` +
        `ob AS (${audit('update', 'old', 'new', 'old, new', 'new.id', meta, s.bind)}) ` +
        `SELECT to_jsonb(old) AS before, (SELECT to_jsonb(new) FROM new) AS after FROM old`;
      const { rows } = await db.prepared<{ before: unknown; after: unknown }>(sql, s.values);
      const before = entity(rows[0]?.before);
      if (before === null) return undefined;
      const after = entity(rows[0]?.after);
      if (after === null) {
        if (meta?.expectedVersion !== undefined && meta.expectedVersion !== before.version) {
          throw new ResError(`${store.service}.versionConflict`, `Version ${String(meta.expectedVersion)} is not the current version (${String(before.version)})`, { version: before.version });
        }
        return { before, after: before, changed: {} }; // nothing to change: no write, no event
      }
      await committed(id);
      return { before, after, changed: diff(before, after) };
    },
    remove: async (id, meta) => {
      if (!ID.test(id)) return undefined;
      const s = statement();
      const sql = `WITH old AS (DELETE FROM ${t} WHERE id = ${s.bind(id)} RETURNING *), ` +
        `ob AS (${audit('delete', 'old', null, 'old', 'old.id', meta, s.bind)}) SELECT to_jsonb(old) AS before FROM old`;
      const { rows } = await db.prepared<{ before: unknown }>(sql, s.values);
      const before = entity(rows[0]?.before);
      if (before === null) return undefined;
      await committed(id);
      return before;
    },
  };
}
