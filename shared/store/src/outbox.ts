/**
 * Domain events through a transactional outbox: the event row is written in the mutation's own
 * transaction, so an event exists if and only if the change committed. The relay (relay.ts)
 * publishes it later — at least once, deduplicated by `id` in JetStream.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './db.ts';

export type AuditAction = 'create' | 'update' | 'delete';

/** The payload consumers (the audit service) read from `audit.<service>.<resource>.<action>`. */
export interface DomainEvent {
  /** Idempotency id; also the JetStream `Nats-Msg-Id`. */
  readonly id: string;
  readonly service: string;
  readonly resource: string;
  readonly action: AuditAction;
  readonly resourceId: string;
  /** Who did it (from the request token; null until identity exists). */
  readonly actor: unknown;
  readonly before: unknown;
  readonly after: unknown;
  /** ISO 8601 commit-side timestamp. */
  readonly timestamp: string;
}

/** Subject of a domain event. @example auditSubject('customer', 'customer', 'update') // 'audit.customer.customer.update' */
export function auditSubject(service: string, resource: string, action: AuditAction): string {
  return `audit.${service}.${resource}.${action}`;
}

/** Writes the event in the caller's transaction. */
export async function writeOutbox(c: Queryable, e: Omit<DomainEvent, 'id' | 'timestamp'>): Promise<DomainEvent> {
  const event: DomainEvent = { id: randomUUID(), timestamp: new Date().toISOString(), ...e };
  await c.query('INSERT INTO hub_outbox (event_id, subject, payload) VALUES ($1, $2, $3)', [
    event.id,
    auditSubject(e.service, e.resource, e.action),
    JSON.stringify(event),
  ]);
  return event;
}

/** Binds a value as the next `$n` placeholder of a statement being built. */
export type Bind = (value: unknown) => string;

/** A statement under construction: bound values and the binder that appends to them. */
export function statement(): { values: unknown[]; bind: Bind } {
  const values: unknown[] = [];
  return {
    values,
    bind: (v) => {
      values.push(v);
      return `$${String(values.length)}`;
    },
  };
}

export interface OutboxCte {
  readonly service: string;
  readonly resource: string;
  readonly action: AuditAction;
  /** SQL `json` expressions of the row before/after (see `rowJson`), or null. */
  readonly before: string | null;
  readonly after: string | null;
  /** FROM clause naming the aliases those expressions use, e.g. `old, new`. */
  readonly from: string;
  /** SQL expression of the resource id. */
  readonly id: string;
  /**
   * The event's id and actor: bound values (one event per statement), or SQL expressions of
   * `uuid` and `json` read from the FROM clause (several events per statement).
   */
  readonly event: { readonly actor: unknown } | { readonly idSql: string; readonly actorSql: string };
  /** ORDER BY of the inserted rows (outbox order), for several events per statement. */
  readonly orderBy?: string;
}

/** A column as SQL text: its name as a string literal (the JSON key) and as an identifier. */
export interface SqlColumn {
  readonly literal: string;
  readonly ident: string;
}

/** json_build_object takes at most 100 arguments: a key and a value per column. */
const MAX_BUILD_COLUMNS = 50;

/**
 * A row as a `json` object of the given columns. `json`, not `jsonb`: Postgres builds it as text
 * and the relay sends that text as is, with no binary round trip. One function call where the
 * columns allow it (a sub-select costs Postgres extra plan nodes on every execution).
 * @example rowJson('old', [{ literal: "'id'", ident: 'id' }]) // json_build_object('id', old.id)
 */
export function rowJson(alias: string, columns: readonly SqlColumn[]): string {
  if (columns.length > MAX_BUILD_COLUMNS)
    return `(SELECT row_to_json(r) FROM (SELECT ${columns.map((c) => `${alias}.${c.ident}`).join(', ')}) r)`;
  return `json_build_object(${columns.map((c) => `${c.literal}, ${alias}.${c.ident}`).join(', ')})`;
}

/**
 * A data-modifying CTE that writes the domain event in the same statement as the change (one
 * statement = one transaction, one round trip). It returns the stored `event_id` and `payload`,
 * so the caller reads before/after from the event instead of having them serialised twice. The
 * SQL text is stable per shape (ids and actors are bound), so it can be prepared.
 * @example `WITH new AS (INSERT ... RETURNING *), ob AS (${outboxCte({...}, bind)}) SELECT payload FROM ob`
 */
export function outboxCte(o: OutboxCte, bind: Bind): string {
  const [id, actor] =
    'idSql' in o.event
      ? [o.event.idSql, o.event.actorSql]
      : [`${bind(randomUUID())}::uuid`, `${bind(JSON.stringify(o.event.actor ?? null))}::json`];
  return (
    `INSERT INTO hub_outbox (event_id, subject, payload) SELECT ${id}, ${bind(auditSubject(o.service, o.resource, o.action))}, ` +
    `json_build_object('id', ${id}::text, 'service', ${bind(o.service)}::text, 'resource', ${bind(o.resource)}::text, ` +
    `'action', ${bind(o.action)}::text, 'resourceId', (${o.id})::text, 'actor', ${actor}, ` +
    `'before', ${o.before ?? 'NULL::json'}, 'after', ${o.after ?? 'NULL::json'}, ` +
    `'timestamp', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) FROM ${o.from}` +
    `${o.orderBy === undefined ? '' : ` ORDER BY ${o.orderBy}`} RETURNING event_id, payload`
  );
}
