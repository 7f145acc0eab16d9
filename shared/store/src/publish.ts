/**
 * Pipelined JetStream publishing for the outbox relay. Every message carries a reply subject on
 * ONE inbox subscription, so a batch costs its publishes and their acks and nothing more: no
 * request object, timer and stack-capturing Errors per message, as `js.publish` has.
 *
 * An ack is JetStream's PubAck: stored, or a duplicate of a stored Nats-Msg-Id — both mean
 * "JetStream has it". Anything else (an API error, no stream for the subject, no ack in time)
 * fails the whole batch, which the relay then retries.
 */
import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/transport-node';

/** A batch whose acks have not all arrived by then fails. */
export const PUBLISH_ACK_TIMEOUT_MS = 5000;

export interface OutgoingEvent {
  readonly subject: string;
  readonly payload: string;
  readonly msgId: string;
}

export interface Publisher {
  /** Publishes in order (one connection: JetStream stores them in that order); resolves once all are acked. */
  publishAll(events: readonly OutgoingEvent[]): Promise<void>;
  close(): void;
}

/** Why an ack is not one, or undefined for a good ack. */
function ackError(msg: Msg): Error | undefined {
  if (msg.headers?.hasError === true) return new Error(`JetStream publish failed: ${String(msg.headers.code)} ${msg.headers.description}`);
  try {
    const ack = msg.json<{ stream?: string; error?: { description?: string } }>();
    if (ack.error === undefined && typeof ack.stream === 'string') return undefined;
    return new Error(`JetStream publish failed: ${ack.error?.description ?? 'not a publish ack'}`);
  } catch {
    return new Error('JetStream publish failed: not a publish ack');
  }
}

/** @example const publisher = startPublisher(nc); await publisher.publishAll([{ subject, payload, msgId }]); */
export function startPublisher(nc: NatsConnection, timeoutMs = PUBLISH_ACK_TIMEOUT_MS): Publisher {
  const inbox = createInbox();
  /** Per reply token, the batch that waits for it. */
  const waiting = new Map<string, (err: Error | undefined) => void>();
  let next = 0;
  const sub = nc.subscribe(`${inbox}.*`, {
    callback: (err, msg) => {
      if (err !== null) return; // the subscription closed: pending batches time out
      const token = msg.subject.slice(inbox.length + 1);
      const settle = waiting.get(token);
      waiting.delete(token);
      settle?.(ackError(msg)); // none: a late ack of a batch that already failed
    },
  });
  const publishAll = (events: readonly OutgoingEvent[]): Promise<void> =>
    new Promise((resolve, reject) => {
      if (events.length === 0) {
        resolve();
        return;
      }
      const tokens: string[] = [];
      let left = events.length;
      let over = false;
      const finish = (err: Error | undefined): void => {
        if (over) return;
        if (err === undefined && --left > 0) return;
        over = true;
        clearTimeout(timer);
        for (const t of tokens) waiting.delete(t);
        if (err === undefined) resolve();
        else reject(err);
      };
      const timer = setTimeout(() => {
        finish(new Error(`JetStream publish: no ack within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      try {
        for (const e of events) {
          const token = String(next++);
          tokens.push(token);
          waiting.set(token, finish);
          const h = headers();
          h.set('Nats-Msg-Id', e.msgId); // JetStream drops a repeat inside its duplicate window
          nc.publish(e.subject, e.payload, { reply: `${inbox}.${token}`, headers: h });
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  return {
    publishAll,
    close: () => {
      sub.unsubscribe();
    },
  };
}
