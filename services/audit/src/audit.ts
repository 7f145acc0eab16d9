/**
 * The audit service at run time: the durable consumer of `audit.>` (shared by every instance)
 * feeding the trail, the partitions kept ahead, and the lag watch.
 *
 * Exactly-once effect on at-least-once delivery: a batch is written in one idempotent INSERT
 * (keyed on the event id) and acked only after it committed; a crash before the ack redelivers
 * it and the duplicates add nothing. On an empty store (a new database, a restore without the
 * trail) the consumer is recreated, so the whole stream is delivered again.
 */
import { consumeAudit, type AuditConsumer, type Db } from '@hub/store';
import type { Registry } from 'prom-client';
import type { JsMsg } from '@nats-io/jetstream';
import type { ServiceScope } from '@hub/res';
import type { Logger } from 'pino';
import type { AuditConfig } from './config.ts';
import { Entries } from './entries.ts';
import { isRejected, read, type EntryRow, type Rejected } from './events.ts';
import { Lag } from './lag.ts';
import { AuditLive } from './live.ts';

/** Partitions ahead are re-checked this often (a service running across a month's end). */
const PARTITION_CHECK_MS = 6 * 3600_000;

export class Audit {
  readonly entries: Entries;
  readonly lag: Lag;
  readonly live: AuditLive;
  #consumer: AuditConsumer | undefined;
  #partitions: NodeJS.Timeout | undefined;

  constructor(
    db: Db,
    readonly o: { config: AuditConfig & { NATS_URL: string }; name: string; log: Logger },
  ) {
    this.entries = new Entries(db);
    this.lag = new Lag(this.entries, o.log);
    this.live = new AuditLive(this.entries, this.lag, o.log);
  }

  /** Starts consuming once the service serves (the live resources announce through it). */
  async start(service: ServiceScope, registry: Registry | undefined): Promise<void> {
    const { config, log } = this.o;
    const made = await this.entries.ensureAhead(config.AUDIT_PARTITIONS_AHEAD);
    log.info({ partitions: made }, 'audit partitions ready');
    this.#partitions = setInterval(() => {
      this.entries.ensureAhead(config.AUDIT_PARTITIONS_AHEAD).catch((err: unknown) => {
        log.warn({ err }, 'audit partitions ahead not created; retrying later');
      });
    }, PARTITION_CHECK_MS);
    this.#partitions.unref();
    this.#consumer = await consumeAudit({
      natsUrl: config.NATS_URL,
      durable: config.AUDIT_CONSUMER ?? this.o.name,
      subjects: config.AUDIT_SUBJECTS,
      ackWaitMs: config.AUDIT_ACK_WAIT_MS,
      replay: () => this.entries.isEmpty(),
      handle: (batch) => this.#store(service, batch),
      log,
    });
    this.lag.start(
      this.#consumer,
      config.AUDIT_LAG_INTERVAL_MS,
      (v) => {
        this.live.lagChanged(service, v).catch((err: unknown) => {
          log.warn({ err }, 'audit lag change not sent');
        });
      },
      registry,
    );
  }

  /** One batch from the stream: stored (duplicates dropped), bad messages kept apart, new entries announced. */
  async #store(service: ServiceScope, batch: readonly JsMsg[]): Promise<void> {
    const rows: EntryRow[] = [];
    const rejected: Rejected[] = [];
    for (const m of batch) {
      const r = read(m);
      if (isRejected(r)) rejected.push(r);
      else rows.push(r);
    }
    const added = await this.entries.insert(rows);
    await this.entries.reject(rejected);
    for (const r of rejected)
      this.o.log.error({ seq: r.seq, subject: r.subject, reason: r.reason }, 'not a domain event: kept in rejected');
    // The trail is committed: a failed announcement must not redeliver the batch.
    await this.live.stored(service, added).catch((err: unknown) => {
      this.o.log.warn({ err }, 'new audit entries not announced');
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#partitions);
    this.lag.stop();
    await this.#consumer?.close();
  }
}
