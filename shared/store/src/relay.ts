/**
 * The outbox relay: publishes committed domain events to JetStream in outbox order, then deletes
 * them. At least once: a crash after publishing but before the delete republishes the same rows
 * with the same `Nats-Msg-Id`, which JetStream drops inside its duplicate window. Rows are taken
 * with FOR UPDATE, so relays of several instances serialise instead of reordering.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Db } from './db.ts';

/** Stream holding every service's domain events (`audit.>`). */
export const AUDIT_STREAM = 'AUDIT';
/** JetStream drops a re-published id within this window (its default is 2 min). */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** Rows published per transaction. */
export const RELAY_BATCH = 200;
/** Safety net for rows left by a crashed instance or a failed run: poll this often. */
export const RELAY_POLL_MS = 1000;
/** A poke relays after this delay, so a burst of commits goes out in one batch (one transaction). */
export const RELAY_COALESCE_MS = 20;

/** An outbox row as the relay sees it (for fault-injection hooks). */
export interface OutboxRow { readonly seq: string; readonly event_id: string; readonly subject: string; readonly payload: string }

/** Test-only hooks to simulate a crash at the two dangerous points. Throwing aborts the batch. */
export interface RelayFaults {
  /** Before a row is published: as if the process died after commit, before relaying. */
  beforePublish?: (row: OutboxRow) => void;
  /** After the batch was published, before its rows are deleted: forces a re-publish. */
  afterPublish?: (rows: readonly OutboxRow[]) => void;
}

export interface RelayOptions {
  readonly natsUrl: string;
  readonly stream?: string;
  readonly pollMs?: number;
  readonly faults?: RelayFaults;
  readonly log?: Logger;
}

export interface Relay {
  /** Relay soon (after a commit). Never throws; failures are logged and retried by the poll. */
  poke(): void;
  /** Resolves when everything committed before the call has been relayed (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

async function ensureStream(nc: NatsConnection, name: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add({ name, subjects: ['audit.>'], duplicate_window: DUPLICATE_WINDOW_MS * 1_000_000 });
    } catch (err) {
      // Another instance created it between our info and add.
      await jsm.streams.info(name).catch(() => { throw err; });
    }
  }
}

async function relayBatch(db: Db, js: JetStreamClient, faults: RelayFaults | undefined): Promise<number> {
  return db.tx(async (c) => {
    const { rows } = await c.query<OutboxRow>(
      'SELECT seq::text, event_id::text, subject, payload::text FROM hub_outbox ORDER BY seq LIMIT $1 FOR UPDATE', [RELAY_BATCH],
    );
    // Pipelined: each publish is written to the connection synchronously, in outbox order, so
    // JetStream stores them in that order; we then await all acks. If any fails, the whole
    // batch is retried (stored ones are dropped as duplicates by their Nats-Msg-Id).
    if (faults?.beforePublish) for (const row of rows) faults.beforePublish(row);
    await Promise.all(rows.map((row) => js.publish(row.subject, row.payload, { msgID: row.event_id })));
    if (rows.length > 0) faults?.afterPublish?.(rows);
    if (rows.length > 0) await c.query('DELETE FROM hub_outbox WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
    return rows.length;
  });
}

/**
 * Connects to NATS, ensures the stream, relays what is pending and keeps relaying.
 * @example const relay = await startRelay(db, { natsUrl }); relay.poke();
 */
export async function startRelay(db: Db, o: RelayOptions): Promise<Relay> {
  const nc = await connect({ servers: o.natsUrl.split(','), name: `outbox-relay-${db.schema}`, maxReconnectAttempts: -1 });
  await ensureStream(nc, o.stream ?? AUDIT_STREAM);
  const js = jetstream(nc);
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const loop = async (): Promise<void> => {
    do {
      again = false;
      try {
        while (!closed && (await relayBatch(db, js, o.faults)) === RELAY_BATCH) { /* more pending */ }
      } catch (err) {
        o.log?.warn({ err }, 'outbox relay failed; will retry');
        return;
      }
    } while (again as boolean && !closed); // `again` is set by run() while we await
  };
  const run = (): Promise<void> => {
    if (running) { again = true; return running; }
    running = loop().finally(() => { running = undefined; });
    return running;
  };
  const timer = setInterval(() => { void run(); }, o.pollMs ?? RELAY_POLL_MS);
  let poked: NodeJS.Timeout | undefined;
  await run();
  return {
    poke: () => { poked ??= setTimeout(() => { poked = undefined; void run(); }, RELAY_COALESCE_MS); },
    flush: async () => { await run(); if (running) await running; await run(); },
    close: async () => {
      closed = true;
      clearInterval(timer);
      clearTimeout(poked);
      if (running) await running;
      await nc.drain();
    },
  };
}
