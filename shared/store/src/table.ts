/**
 * Table-backed models: get (read-through cache), create, partial update, delete — each mutation
 * one statement (so one transaction) that also writes its domain event to the outbox; the events'
 * before/after are the table rows as JSON. Concurrent writers never lose an update: `update`
 * locks the row (FOR UPDATE) and bumps `version`; a caller that passes `expectedVersion` gets a
 * conflict error instead of overwriting a newer version. Updates started together are combined
 * into one statement (group commit, see update.ts) without changing what each one does.
 *
 * Tables have `id bigint` (identity), `version int`, `created_at`, `updated_at` plus the writable
 * columns named in the spec. Identifiers come from code, never from clients; values are bound.
 */
import { ResError } from '@hub/res';
import type { Store } from './store.ts';
import { outboxCte, rowJson, statement, type AuditAction, type Bind, type SqlColumn } from './outbox.ts';
import { createUpdater } from './update.ts';

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
  /**
   * Columns left out of domain events (derived data such as search vectors). The rows `fromRow`
   * gets back from create/update/remove are the event's, so they lack these columns too.
   */
  readonly auditOmit?: readonly string[];
}

/** Who makes a change (recorded in the domain event). */
export interface WriteMeta { readonly actor?: unknown; readonly expectedVersion?: number }

/** Result of an update: both states and the fields whose value changed. */
export interface Updated<T> { readonly before: T; readonly after: T; readonly changed: Partial<T> }

export interface Table<T extends Entity, W extends object> {
  /** Read through the cache when there is one; values from the cache are deep-frozen (shared by every reader). */
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
    const [b, a] = [before[k], after[k]];
    if (b !== a && (typeof a !== 'object' || a === null || JSON.stringify(b) !== JSON.stringify(a))) out[k] = a;
  }
  return out;
}

/** The columns a table's events carry, quoted, in table order (the omitted ones left out). */
const AUDIT_COLUMNS_SQL = 'SELECT quote_literal(attname) AS literal, quote_ident(attname) AS ident FROM pg_attribute ' +
  'WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND NOT (attname = ANY($2::text[])) ORDER BY attnum';

/** What the mutations select: the stored event (before/after are its rows), or the untouched row. */
interface Written { readonly event: { readonly before: Row | null; readonly after: Row | null } | null }

export function defineTable<T extends Entity, W extends object>(store: Store, spec: TableSpec<T, W>, cache?: ReadCache): Table<T, W> {
  const { db } = store;
  const t = spec.table;
  const key = (id: string) => `${spec.resource}:${id}`;
  const load = async (id: string): Promise<T | undefined> => {
    const { rows } = await db.prepared<Row>(`SELECT * FROM ${t} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : spec.fromRow(rows[0]);
  };
  // Events list the columns rather than serialising whole rows and deleting the omitted keys:
  // cheaper for Postgres, which pays for every write. Read from the catalog on first use (the
  // migrations ran before the service started); a failed read is retried on the next write.
  let auditColumns: Promise<readonly SqlColumn[]> | undefined;
  const columns = (): Promise<readonly SqlColumn[]> => {
    auditColumns ??= db.query<SqlColumn>(AUDIT_COLUMNS_SQL, [t, spec.auditOmit ?? []]).then(
      ({ rows }) => rows,
      (err: unknown) => { auditColumns = undefined; throw err; },
    );
    return auditColumns;
  };
  const audit = (action: AuditAction, json: { before?: string; after?: string }, from: string, id: string, meta: WriteMeta | undefined, bind: Bind) =>
    outboxCte({ service: store.service, resource: spec.resource, action, before: json.before ?? null, after: json.after ?? null, from, id, event: { actor: meta?.actor ?? null } }, bind);
  const update = createUpdater({ db, service: store.service, resource: spec.resource, table: t, columns });
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
  const entity = (json: Row | null | undefined): T | null => (json === null || json === undefined ? null : spec.fromRow(json));

  // Each mutation is ONE statement — the change and its outbox row in data-modifying CTEs — so it
  // is atomic (one implicit transaction) and costs one round trip (or a share of one: update).
  // Its result is the event's payload: entities come back without the omitted (derived) columns.
  return {
    get: (id) => {
      if (!ID.test(id)) return Promise.resolve(undefined);
      return cache ? cache.read(key(id), () => load(id)) : load(id);
    },
    create: async (input, meta) => {
      const json = rowJson('new', await columns());
      const cols = writable(input);
      const s = statement();
      const values = cols.map(([, v]) => s.bind(v)).join(', ');
      const sql = `WITH new AS (INSERT INTO ${t} (${cols.map(([col]) => col).join(', ')}) VALUES (${values}) RETURNING *), ` +
        `ob AS (${audit('create', { after: json }, 'new', 'new.id', meta, s.bind)}) SELECT payload AS event FROM ob`;
      const { rows } = await db.prepared<Written>(sql, s.values);
      const created = entity(rows[0]?.event?.after);
      if (created === null) throw new Error(`INSERT INTO ${t} returned no row`);
      await committed(created.id); // drops a cached not-found
      return created;
    },
    update: async (id, patch, meta) => {
      if (!ID.test(id)) return undefined;
      const row = await update({ id, sets: writable(patch), expectedVersion: meta?.expectedVersion, actor: meta?.actor ?? null });
      if (row === undefined) return undefined;
      const before = entity(row.event ? row.event.before : row.before);
      const after = entity(row.event?.after);
      if (before === null) throw new Error(`UPDATE ${t} returned no before state`);
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
      const json = rowJson('old', await columns());
      const s = statement();
      const sql = `WITH old AS (DELETE FROM ${t} WHERE id = ${s.bind(id)} RETURNING *), ` +
        `ob AS (${audit('delete', { before: json }, 'old', 'old.id', meta, s.bind)}) SELECT payload AS event FROM ob`;
      const { rows } = await db.prepared<Written>(sql, s.values);
      const before = entity(rows[0]?.event?.before);
      if (before === null) return undefined;
      await committed(id);
      return before;
    },
  };
}
