/**
 * The outbox relay: publishes committed domain events to JetStream in outbox order, then deletes
 * them. At least once: a crash after publishing but before the delete republishes the same rows
 * with the same `Nats-Msg-Id`, which JetStream drops inside its duplicate window. Rows are taken
 * with FOR UPDATE, so relays of several instances serialise instead of reordering.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Db } from './db.ts';
import { startPublisher, type Publisher } from './publish.ts';

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
export interface OutboxRow {
  readonly seq: string;
  readonly event_id: string;
  readonly subject: string;
  readonly payload: string;
}

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
      await jsm.streams.info(name).catch(() => {
        throw err;
      });
    }
  }
}

/**
 * Takes the oldest rows: deletes them and returns them, in a transaction left open while they
 * are published (so the delete only commits once JetStream has them). One round trip: a simple
 * query may hold several statements, and `BEGIN` in it opens the transaction for later ones.
 * The rows are locked in outbox order (FOR UPDATE), so relays of several instances serialise.
 */
const TAKE =
  `BEGIN; DELETE FROM hub_outbox WHERE seq IN (SELECT seq FROM hub_outbox ORDER BY seq LIMIT ${String(RELAY_BATCH)} FOR UPDATE) ` +
  'RETURNING seq::text, event_id::text, subject, payload::text';

/** Outbox order: `seq` is a bigint, here as decimal text. */
const bySeq = (a: OutboxRow, b: OutboxRow): number => a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

async function relayBatch(db: Db, publisher: Publisher, faults: RelayFaults | undefined): Promise<number> {
  const client = await db.pool.connect();
  let broken = false;
  try {
    const results = (await client.query(TAKE)) as unknown as [unknown, pg.QueryResult<OutboxRow>];
    const rows = results[1].rows.sort(bySeq); // RETURNING has no order
    // Pipelined, in outbox order (so JetStream stores them in that order), then all acks awaited.
    // If any fails, the whole batch is retried (stored ones are dropped as duplicates by their
    // Nats-Msg-Id).
    if (faults?.beforePublish) for (const row of rows) faults.beforePublish(row);
    await publisher.publishAll(rows.map((row) => ({ subject: row.subject, payload: row.payload, msgId: row.event_id })));
    if (rows.length > 0) faults?.afterPublish?.(rows);
    await client.query('COMMIT');
    return rows.length;
  } catch (err) {
    // Not published (or not all acked): the rows stay for the next run.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Connects to NATS, ensures the stream, relays what is pending and keeps relaying.
 * @example const relay = await startRelay(db, { natsUrl }); relay.poke();
 */
export async function startRelay(db: Db, o: RelayOptions): Promise<Relay> {
  const nc = await connect({ servers: o.natsUrl.split(','), name: `outbox-relay-${db.schema}`, maxReconnectAttempts: -1 });
  await ensureStream(nc, o.stream ?? AUDIT_STREAM);
  const publisher = startPublisher(nc);
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const loop = async (): Promise<void> => {
    do {
      again = false;
      try {
        while (!closed && (await relayBatch(db, publisher, o.faults)) === RELAY_BATCH) {
          /* more pending */
        }
      } catch (err) {
        o.log?.warn({ err }, 'outbox relay failed; will retry');
        return;
      }
    } while ((again as boolean) && !closed); // `again` is set by run() while we await
  };
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    void run();
  }, o.pollMs ?? RELAY_POLL_MS);
  let poked: NodeJS.Timeout | undefined;
  await run();
  return {
    poke: () => {
      poked ??= setTimeout(() => {
        poked = undefined;
        void run();
      }, RELAY_COALESCE_MS);
    },
    flush: async () => {
      await run();
      if (running) await running;
      await run();
    },
    close: async () => {
      closed = true;
      clearInterval(timer);
      clearTimeout(poked);
      if (running) await running;
      publisher.close();
      await nc.drain();
    },
  };
}
