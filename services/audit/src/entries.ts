/**
 * The audit trail in Postgres (the service's own schema): `entries`, partitioned by month, and
 * `rejected`. Writing is append-only and idempotent — a batch is one INSERT … ON CONFLICT DO
 * NOTHING keyed on the event id, so redeliveries and relay retries never make a second row — and
 * it returns only the rows it really added (those are what the live resources announce).
 *
 * Partitions: the months around now are created at start and then periodically
 * (`AUDIT_PARTITIONS_AHEAD` ahead); an event of any other month (a replay of an old stream) gets
 * its partition just before its batch is written. There is no default partition: a new month's
 * partition never has to be carved out of one.
 */
import { compileSearch, eq, gte, isoParam, isoTime, lte, oneOf, type Db, type SearchQuery } from '@hub/store';
import type { EntryKey, EntryRow, Rejected } from './events.ts';

/** Columns of the fields the live resources filter and sort on. */
const COLUMNS: Readonly<Record<string, string>> = {
  id: 'id',
  service: 'service',
  resource: 'resource',
  resourceId: 'resource_id',
  action: 'action',
  actor: 'actor',
  timestamp: 'occurred_at',
};

export function columnOf(field: string): string {
  const c = COLUMNS[field];
  if (c === undefined) throw new Error(`audit entries have no field "${field}"`);
  return c;
}

/** A stored entry as its model serves it. */
export interface Entry extends EntryRow {
  readonly storedAt: string;
}

interface KeyRow {
  id: string;
  service: string;
  resource: string;
  resource_id: string;
  action: string;
  actor: string | null;
  occurred_at: Date;
}

const keyOf = (r: KeyRow): EntryKey => ({
  id: r.id,
  service: r.service,
  resource: r.resource,
  resourceId: r.resource_id,
  action: r.action,
  actor: r.actor,
  timestamp: isoTime(r.occurred_at),
});

/** Month start (UTC) of an ISO timestamp, as the partition key the set of known months uses. */
function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

const INSERT =
  'INSERT INTO entries (id, seq, service, resource, resource_id, action, actor, occurred_at, before, after) ' +
  'SELECT id, seq, service, resource, resource_id, action, actor, occurred_at, before, after FROM json_to_recordset($1::json) AS x(' +
  'id uuid, seq bigint, service text, resource text, resource_id text, action text, actor text, occurred_at timestamptz, before jsonb, after jsonb) ' +
  'ON CONFLICT DO NOTHING RETURNING id::text, service, resource, resource_id, action, actor, occurred_at';

export class Entries {
  readonly #db: Db;
  /** Months whose partition exists (or was just created). */
  readonly #months = new Set<string>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** Creates the partitions of last month, this month and `ahead` months after. */
  async ensureAhead(ahead: number, now = new Date()): Promise<string[]> {
    const made: string[] = [];
    for (let k = -1; k <= ahead; k++) {
      const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1));
      made.push(await this.#ensure(at.toISOString()));
    }
    return made;
  }

  async #ensure(iso: string): Promise<string> {
    const { rows } = await this.#db.query<{ name: string }>('SELECT ensure_entries_partition($1) AS name', [iso]);
    this.#months.add(monthOf(iso));
    return rows[0]?.name ?? '';
  }

  /** Stores a batch; resolves with the entries that were new (a duplicate id adds nothing). */
  async insert(rows: readonly EntryRow[]): Promise<EntryKey[]> {
    const fresh = [...new Map(rows.map((r) => [r.id, r])).values()];
    if (fresh.length === 0) return [];
    for (const month of new Set(fresh.map((r) => monthOf(r.timestamp))))
      if (!this.#months.has(month)) await this.#ensure(`${month}-01T00:00:00Z`);
    const json = JSON.stringify(
      fresh.map((r) => ({
        id: r.id,
        seq: r.seq,
        service: r.service,
        resource: r.resource,
        resource_id: r.resourceId,
        action: r.action,
        actor: r.actor,
        occurred_at: r.timestamp,
        before: r.before,
        after: r.after,
      })),
    );
    const { rows: added } = await this.#db.query<KeyRow>(INSERT, [json]);
    return added.map(keyOf);
  }

  async reject(rows: readonly Rejected[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#db.query(
      'INSERT INTO rejected (seq, subject, data, reason) SELECT * FROM json_to_recordset($1::json) AS x(seq bigint, subject text, data text, reason text) ON CONFLICT DO NOTHING',
      [JSON.stringify(rows)],
    );
  }

  async isEmpty(): Promise<boolean> {
    const { rows } = await this.#db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM entries) AS any');
    return rows[0]?.any !== true;
  }

  async rejectedCount(): Promise<number> {
    const { rows } = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM rejected');
    return rows[0]?.n ?? 0;
  }

  /** One entry by its event id. */
  async get(id: string): Promise<Entry | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
    const { rows } = await this.#db.prepared<KeyRow & { seq: string; before: unknown; after: unknown; stored_at: Date }>(
      'SELECT id::text, seq, service, resource, resource_id, action, actor, occurred_at, stored_at, before, after FROM entries WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return r === undefined
      ? undefined
      : { ...keyOf(r), seq: Number(r.seq), before: r.before, after: r.after, storedAt: isoTime(r.stored_at) };
  }

  /** Ids of one resource's entries, in the query's order and page. */
  async history(p: { service: string; resource: string; id: string }, q: SearchQuery): Promise<string[]> {
    const dir = q.sort.startsWith('-') ? 'DESC' : 'ASC';
    const { rows } = await this.#db.prepared<{ id: string }>(
      'SELECT id::text AS id FROM entries WHERE service = $1 AND resource = $2 AND resource_id = $3 ' +
        `ORDER BY occurred_at ${dir}, entries.id ${dir} LIMIT $4 OFFSET $5`,
      [p.service, p.resource, p.id, q.limit, q.offset],
    );
    return rows.map((r) => r.id);
  }

  /** The database, for the compiled search of `entries`. */
  get db(): Db {
    return this.#db;
  }
}

/**
 * The `entries` search: filters by service, resource, resource id, actor and action; a time
 * range (`since` ≤ timestamp ≤ `until`); newest first by default.
 */
export const entrySearch = compileSearch(
  {
    pattern: 'entries',
    filters: {
      service: eq('service'),
      resource: eq('resource'),
      id: eq('resourceId'),
      actor: eq('actor'),
      action: oneOf('action', ['create', 'update', 'delete']),
      since: gte('timestamp', isoParam()),
      until: lte('timestamp', isoParam()),
    },
    sort: { fields: ['timestamp'], default: '-timestamp' },
    limit: { default: 25, max: 100 },
  },
  columnOf,
);

/** The history resources' query: paging and direction only (the resource names what it is of). */
export const historySearch = compileSearch(
  { pattern: 'history', sort: { fields: ['timestamp'], default: '-timestamp' }, limit: { default: 25, max: 100 } },
  columnOf,
);
