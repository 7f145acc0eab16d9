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
    event.id, auditSubject(e.service, e.resource, e.action), JSON.stringify(event),
  ]);
  return event;
}

/** Binds a value as the next `$n` placeholder of a statement being built. */
export type Bind = (value: unknown) => string;

export interface OutboxCte {
  readonly service: string;
  readonly resource: string;
  readonly action: AuditAction;
  /** SQL expressions (row aliases from the statement's other CTEs) for before/after, or null. */
  readonly before: string | null;
  readonly after: string | null;
  /** FROM clause naming those aliases, e.g. `old, new`. */
  readonly from: string;
  /** SQL expression of the resource id. */
  readonly id: string;
  readonly actor: unknown;
  /** Columns left out of before/after (e.g. derived search vectors). */
  readonly omit: readonly string[];
}

/**
 * A data-modifying CTE that writes the domain event in the same statement as the change (one
 * statement = one transaction, one round trip). before/after are the rows as JSON.
 * @example `WITH new AS (INSERT ... RETURNING *), ob AS (${outboxCte({...}, bind)}) SELECT ...`
 */
export function outboxCte(o: OutboxCte, bind: Bind): string {
  const eventId = randomUUID();
  const row = (alias: string | null) => (alias === null ? 'NULL::jsonb' : `to_jsonb(${alias}) - ${bind(o.omit)}::text[]`);
  return `INSERT INTO hub_outbox (event_id, subject, payload) SELECT ${bind(eventId)}::uuid, ${bind(auditSubject(o.service, o.resource, o.action))}, ` +
    `jsonb_build_object('id', ${bind(eventId)}::text, 'service', ${bind(o.service)}::text, 'resource', ${bind(o.resource)}::text, ` +
    `'action', ${bind(o.action)}::text, 'resourceId', (${o.id})::text, 'actor', ${bind(JSON.stringify(o.actor ?? null))}::jsonb, ` +
    `'before', ${row(o.before)}, 'after', ${row(o.after)}, 'timestamp', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) FROM ${o.from}`;
}
