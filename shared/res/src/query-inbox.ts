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
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';

/** One open window: answers the query requests sent to its subject. */
type Answer = (msg: Msg, reply: string) => void;

export class QueryInbox {
  readonly #connection: () => NatsConnection;
  readonly #log: Logger;
  readonly #windows = new Map<string, { readonly answer: Answer; readonly timer: NodeJS.Timeout }>();
  #prefix: string | undefined;
  #sub: Subscription | undefined;
  #next = 0;

  constructor(connection: () => NatsConnection, log: Logger) {
    this.#connection = connection;
    this.#log = log;
  }

  /** Opens a window of `ms`: returns the subject to put in the query event. */
  open(answer: Answer, ms: number): string {
    const prefix = this.#subscribe();
    const token = String(this.#next++);
    const timer = setTimeout(() => {
      this.#windows.delete(token);
    }, ms);
    timer.unref();
    this.#windows.set(token, { answer, timer });
    return `${prefix}.${token}`;
  }

  /** Windows still open (tests, metrics). */
  get size(): number {
    return this.#windows.size;
  }

  /** Closes every window and the subscription (service shutdown). */
  close(): void {
    for (const w of this.#windows.values()) clearTimeout(w.timer);
    this.#windows.clear();
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
        const window = this.#windows.get(msg.subject.slice(prefix.length + 1));
        // A request after its window closed is Resgate's late retry: it times out and refetches.
        if (window !== undefined && msg.reply !== undefined && msg.reply !== '') window.answer(msg, msg.reply);
      },
    });
    this.#prefix = prefix;
    return prefix;
  }
}
