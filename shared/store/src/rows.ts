/**
 * A table's rows as entities: get (read-through cache), create, partial update, delete — each
 * mutation one statement (so one transaction) that also writes its domain event to the outbox.
 * Concurrent writers never lose an update: `update` locks the row (FOR UPDATE) and bumps
 * `version`; a caller that passes `expectedVersion` gets a conflict error instead of overwriting
 * a newer version. Updates started together are combined into one statement (group commit, see
 * update.ts) without changing what each one does.
 *
 * Rows travel as JSON keyed by FIELD name (`json_build_object('createdAt', t.created_at, …)`),
 * built by Postgres from the table's field codecs: the same shape for gets, for what mutations
 * return and for the domain events' before/after, so one conversion (codec `read`) makes an
 * entity from any of them, and consumers of the audit stream see the model's names.
 *
 * Tables have `id bigint` (identity), `version int`, `created_at`, `updated_at` plus the declared
 * columns. Identifiers come from code, never from clients; values are bound.
 */
import { ResError } from '@hub/res';
import { ID, SYSTEM_CODECS, type FieldCodec } from './fields.ts';
import { fenceSql, type Fence } from './leases.ts';
import { outboxCte, rowJson, statement, type AuditAction, type Bind, type SqlColumn } from './outbox.ts';
import type { Store } from './store.ts';
import { createUpdater } from './update.ts';

/** Minimal cache contract (implemented by @hub/cache): read-through and invalidate. */
export interface ReadCache {
  read<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  invalidate(key: string): Promise<void>;
}

/** What every entity carries. */
export interface Entity {
  readonly id: string;
  readonly version: number;
}

/** How to store one kind of entity. */
export interface TableSpec {
  /** SQL table name in the service's schema. */
  readonly table: string;
  /** Resource name in audit subjects (`audit.<service>.<resource>.<action>`) and cache keys. */
  readonly resource: string;
  /** The declared fields (the system fields id, version, createdAt, updatedAt are added). */
  readonly fields: readonly FieldCodec[];
}

/**
 * Who makes a change (recorded in the domain event), the version it expects, and — with several
 * instances — its proof of ownership, checked in the write's own statement.
 */
export interface WriteMeta {
  readonly actor?: unknown;
  readonly expectedVersion?: number;
  readonly fence?: Fence | undefined;
}

/** Result of an update: both states and the fields whose value changed. */
export interface Updated<T> {
  readonly before: T;
  readonly after: T;
  readonly changed: Partial<T>;
}

export interface Table<T extends Entity, W extends object> {
  /** Read through the cache when there is one; values from the cache are deep-frozen (shared by every reader). */
  get(id: string): Promise<T | undefined>;
  create(input: W, meta?: WriteMeta): Promise<T>;
  update(id: string, patch: Partial<W>, meta?: WriteMeta): Promise<Updated<T> | undefined>;
  remove(id: string, meta?: WriteMeta): Promise<T | undefined>;
  /** The entity from a row as JSON keyed by field name (what `jsonOf` builds). */
  entity(json: Record<string, unknown>): T;
  /** The SQL `json` expression of a row under `alias`, keyed by field name. */
  jsonOf(alias: string): string;
}

type Row = Record<string, unknown>;

/**
 * Shallow diff of two entities (arrays/objects compared by JSON): the values of `after` that differ.
 * @example diff({ a: 1, b: 2 }, { a: 1, b: 3 }) // { b: 3 }
 */
export function diff<T extends object>(before: T, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    const [b, a] = [before[k], after[k]];
    if (b !== a && (typeof a !== 'object' || a === null || JSON.stringify(b) !== JSON.stringify(a))) out[k] = a;
  }
  return out;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The columns as SQL text for `rowJson`: the field name as the key, the column (id as text). */
function sqlColumns(codecs: readonly FieldCodec[]): SqlColumn[] {
  return codecs.map((c) => {
    if (!FIELD.test(c.field) || !IDENT.test(c.column)) throw new Error(`field ${c.field} → column ${c.column}: not a plain identifier`);
    return { literal: `'${c.field}'`, ident: c.column === 'id' ? 'id::text' : c.column };
  });
}

/** What the mutations select: the stored event (before/after are its rows); `owned` false: fenced. */
interface Written {
  readonly event: { readonly before: Row | null; readonly after: Row | null } | null;
  readonly owned: boolean;
}

/** A write refused by its fence: another instance owns the resource now. */
function lostOwnership(): ResError {
  return ResError.unavailable('This instance no longer owns the resource; retry');
}

/**
 * @example const customers = openTable<Customer, CustomerInput>(store, { table: 'customers', resource: 'customer', fields }, cache);
 */
