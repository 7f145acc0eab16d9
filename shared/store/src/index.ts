/**
 * @hub/store — a service's data in Postgres: its own schema with versioned SQL migrations,
 * table-backed models whose mutations are single transactions, Postgres errors mapped to RES
 * errors in one place, and domain events through a transactional outbox relayed to JetStream.
 */
export { openStore } from './store.ts';
export type { Store, StoreOptions } from './store.ts';
export { createDb, checkSchema, DEFAULT_POOL_MAX, TX_ATTEMPTS } from './db.ts';
export type { Db, DbOptions, Queryable } from './db.ts';
export { migrate } from './migrate.ts';
export type { MigrateOptions } from './migrate.ts';
export { defineTable, diff } from './table.ts';
export { isoTime } from './time.ts';
export type { Entity, ReadCache, Table, TableSpec, Updated, WriteMeta } from './table.ts';
export { MAX_COMBINED_UPDATES } from './update.ts';
export { toResError, isRetryable, fieldOf, SQLSTATE } from './errors.ts';
export { auditSubject, outboxCte, rowJson, writeOutbox } from './outbox.ts';
export type { AuditAction, Bind, DomainEvent, OutboxCte, SqlColumn } from './outbox.ts';
export { startRelay, AUDIT_STREAM, DUPLICATE_WINDOW_MS, RELAY_BATCH, RELAY_COALESCE_MS, RELAY_POLL_MS } from './relay.ts';
export type { OutboxRow, Relay, RelayFaults, RelayOptions } from './relay.ts';
export { PUBLISH_ACK_TIMEOUT_MS } from './publish.ts';
export { OwningService } from './service.ts';
export type { Closeable } from './service.ts';
