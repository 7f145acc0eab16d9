/**
 * The outbox relay: publishes committed domain events to JetStream in outbox order, then deletes
 * them. At least once: a crash after publishing but before the delete republishes the same rows
 * with the same `Nats-Msg-Id`, which JetStream drops inside its duplicate window. Rows are taken
 * with FOR UPDATE, so relays of several instances serialise instead of reordering.
 *
 * Faults: Postgres or NATS away makes a run fail; the rows stay and the poll retries. One line per
 * outage (`outbox relay failing`), one when a run succeeds again.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type pg from 'pg';
import { Outage, type Db } from './db.ts';
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
/**
 * Postgres ends a relay's session whose transaction has been idle this long (its batch's rows stay
 * locked meanwhile): a frozen process (SIGSTOP, a VM paused) would otherwise block every other
 * instance's relay for as long as it is frozen. Well past a publish's ack timeout (PUBLISH_ACK_TIMEOUT_MS).
 */
export const RELAY_TX_IDLE_TIMEOUT_MS = 15_000;

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
  /**
   * Connects to NATS, makes sure the stream exists and starts relaying (what is pending first).
   * Until then `poke` and `flush` do nothing: committed rows wait in the outbox. A failed start
   * leaves nothing open and may be retried.
   */
  start(): Promise<void>;
  /** Relay soon (after a commit). Never throws; failures are logged and retried by the poll. */
  poke(): void;
  /** Resolves when everything committed before the call has been relayed (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the stream of domain events if it is missing (every relay and consumer does, whoever is first). */
export async function ensureStream(nc: NatsConnection, name: string): Promise<void> {
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
 * The rows are locked in outbox order (FOR UPDATE), so relays of several instances serialise; a
 * transaction left idle past RELAY_TX_IDLE_TIMEOUT_MS loses its session (and its locks).
 */
const TAKE =
  `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${String(RELAY_TX_IDLE_TIMEOUT_MS)}; ` +
  `DELETE FROM hub_outbox WHERE seq IN (SELECT seq FROM hub_outbox ORDER BY seq LIMIT ${String(RELAY_BATCH)} FOR UPDATE) ` +
  'RETURNING seq::text, event_id::text, subject, payload::text';

/** Outbox order: `seq` is a bigint, here as decimal text. */
const bySeq = (a: OutboxRow, b: OutboxRow): number => a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

async function relayBatch(db: Db, publisher: Publisher, faults: RelayFaults | undefined): Promise<number> {
  const c = await db.checkout(); // the transaction stays open while we publish: its connection may die meanwhile
  const { client } = c;
  let broken = false;
  try {
    const results = (await client.query(TAKE)) as unknown as [unknown, unknown, pg.QueryResult<OutboxRow>];
    const rows = results[2].rows.sort(bySeq); // RETURNING has no order
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
    if (!c.broken)
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
    throw err;
  } finally {
    c.release(broken);
  }
}

/**
 * Connects to NATS, ensures the stream, relays what is pending and keeps relaying.
 * @example const relay = await startRelay(db, { natsUrl }); relay.poke();
 */
export async function startRelay(db: Db, o: RelayOptions): Promise<Relay> {
  const relay = createRelay(db, o);
  await relay.start();
  return relay;
}

/** What a started relay has: its connection, publisher and poll. */
interface Running {
  readonly nc: NatsConnection;
  readonly publisher: Publisher;
  readonly timer: NodeJS.Timeout;
}

/**
 * A relay not yet started (`start()` connects): a service creates it with its store and starts it
 * once its dependencies are reachable.
 * @example const relay = createRelay(db, { natsUrl }); await relay.start();
 */
export function createRelay(db: Db, o: RelayOptions): Relay {
  const outage = new Outage(o.log, 'outbox relay: postgres or NATS');
  let live: Running | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const loop = async (publisher: Publisher): Promise<void> => {
    do {
      again = false;
      try {
        while (!closed && (await relayBatch(db, publisher, o.faults)) === RELAY_BATCH) {
          /* more pending */
        }
        outage.ok();
      } catch (err) {
        outage.fault(err, 'relaying the outbox');
        return;
      }
    } while ((again as boolean) && !closed); // `again` is set by run() while we await
  };
  const run = (): Promise<void> => {
    if (live === undefined) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = loop(live.publisher).finally(() => {
      running = undefined;
    });
    return running;
  };
  let poked: NodeJS.Timeout | undefined;
  return {
    start: async () => {
      if (live !== undefined || closed) return;
      const nc = await connect({ servers: o.natsUrl.split(','), name: `outbox-relay-${db.schema}`, maxReconnectAttempts: -1 });
      try {
        await ensureStream(nc, o.stream ?? AUDIT_STREAM);
      } catch (err) {
        await nc.close();
        throw err;
      }
      const timer = setInterval(() => {
        void run();
      }, o.pollMs ?? RELAY_POLL_MS);
      live = { nc, publisher: startPublisher(nc), timer };
      await run();
    },
    poke: () => {
      if (live === undefined) return;
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
      clearTimeout(poked);
      const l = live;
      live = undefined;
      if (l === undefined) return;
      clearInterval(l.timer);
      if (running) await running;
      l.publisher.close();
      await l.nc.drain();
    },
  };
}