export function openTable<T extends Entity, W extends object>(store: Store, spec: TableSpec, cache?: ReadCache): Table<T, W> {
  const { db } = store;
  const t = spec.table;
  if (!IDENT.test(t)) throw new Error(`table ${t}: not a plain identifier`);
  const codecs = [...SYSTEM_CODECS, ...spec.fields];
  const columns = sqlColumns(codecs);
  const columnOf = new Map(spec.fields.map((c) => [c.field, c.column]));
  const jsonOf = (alias: string): string => rowJson(alias, columns);
  const entity = (json: Row): T => {
    const out: Record<string, unknown> = {};
    for (const c of codecs) out[c.field] = c.read(json[c.field]);
    return out as T;
  };
  const key = (id: string) => `${spec.resource}:${id}`;
  const selectOne = `SELECT ${jsonOf(t)} AS e FROM ${t} WHERE id = $1`;
  const load = async (id: string): Promise<T | undefined> => {
    const { rows } = await db.prepared<{ e: Row }>(selectOne, [id]);
    return rows[0] === undefined ? undefined : entity(rows[0].e);
  };
  const audit = (
    action: AuditAction,
    json: { before?: string; after?: string },
    from: string,
    id: string,
    meta: WriteMeta | undefined,
    bind: Bind,
  ) =>
    outboxCte(
      {
        service: store.service,
        resource: spec.resource,
        action,
        before: json.before ?? null,
        after: json.after ?? null,
        from,
        id,
        event: { actor: meta?.actor ?? null },
      },
      bind,
    );
  const update = createUpdater({ db, service: store.service, resource: spec.resource, table: t, columns: () => Promise.resolve(columns) });
  // After commit: invalidate first (a client that saw the event must not read the old value),
  // then wake the relay. The caller sends RES events after this returns.
  const committed = async (id: string): Promise<void> => {
    await cache?.invalidate(key(id));
    store.relay?.poke();
  };
  const writable = (patch: Partial<W>): [string, unknown][] => {
    const out: [string, unknown][] = [];
    for (const [f, v] of Object.entries(patch as Record<string, unknown>)) {
      const col = columnOf.get(f);
      if (col !== undefined && v !== undefined) out.push([col, v]);
    }
    return out;
  };
  const entityOrNull = (json: Row | null | undefined): T | null => (json === null || json === undefined ? null : entity(json));

  // Each mutation is ONE statement — the change and its outbox row in data-modifying CTEs — so it
  // is atomic (one implicit transaction) and costs one round trip (or a share of one: update).
  return {
    entity,
    jsonOf,
    get: (id) => {
      if (!ID.test(id)) return Promise.resolve(undefined);
      return cache ? cache.read(key(id), () => load(id)) : load(id);
    },
    create: async (input, meta) => {
      const cols = writable(input);
      const s = statement();
      const values = cols.map(([, v]) => s.bind(v)).join(', ');
      const fence = meta?.fence === undefined ? 'true' : fenceSql(meta.fence, s.bind);
      const sql =
        `WITH new AS (INSERT INTO ${t} (${cols.map(([col]) => col).join(', ')}) SELECT ${values} WHERE ${fence} RETURNING *), ` +
        `ob AS (${audit('create', { after: jsonOf('new') }, 'new', 'new.id', meta, s.bind)}) SELECT (SELECT payload FROM ob) AS event, ${fence} AS owned`;
      const { rows } = await db.prepared<Written>(sql, s.values);
      if (rows[0]?.owned === false) throw lostOwnership();
      const created = entityOrNull(rows[0]?.event?.after);
      if (created === null) throw new Error(`INSERT INTO ${t} returned no row`);
      await committed(created.id); // drops a cached not-found
      return created;
    },
    update: async (id, patch, meta) => {
      if (!ID.test(id)) return undefined;
      const row = await update({
        id,
        sets: writable(patch),
        expectedVersion: meta?.expectedVersion,
        actor: meta?.actor ?? null,
        fence: meta?.fence,
      });
      if (row === undefined) return undefined;
      if (!row.owned) throw lostOwnership();
      const before = entityOrNull(row.event ? row.event.before : row.before);
      const after = entityOrNull(row.event?.after);
      if (before === null) throw new Error(`UPDATE ${t} returned no before state`);
      if (after === null) {
        if (meta?.expectedVersion !== undefined && meta.expectedVersion !== before.version) {
          throw new ResError(
            `${store.service}.versionConflict`,
            `Version ${String(meta.expectedVersion)} is not the current version (${String(before.version)})`,
            { version: before.version },
          );
        }
        return { before, after: before, changed: {} }; // nothing to change: no write, no event
      }
      await committed(id);
      return { before, after, changed: diff(before, after) };
    },
    remove: async (id, meta) => {
      if (!ID.test(id)) return undefined;
      const s = statement();
      const fence = meta?.fence === undefined ? 'true' : fenceSql(meta.fence, s.bind);
      const sql =
        `WITH old AS (DELETE FROM ${t} WHERE id = ${s.bind(id)} AND ${fence} RETURNING *), ` +
        `ob AS (${audit('delete', { before: jsonOf('old') }, 'old', 'old.id', meta, s.bind)}) SELECT (SELECT payload FROM ob) AS event, ${fence} AS owned`;
      const { rows } = await db.prepared<Written>(sql, s.values);
      if (rows[0]?.owned === false) throw lostOwnership();
      const before = entityOrNull(rows[0]?.event?.before);
      if (before === null) return undefined;
      await committed(id);
      return before;
    },
  };
}
