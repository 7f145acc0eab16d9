/**
 * @hub/store — a service's data in Postgres: its own schema with versioned SQL migrations,
 * table-backed resources whose writes send their own RES events (`defineTable`, `liveSearch`),
 * Postgres errors mapped to RES errors in one place, and domain events through a transactional
 * outbox relayed to JetStream.
 */
export { defineTable, liveSearch, TableDef } from './define.ts';
export type { EntityOf, LiveSearchDeclaration, ModelAccess, TableCall, TableDeclaration, TableHooks } from './define.ts';
export { bool, contains, during, eq, gte, int, isoParam, lte, oneOf } from './filters.ts';
export type { Filter } from './filters.ts';
export { reference, timestamp } from './fields.ts';
export { LiveTable } from './live-table.ts';
export type { CompiledSearch, SearchQuery, SearchSpec, TextSpec, Mutation } from './search.ts';
export { compileSearch, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET } from './search.ts';
export { bindContext, isBindable } from './bind.ts';
export type { Bindable, BindContext, Placement } from './bind.ts';
export { Leases, fenceSql } from './leases.ts';
export type { Acquired, Fence, PartitionState, TickResult } from './leases.ts';

export { createStore, openStore } from './store.ts';
export type { Store, StoreOptions } from './store.ts';
export { createDb, checkSchema, Outage, CONNECT_TIMEOUT_MS, DEFAULT_POOL_MAX, TX_ATTEMPTS } from './db.ts';
export type { Checkout, Db, DbOptions, Queryable } from './db.ts';
export { migrate } from './migrate.ts';
export type { MigrateOptions } from './migrate.ts';
export { openTable, diff } from './rows.ts';
export type { Entity, ReadCache, Table, TableSpec, Updated, WriteMeta } from './rows.ts';
export { isoTime } from './time.ts';
export { MAX_COMBINED_UPDATES } from './update.ts';
export { toResError, isRetryable, isUnavailable, fieldOf, SQLSTATE, DATABASE_UNAVAILABLE } from './errors.ts';
export { auditSubject, outboxCte, rowJson, writeOutbox } from './outbox.ts';
export type { AuditAction, Bind, DomainEvent, OutboxCte, SqlColumn } from './outbox.ts';
export { createRelay, startRelay, AUDIT_STREAM, DUPLICATE_WINDOW_MS, RELAY_BATCH, RELAY_COALESCE_MS, RELAY_POLL_MS } from './relay.ts';
export type { OutboxRow, Relay, RelayFaults, RelayOptions } from './relay.ts';
export { PUBLISH_ACK_TIMEOUT_MS } from './publish.ts';
export { consumeAudit, CONSUMER_ACK_WAIT_MS, CONSUMER_BATCH, CONSUMER_COALESCE_MS, CONSUMER_RETRY_MS } from './consumer.ts';
export type { AuditConsumer, AuditConsumerOptions, ConsumerPosition } from './consumer.ts';
