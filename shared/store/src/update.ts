/**
 * The `update` statement of table-backed models (see table.ts), with group commit: updates of the
 * same columns started in one burst (an I/O callback and the promise callbacks it sets off; flushed
 * on `process.nextTick`, so later callbacks of the same poll phase start a new batch) run as ONE
 * statement — one round trip, one transaction, one plan execution — instead of one each. On a
 * busy, CPU-bound host that per-statement cost is most of what a write costs Postgres and the
 * service.
 *
 * Each update keeps the semantics of its own statement:
 * - it commits with its outbox row or not at all; a combined statement that Postgres refuses
 *   commits nothing, and every update in it is rerun alone, so a bad update fails only itself;
 * - its row is locked (FOR UPDATE) before it is changed, so the before state is the one it
 *   replaces and no concurrent update is lost; combined statements lock in id order, so they
 *   never deadlock one another;
 * - `expectedVersion` and "nothing to change" are decided per row.
 * An id is in a combined statement at most once: a second update of it runs alone, queued
 * behind the row lock.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { statementName, type Db } from './db.ts';
import { toResError } from './errors.ts';
import { fenceSql, type Fence } from './leases.ts';
import { outboxCte, rowJson, statement, type Bind, type SqlColumn } from './outbox.ts';

type Row = Record<string, unknown>;

/**
 * What an update selects for its row: the stored event, or (no change) the untouched row; `owned`
 * is false when the write was fenced (this instance no longer owns the row's partition).
 */
export interface UpdateRow {
  readonly event: { readonly before: Row; readonly after: Row } | null;
  readonly before: Row | null;
  readonly owned: boolean;
}

export interface UpdateTarget {
  readonly db: Db;
  readonly service: string;
  readonly resource: string;
  readonly table: string;
  /** The columns events carry (see table.ts). */
  readonly columns: () => Promise<readonly SqlColumn[]>;
}

/** One update: the row, its changed columns with their values, and what the event records. */
export interface UpdateRequest {
  readonly id: string;
  readonly sets: readonly (readonly [column: string, value: unknown])[];
  readonly expectedVersion: number | undefined;
  readonly actor: unknown;
  /** Ownership proof checked in the statement (services with several instances). */
  readonly fence?: Fence | undefined;
}

/** Most updates in one statement. */
export const MAX_COMBINED_UPDATES = 100;

/** Values that travel as JSON exactly as they would as bound parameters (no Date, Buffer, object). */
const jsonSafe = (v: unknown): boolean =>
  v === null ||
  typeof v === 'string' ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (Array.isArray(v) && v.every(jsonSafe));

/** The statement for one update; `$1` is the id. */
function singleSql(o: UpdateTarget, r: UpdateRequest, audit: readonly SqlColumn[], bind: Bind): string {
  const t = o.table;
  const idP = bind(r.id);
  const sets = r.sets.map(([col, v]) => [col, bind(v)] as const);
  const versionP = bind(r.expectedVersion ?? null);
  const fence = r.fence === undefined ? 'true' : fenceSql(r.fence, bind);
  // `old` locks the row, so the before state is the one this update replaces.
  return (
    `WITH old AS (SELECT * FROM ${t} WHERE id = ${idP} FOR UPDATE), ` +
    `new AS (UPDATE ${t} SET ${sets.map(([col, p]) => `${col} = ${p}, `).join('')}version = ${t}.version + 1, updated_at = now() ` +
    `FROM old WHERE ${t}.id = old.id AND (${versionP}::int IS NULL OR old.version = ${versionP}::int) AND ${fence} ` +
    `AND (${sets.length === 0 ? 'false' : sets.map(([col, p]) => `${t}.${col} IS DISTINCT FROM ${p}`).join(' OR ')}) RETURNING ${t}.*), ` +
    `ob AS (${outboxCte({ service: o.service, resource: o.resource, action: 'update', before: rowJson('old', audit), after: rowJson('new', audit), from: 'old, new', id: 'new.id', event: { actor: r.actor } }, bind)}) ` +
    `SELECT (SELECT payload FROM ob) AS event, CASE WHEN NOT EXISTS (SELECT FROM new) THEN ${rowJson('old', audit)} END AS before, ${fence} AS owned FROM old`
  );
}

/**
 * The statement for several updates of the same columns: `$1` is a JSON array of
 * `{ id, event_id, actor, expected }`, `$2` one of `{ id, <column>: value }` (typed by the
 * table's row type), `$3` the ids.
 */
function combinedSql(o: UpdateTarget, columns: readonly string[], audit: readonly SqlColumn[], bind: Bind, fenced: boolean): string {
  const t = o.table;
  const [metaP, inputP, idsP, ownerP] = [bind(null), bind(null), bind(null), bind(null)];
  // Per row: this instance still holds the row's partition under the epoch the write was admitted with.
  const fence = fenced
    ? `EXISTS (SELECT 1 FROM hub_leases h WHERE h.partition = meta.fence_partition AND h.owner = ${ownerP}::text AND h.epoch = meta.fence_epoch AND h.expires_at > clock_timestamp())`
    : `(${ownerP}::text IS NULL)`;
  return (
    `WITH meta AS (SELECT * FROM json_to_recordset(${metaP}::json) AS m(id bigint, event_id uuid, actor json, expected int, fence_partition int, fence_epoch bigint)), ` +
    `input AS (SELECT * FROM json_populate_recordset(NULL::${t}, ${inputP}::json)), ` +
    `old AS (SELECT * FROM ${t} WHERE id = ANY(${idsP}::bigint[]) ORDER BY id FOR UPDATE), ` +
    `new AS (UPDATE ${t} SET ${columns.map((col) => `${col} = input.${col}, `).join('')}version = ${t}.version + 1, updated_at = now() ` +
    `FROM old JOIN input USING (id) JOIN meta USING (id) WHERE ${t}.id = old.id AND (meta.expected IS NULL OR old.version = meta.expected) AND ${fence} ` +
    `AND (${columns.map((col) => `${t}.${col} IS DISTINCT FROM input.${col}`).join(' OR ')}) RETURNING ${t}.*), ` +
    `ob AS (${outboxCte({ service: o.service, resource: o.resource, action: 'update', before: rowJson('old', audit), after: rowJson('new', audit), from: 'old JOIN new USING (id) JOIN meta USING (id)', id: 'new.id', event: { idSql: 'meta.event_id', actorSql: 'meta.actor' }, orderBy: 'old.id' }, bind)}) ` +
    `SELECT old.id::text AS id, ob.payload AS event, CASE WHEN ob.payload IS NULL THEN ${rowJson('old', audit)} END AS before, ${fence} AS owned ` +
    'FROM old JOIN meta USING (id) LEFT JOIN ob USING (event_id)'
  );
}

