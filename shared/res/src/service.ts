/**
 * The service: connects, subscribes to its own namespace (in a queue group), sends
 * `system.reset` when it starts serving and after every reconnect, and shuts down gracefully.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { pino, type Logger } from 'pino';
import type {
  EventKind,
  Middleware,
  RequestOptions,
  RequestTarget,
  ResetPatterns,
  ResetResourceOptions,
  ResourceHandle,
  ServiceScope,
} from './contract.ts';
import type { ServiceCore } from './core.ts';
import { createDispatcher } from './dispatch.ts';
import { ResUsageError } from './errors.ts';
import { loggingMiddleware, metricsMiddleware } from './middleware.ts';
import { CLOSE_TIMEOUT_MS, isConnection, resolveOptions, type ServiceOptions } from './options.ts';
import type { PathParams } from './pattern.ts';
import { Outgoing } from './outgoing.ts';
import { QueryInbox } from './query-inbox.ts';
import { KeyedQueue } from './queue.ts';
import { Router } from './router.ts';
import { Scope } from './scope.ts';
import { connectForever, watchStatus } from './system.ts';
import { tracingMiddleware } from './tracing.ts';

type State = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * A RES service. Create it with {@link createService}. As a `ServiceScope` it holds no queue key:
 * inside a handler use `ctx.service` instead (see scope.ts).
 * @example
 * const service = createService({ name: 'library', resources: [book, books] });
 * await service.start();
 * await service.with('library.book.1', (r) => { r.change({ title: 'New' }); });
 * await service.close();
 */
/** Late query requests within this long share one reset. */
const LATE_RESET_BATCH_MS = 20;

