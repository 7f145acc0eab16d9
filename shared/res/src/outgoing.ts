/**
 * The service's outgoing messages (events, replies, resets, token events), in call order, handed
 * to nats.js together once per tick. nats.js writes its buffer to the socket one microtask after
 * the first publish, and a burst of handlers (the requests of one socket read, the updates of one
 * group commit) publishes across many microtasks: that was a socket write per reply or two, about
 * a third of a busy service's CPU. Held back until `process.nextTick` — after every promise
 * callback the current I/O callback set off — they leave in one write.
 *
 * What nats.js would refuse (a closed connection, a bad subject, a payload over the server's
 * max_payload) is refused at `publish`, synchronously, as before: the caller learns of it.
 * `flush` hands over what is held at once (before `nc.flush()`, a drain, a handover).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);
const WHITESPACE = /\s/;

export class Outgoing {
  readonly #nc: () => NatsConnection;
  readonly #log: Logger;
  /** Subjects and payloads, alternating (one array, no object per message). */
  #held: (string | Uint8Array)[] = [];
  #scheduled = false;
  readonly #flushTick = (): void => {
    this.flush();
  };

  constructor(nc: () => NatsConnection, log: Logger) {
    this.#nc = nc;
    this.#log = log;
  }

  /** Publishes `payload` (undefined: empty) on `subject` after everything published before it. */
  publish(subject: string, payload?: string | Uint8Array): void {
    const nc = this.#nc();
    const data = payload === undefined ? EMPTY : typeof payload === 'string' ? utf8.encode(payload) : payload;
    // The checks nats.js makes, made now, so the caller gets the error it would have got.
    if (nc.isClosed()) throw new Error('NATS connection is closed');
    if (subject.length === 0 || WHITESPACE.test(subject)) throw new Error(`invalid subject ${JSON.stringify(subject)}`);
    const max = nc.info?.max_payload;
    if (max !== undefined && data.length > max)
      throw new Error(`payload of ${String(data.length)} bytes exceeds max_payload (${String(max)})`);
    this.#held.push(subject, data);
    if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushTick);
    }
  }

  /** Hands every held message to nats.js now, in order. */
  flush(): void {
    this.#scheduled = false;
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    const nc = this.#nc();
    for (let i = 0; i < held.length; i += 2) {
      try {
        nc.publish(held[i] as string, held[i + 1]);
      } catch (err) {
        // Only a connection closed (or done draining) within this tick gets here; the rest were checked at publish.
        this.#log.error({ err, subject: held[i] }, 'message not published');
      }
    }
  }
}