interface Pending {
  readonly r: UpdateRequest;
  readonly resolve: (row: UpdateRow | undefined) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * @returns the update function: the selected row for the id, or undefined when it does not exist.
 * @example const update = createUpdater({ db, service, resource, table, columns }); await update({ id, sets, ... });
 */
export function createUpdater(o: UpdateTarget): (r: UpdateRequest) => Promise<UpdateRow | undefined> {
  const single = async (r: UpdateRequest): Promise<UpdateRow | undefined> => {
    const s = statement();
    const sql = singleSql(o, r, await o.columns(), s.bind);
    return (await o.db.prepared<UpdateRow>(sql, s.values)).rows[0];
  };
  /**
   * The combined statement per column list, built once: its text, prepared-statement name and
   * the constants it binds after `$1`..`$3` (which each run fills).
   */
  const combinedStatements = new Map<string, { readonly text: string; readonly name: string; readonly constants: readonly unknown[] }>();
  const combinedStatement = async (shape: string, columns: readonly string[]) => {
    let st = combinedStatements.get(shape);
    if (st === undefined) {
      const s = statement();
      const text = combinedSql(o, columns, await o.columns(), s.bind, shape.endsWith('|f'));
      st = { text, name: statementName(text), constants: s.values.slice(4) };
      combinedStatements.set(shape, st);
    }
    return st;
  };
  /** Runs several updates in one statement; the raw driver error if it fails. */
  const combined = async (shape: string, items: readonly Pending[]): Promise<Map<string, UpdateRow>> => {
    const columns = (items[0]?.r.sets ?? []).map(([col]) => col);
    const { text, name, constants } = await combinedStatement(shape, columns);
    const values = [
      JSON.stringify(
        items.map(({ r }) => ({
          id: r.id,
          event_id: randomUUID(),
          actor: r.actor ?? null,
          expected: r.expectedVersion ?? null,
          fence_partition: r.fence?.partition ?? null,
          fence_epoch: r.fence?.epoch ?? null,
        })),
      ),
      JSON.stringify(items.map(({ r }) => Object.fromEntries([['id', r.id], ...r.sets]))),
      items.map(({ r }) => r.id),
      items[0]?.r.fence?.owner ?? null,
      ...constants,
    ];
    const { rows } = await o.db.pool.query<UpdateRow & { id: string }>({ name, text, values });
    return new Map(rows.map((row) => [row.id, row]));
  };
  const run = async (shape: string, items: readonly Pending[]): Promise<void> => {
    const [only] = items;
    if (items.length === 1 && only) {
      single(only.r).then(only.resolve, only.reject);
      return;
    }
    let rows: Map<string, UpdateRow>;
    try {
      rows = await combined(shape, items);
    } catch (err) {
      // Postgres refused the statement, so nothing committed: rerun each update alone, so each
      // gets its own outcome. Anything else (a lost connection) leaves the outcome unknown, as
      // it would for a single statement: every update fails, none is applied twice.
      if (err instanceof pg.DatabaseError && err.severity === 'ERROR') for (const p of items) single(p.r).then(p.resolve, p.reject);
      else for (const p of items) p.reject(toResError(err));
      return;
    }
    for (const p of items) p.resolve(rows.get(p.r.id));
  };

  /**
   * Updates waiting for the end of this burst, by column list, then by id. nextTick rather than
   * setImmediate: the batch goes out before other I/O callbacks run, which measured lower
   * latency (and higher throughput at a fixed number of callers) than gathering across them.
   */
  const waiting = new Map<string, Map<string, Pending>>();
  const flush = (shape: string, batch: Map<string, Pending>): void => {
    if (waiting.get(shape) !== batch) return; // already flushed (it was full)
    waiting.delete(shape);
    void run(shape, [...batch.values()]);
  };
  return (r) => {
    if (r.sets.length === 0 || !r.sets.every(([, v]) => jsonSafe(v))) return single(r);
    // Fenced and unfenced updates never share a statement (one owner per statement).
    const shape = `${r.sets.map(([col]) => col).join(',')}|${r.fence === undefined ? '' : 'f'}`;
    let batch = waiting.get(shape);
    if (batch?.has(r.id)) return single(r);
    if (batch === undefined) {
      const created = new Map<string, Pending>();
      waiting.set(shape, created);
      process.nextTick(() => {
        flush(shape, created);
      });
      batch = created;
    }
    const open = batch;
    return new Promise((resolve, reject) => {
      open.set(r.id, { r, resolve, reject });
      if (open.size >= MAX_COMBINED_UPDATES) flush(shape, open);
    });
  };
}