export class Service implements ServiceScope {
  readonly name: string;
  readonly log: Logger;
  readonly #router: Router;
  readonly #queue: KeyedQueue;
  readonly #queries: QueryInbox;
  readonly #scope: Scope;
  readonly #middleware: Middleware[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #options: ServiceOptions;
  readonly #core: ServiceCore;
  readonly #outgoing: Outgoing;
  #nc: NatsConnection | undefined;
  #subs: Subscription[] = [];
  #state: State = 'idle';
  #closing: Promise<void> | undefined;
  /** Ends a start still waiting for NATS when the service is closed. */
  readonly #abort = new AbortController();

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.name = options.name;
    this.#router = new Router(options.name, options.resources);
    this.#queue = new KeyedQueue(options.queue);
    this.log = options.logger ?? pino({ name: options.name, level: options.logLevel ?? 'info' });
    this.#queries = new QueryInbox(
      () => this.connection,
      this.log,
      (rname) => {
        this.#resetLate(rname);
      },
    );
    const outgoing = new Outgoing(() => this.connection, this.log);
    this.#outgoing = outgoing;
    const onEvent = options.metrics?.onEvent?.bind(options.metrics);
    const core: ServiceCore = {
      name: this.name,
      log: this.log,
      queue: this.#queue,
      router: this.#router,
      options: resolveOptions(options),
      queries: this.#queries,
      connection: () => this.connection,
      publish: (subject, payload) => {
        outgoing.publish(subject, payload);
      },
      scope: (holds) => new Scope(core, holds),
      later: (ms, fn) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          fn();
        }, ms);
        timer.unref();
        this.#timers.add(timer);
      },
      counted:
        onEvent === undefined
          ? () => undefined
          : (kind: EventKind) => {
              onEvent(kind);
            },
    };
    this.#core = core;
    this.#scope = new Scope(core);
    if (options.tracing !== false) this.#middleware.push(tracingMiddleware);
    if (options.metrics !== undefined) this.#middleware.push(metricsMiddleware(options.metrics));
    this.#middleware.push(loggingMiddleware);
  }

  readonly #lateResets = new Set<string>();

  /**
   * Resets a resource whose query request came after its window (see QueryInbox): batched, since
   * one late query event brings one late request per cached query, and one warning per batch.
   */
  #resetLate(rname: string): void {
    if (this.#lateResets.size === 0) {
      const timer = setTimeout(() => {
        const resources = [...this.#lateResets];
        this.#lateResets.clear();
        if (this.#state !== 'running') return;
        this.log.warn(
          { resources, late: this.#queries.late },
          'query requests came after their window: resetting the resources so gateways refetch their queries',
        );
        this.#core.counted('reset');
        this.#core.publish('system.reset', JSON.stringify({ resources }));
      }, LATE_RESET_BATCH_MS);
      timer.unref();
    }
    this.#lateResets.add(rname);
  }

  /** The NATS connection; throws before `start()`. */
  get connection(): NatsConnection {
    if (this.#nc === undefined) throw new ResUsageError(`service ${this.name} is not started`);
    return this.#nc;
  }

  /** True between a successful `start()` and `close()`. */
  get running(): boolean {
    return this.#state === 'running';
  }

  /**
   * Adds middleware around every request (after the built-in tracing/metrics/logging).
   * @example service.use(async (req, next) => { await next(); if (req.errorCode) audit(req); });
   */
  use(mw: Middleware): this {
    this.#middleware.push(mw);
    return this;
  }

  /** Connects, subscribes to `<type>.<name>.>`, then sends `system.reset` for owned patterns. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new ResUsageError(`service ${this.name} was already started`);
    this.#state = 'starting';
    const n = this.#options.nats ?? { servers: 'nats://127.0.0.1:4222' };
    const queue = this.#options.queueGroup === undefined ? this.name : (this.#options.queueGroup ?? undefined);
    try {
      // NATS not reachable yet: wait (backoff, one log line) rather than fail the start.
      this.#nc = isConnection(n) ? n : await connectForever(n, this.name, { log: this.log, signal: this.#abort.signal });
      this.#subs = this.#subscribe(queue);
      // The server has our subscriptions before any gateway is told to fetch again.
      await this.connection.flush();
    } catch (err) {
      this.#state = 'closed';
      if (this.#nc !== undefined && !isConnection(n)) await this.#nc.close();
      throw err;
    }
    this.#state = 'running';
    this.reset();
    void watchStatus(this.connection, this.log, () => {
      // Events published while disconnected may be lost: gateways must fetch again.
      if (this.#state === 'running') this.reset();
    });
    this.log.info({ subjects: this.#router.subjects(), queue }, 'serving');
  }

  #subscribe(queue: string | undefined): Subscription[] {
    const d = createDispatcher(this.#core, () => this.#middleware);
    const makeGate = this.#options.gate;
    if (makeGate === undefined) return this.#router.subjects().map((s) => this.connection.subscribe(s, { queue, callback: d.callback }));
    // Ownership: every instance receives the owned resources' requests, the gate picks the owner.
    const gate = makeGate({
      redeliver: (msg) => {
        d.deliver(msg);
      },
      idleWhere: (match, ms) => this.#queue.idleWhere(match, ms),
      reset: () => {
        this.reset();
      },
      flush: () => this.flush(),
    });
    const { owned, shared } = this.#router.splitSubjects();
    const gated = d.gated(() => gate);
    return [
      ...owned.map((s) => this.connection.subscribe(s, { callback: gated })),
      ...shared.map((s) => this.connection.subscribe(s, { queue, callback: d.callback })),
    ];
  }

  rid<P extends string>(pattern: P, params: PathParams<P>, query?: string): string {
    return this.#scope.rid(pattern, params, query);
  }
  with<T>(rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T> {
    return this.#scope.with(rid, fn);
  }
  reset(patterns?: ResetPatterns): void {
    this.#scope.reset(patterns);
  }
  resetResource(rid: string, opts?: ResetResourceOptions): Promise<void> {
    return this.#scope.resetResource(rid, opts);
  }
  tokenEvent(cid: string, token: unknown, tid?: string): void {
    this.#scope.tokenEvent(cid, token, tid);
  }
  tokenReset(tids: readonly string[], subject: string): void {
    this.#scope.tokenReset(tids, subject);
  }
  request(target: string | RequestTarget, params?: unknown, opts?: RequestOptions): Promise<unknown> {
    return this.#scope.request(target, params, opts);
  }

  /**
   * Resolves once the NATS server has every message this service published before the call
   * (events and replies are handed to the connection once per tick, see outgoing.ts).
   * @example await service.flush(); // then hand a partition over
   */
  async flush(): Promise<void> {
    this.#outgoing.flush();
    await this.connection.flush();
  }

  /** Stops intake, lets in-flight and queued handlers finish (bounded), then drains NATS. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#abort.abort(new ResUsageError(`service ${this.name} closed while starting`));
    if (this.#state === 'idle') {
      this.#state = 'closed';
      return;
    }
    this.#state = 'closing';
    await Promise.allSettled(this.#subs.map((s) => s.drain()));
    const timeoutMs = this.#options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
    if (!(await this.#queue.idle(timeoutMs))) this.log.warn({ pending: this.#queue.size, timeoutMs }, 'handlers still running at close');
    this.#queries.close();
    for (const t of this.#timers) clearTimeout(t);
    const nc = this.#nc;
    const owned = nc !== undefined && !isConnection(this.#options.nats ?? { servers: '' });
    try {
      if (nc !== undefined && !nc.isClosed()) this.#outgoing.flush();
      if (owned) await nc.drain();
      else await nc?.flush();
    } catch (err) {
      this.log.warn({ err }, 'NATS drain failed');
    }
    this.#state = 'closed';
    this.log.info('closed');
  }
}

/**
 * Creates a service from resource definitions. Nothing connects until `start()`.
 * @example
 * const service = createService({ name: 'library', resources: [book, books], nats: { servers: config.NATS_URL } });
 * await service.start();
 */
export function createService(options: ServiceOptions): Service {
  return new Service(options);
}
