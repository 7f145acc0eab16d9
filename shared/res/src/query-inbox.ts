/**
 * Where query requests arrive. The protocol: a query event `event.<rid>.query` carries an inbox
 * subject; for the length of a window, Resgate sends one query request there per query of that
 * resource it has cached. Every query event of a service gets a subject under ONE wildcard
 * subscription (`<inbox>.<n>`) instead of a subscription of its own: a collection changed by
 * every write sends query events as fast as writes commit, and a SUB/UNSUB pair per event costs
 * the service, the server and every write.
 *
 * The subscription is made on first use, on the connection that carries the event, so the server
 * has it before any query event that names it (NATS keeps order per connection).
 *
 * A query request that arrives after its window closed is not a retry: Resgate handles a
 * resource's query events one at a time (each waits for every answer of the one before), so
 * under a burst of writes its requests for the later events come late — and Resgate drops a
 * query event whose request fails, leaving its cached query results stale for good. So a late
 * request is answered "no change" at once (Resgate's queue moves on instead of waiting out its
 * timeout) and the resource is reset (`onLate`), which makes Resgate fetch every cached query
 * of it again: late costs a refetch, never a stale list.
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';

/** One open window: answers the query requests sent to its subject. */
type Answer = (msg: Msg, reply: string) => void;

/** Closed windows remembered (token → resource name), to repair a late request's resource. */
const EXPIRED_KEPT = 10_000;
/** The answer to a late query request: no events (the reset that follows brings the state). */
const NO_CHANGE = JSON.stringify({ result: { events: [] } });

export class QueryInbox {
  readonly #connection: () => NatsConnection;
  readonly #log: Logger;
  readonly #onLate: (rname: string) => void;
  readonly #windows = new Map<string, { readonly answer: Answer; readonly rname: string; readonly timer: NodeJS.Timeout }>();
  readonly #expired = new Map<string, string>();
  #prefix: string | undefined;
  #sub: Subscription | undefined;
  #next = 0;
  #late = 0;

  /** `onLate(rname)`: a request came after its window closed; reset the resource. */
  constructor(connection: () => NatsConnection, log: Logger, onLate: (rname: string) => void = () => undefined) {
    this.#connection = connection;
    this.#log = log;
    this.#onLate = onLate;
  }

  /** Opens a window of `ms` for resource `rname`: returns the subject to put in the query event. */
  open(answer: Answer, ms: number, rname = ''): string {
    const prefix = this.#subscribe();
    const token = String(this.#next++);
    const timer = setTimeout(() => {
      this.#windows.delete(token);
      this.#expired.set(token, rname);
      if (this.#expired.size > EXPIRED_KEPT) this.#expired.delete(this.#expired.keys().next().value ?? '');
    }, ms);
    timer.unref();
    this.#windows.set(token, { answer, rname, timer });
    return `${prefix}.${token}`;
  }

  /** Query requests that arrived after their window closed (each led to a reset). */
  get late(): number {
    return this.#late;
  }

  /** Windows still open (tests, metrics). */
  get size(): number {
    return this.#windows.size;
  }

  /** Closes every window and the subscription (service shutdown). */
  close(): void {
    for (const w of this.#windows.values()) clearTimeout(w.timer);
    this.#windows.clear();
    this.#expired.clear();
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }

  #subscribe(): string {
    if (this.#prefix !== undefined && this.#sub !== undefined) return this.#prefix;
    const prefix = createInbox();
    this.#sub = this.#connection().subscribe(`${prefix}.*`, {
      callback: (err, msg) => {
        if (err !== null) {
          this.#log.warn({ err }, 'query inbox error');
          return;
        }
        const token = msg.subject.slice(prefix.length + 1);
        const window = this.#windows.get(token);
        if (msg.reply === undefined || msg.reply === '') return;
        if (window !== undefined) {
          window.answer(msg, msg.reply);
          return;
        }
        const rname = this.#expired.get(token);
        if (rname === undefined) return; // not ours (a forged subject), or forgotten long ago
        this.#late++;
        msg.respond(NO_CHANGE);
        this.#onLate(rname);
      },
    });
    this.#prefix = prefix;
    return prefix;
  }
}
