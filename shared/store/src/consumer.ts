/**
 * Consuming domain events: a durable JetStream pull consumer on the `AUDIT` stream, shared by
 * every instance of a service (same durable name: each message goes to one of them), handed to
 * the service in small batches.
 *
 * The contract a handler gets — at least once, never lost:
 * - a batch is acked only after `handle` resolved (do the work, commit, then return);
 * - if `handle` throws, the batch is nak'ed and redelivered after `retryMs`; a message whose
 *   instance died before acking is redelivered after `ackWaitMs`;
 * - so a message may come again (a redelivery, or the relay republishing an event after its
 *   duplicate window): make the effect idempotent, keyed on the event's `id`.
 * Batches of one instance are handled one after the other, in delivery order; batches of several
 * instances run in parallel, in no particular order.
 */
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { AUDIT_STREAM, ensureStream } from './relay.ts';

/** Messages handed to one `handle` call at most. */
export const CONSUMER_BATCH = 200;
/** After the first message of a batch, wait this long for more before handling it. */
export const CONSUMER_COALESCE_MS = 10;
/** A delivered message not acked by then is redelivered (an instance died holding it). */
export const CONSUMER_ACK_WAIT_MS = 30_000;
/** A batch whose handler failed is redelivered after this. */
export const CONSUMER_RETRY_MS = 1000;

export interface AuditConsumerOptions {
  readonly natsUrl: string;
  /** Durable consumer name: the same for every instance of the service (they share it). */
  readonly durable: string;
  /** Subjects to receive, e.g. `audit.product.product.delete` (wildcards allowed). */
  readonly subjects: readonly string[];
  readonly stream?: string;
  readonly ackWaitMs?: number;
  readonly retryMs?: number;
  readonly batch?: number;
  /**
   * Asked once before consuming: true recreates the consumer, so it delivers the whole stream
   * again from its first message (e.g. a store that lost its data).
   */
  readonly replay?: () => Promise<boolean>;
  /** Does the batch's work; resolves once it is done for good (then the batch is acked). */
  readonly handle: (batch: readonly JsMsg[]) => Promise<void>;
  readonly log: Logger;
}

/** The consumer's position, for lag reporting. */
export interface ConsumerPosition {
  /** Last sequence in the stream (every subject). */
  readonly streamLastSeq: number;
  /** Messages matching the filter not yet delivered. */
  readonly pending: number;
  /** Delivered, not yet acked. */
  readonly ackPending: number;
  /** Every message up to this stream sequence is acked. */
  readonly ackFloorSeq: number;
  /** Messages delivered more than once so far. */
  readonly redelivered: number;
}

export interface AuditConsumer {
  position(): Promise<ConsumerPosition>;
  /** Stops taking messages, finishes (and acks) the batch in hand, closes the connection. */
  close(): Promise<void>;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** Creates the durable consumer, or brings an existing one to the wanted subjects. */
async function ensureConsumer(jsm: JetStreamManager, stream: string, o: AuditConsumerOptions, ackWaitMs: number): Promise<void> {
  const existing = await jsm.consumers.info(stream, o.durable).catch(() => undefined);
  // Only a consumer that delivered something has anything to deliver again.
  if (existing !== undefined && existing.delivered.consumer_seq > 0 && (await o.replay?.()) === true) {
    o.log.info({ consumer: o.durable }, 'replaying the whole stream: consumer recreated');
    await jsm.consumers.delete(stream, o.durable).catch(() => undefined);
  } else if (existing !== undefined) {
    const has = existing.config.filter_subjects ?? (existing.config.filter_subject === undefined ? [] : [existing.config.filter_subject]);
    if (!sameSet(has, o.subjects) || existing.config.ack_wait !== nanos(ackWaitMs))
      await jsm.consumers.update(stream, o.durable, { filter_subjects: [...o.subjects], ack_wait: nanos(ackWaitMs) });
    return;
  }
  // Identical settings from several instances at once: JetStream creates it once.
  await jsm.consumers.add(stream, {
    durable_name: o.durable,
    filter_subjects: [...o.subjects],
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_ack_pending: 10_000,
  });
}

/**
 * Starts consuming (resolves once the consumer exists and the first pull is under way).
 * @example const c = await consumeAudit({ natsUrl, durable: 'promotion-orphans', subjects: ['audit.product.product.delete'], handle, log });
 */
export async function consumeAudit(o: AuditConsumerOptions): Promise<AuditConsumer> {
  const stream = o.stream ?? AUDIT_STREAM;
  const ackWaitMs = o.ackWaitMs ?? CONSUMER_ACK_WAIT_MS;
  const max = o.batch ?? CONSUMER_BATCH;
  const nc: NatsConnection = await connect({ servers: o.natsUrl.split(','), name: `consumer-${o.durable}`, maxReconnectAttempts: -1 });
  try {
    await ensureStream(nc, stream);
    const jsm = await jetstreamManager(nc);
    await ensureConsumer(jsm, stream, o, ackWaitMs);
    return new Running(nc, jsm, stream, o, max, ackWaitMs);
  } catch (err) {
    await nc.close();
    throw err;
  }
}

class Running implements AuditConsumer {
  #buffer: JsMsg[] = [];
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #messages: ConsumerMessages | undefined;
  #closed = false;
  readonly #loop: Promise<void>;

  constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly stream: string,
    readonly o: AuditConsumerOptions,
    readonly max: number,
    readonly ackWaitMs: number,
  ) {
    this.#loop = this.#run();
  }

  async position(): Promise<ConsumerPosition> {
    const [c, s] = await Promise.all([this.jsm.consumers.info(this.stream, this.o.durable), this.jsm.streams.info(this.stream)]);
    return {
      streamLastSeq: s.state.last_seq,
      pending: c.num_pending,
      ackPending: c.num_ack_pending,
      ackFloorSeq: c.ack_floor.stream_seq,
      redelivered: c.num_redelivered,
    };
  }

  /** Consumes until closed; a consumer deleted under it (another instance replaying) is taken up again. */
  async #run(): Promise<void> {
    while (!this.#stopped()) {
      try {
        const consumer = await jetstream(this.nc).consumers.get(this.stream, this.o.durable);
        const messages = await consumer.consume({ max_messages: this.max * 2 });
        this.#messages = messages;
        void this.#watch(messages);
        for await (const m of messages) {
          this.#buffer.push(m);
          if (this.#buffer.length >= this.max) await this.#flush();
          else this.#timer ??= setTimeout(() => void this.#flush(), CONSUMER_COALESCE_MS);
        }
      } catch (err) {
        if (!this.#stopped()) this.o.log.warn({ err, consumer: this.o.durable }, 'consuming failed; retrying');
      }
      if (this.#stopped()) break;
      await new Promise((r) => setTimeout(r, 1000));
      await ensureConsumer(this.jsm, this.stream, { ...this.o, replay: undefined }, this.ackWaitMs).catch((err: unknown) => {
        this.o.log.warn({ err, consumer: this.o.durable }, 'consumer not recreated; retrying');
      });
    }
  }

  /** A method, not the field: the loop's condition would narrow the field for good. */
  #stopped(): boolean {
    return this.#closed;
  }

  /** Ends the iteration when the consumer is gone, so `#run` recreates it. */
  async #watch(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === 'consumer_deleted' || (s.type === 'consumer_not_found' && s.count > 2)) {
        this.o.log.warn({ consumer: this.o.durable, status: s.type }, 'consumer gone; taking it up again');
        await messages.close();
        return;
      }
    }
  }

  /** Hands the buffered messages to the handler (one batch at a time), then acks or naks them. */
  #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#chain = this.#chain.then(async () => {
      const batch = this.#buffer;
      if (batch.length === 0) return;
      this.#buffer = [];
      try {
        await this.o.handle(batch);
        for (const m of batch) m.ack();
      } catch (err) {
        this.o.log.warn({ err, consumer: this.o.durable, messages: batch.length }, 'handling failed; redelivered later');
        for (const m of batch) m.nak(this.o.retryMs ?? CONSUMER_RETRY_MS);
      }
    });
    return this.#chain;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#messages?.close();
    await this.#loop;
    await this.#flush();
    await this.nc.drain();
  }
}
