/**
 * The service: connects, subscribes to its own namespace (in a queue group), sends
 * `system.reset` when it starts serving and after every reconnect, and shuts down gracefully.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { pino, type Logger } from 'pino';
import { sendRequest, type RequestOptions, type RequestTarget } from './client.ts';
import type { ResourceHandle } from './context.ts';
import type { ServiceCore } from './core.ts';
import { createDispatcher } from './dispatch.ts';
import { ResUsageError } from './errors.ts';
import { loggingMiddleware, metricsMiddleware, type Middleware } from './middleware.ts';
import { CLOSE_TIMEOUT_MS, isConnection, resolveOptions, type ServiceOptions } from './options.ts';
import { expandPattern, joinRid, qualify, type PathParams } from './pattern.ts';
import { KeyedQueue, NO_HOLDS } from './queue.ts';
import type { Resource } from './resource.ts';
import { Router } from './router.ts';
import { resetResource, Scope, withResource, type ResetResourceOptions } from './scope.ts';
import { connectForever, resetMessage, tokenEventMessage, tokenResetMessage, watchStatus, type Message } from './system.ts';
import { tracingMiddleware } from './tracing.ts';

/** Patterns for `service.reset`. @example service.reset({ resources: ['library.book.*'], access: [] }) */
export interface ResetPatterns {
  readonly resources?: readonly string[];
  readonly access?: readonly string[];
}

type State = 'idle' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * A RES service. Create it with {@link createService}.
 * @example
 * const service = createService({ name: 'library', resources: [book, books] });
 * await service.start();
 * await service.with('library.book.1', (r) => { r.change({ title: 'New' }); });
 * await service.close();
 */
export class Service {
  readonly name: string;
  readonly log: Logger;
  readonly #core: ServiceCore;
  readonly #router: Router;
  readonly #queue: KeyedQueue;
  readonly #middleware: Middleware[] = [];
  readonly #windows = new Set<() => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #options: ServiceOptions;
  #nc: NatsConnection | undefined;
  #subs: Subscription[] = [];
  #state: State = 'idle';
  #closing: Promise<void> | undefined;

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.name = options.name;
    this.#router = new Router(options.name, options.resources);
    this.#queue = new KeyedQueue(options.queue);
    this.log = options.logger ?? pino({ name: options.name, level: options.logLevel ?? 'info' });
    const core: ServiceCore = {
      name: this.name, log: this.log, queue: this.#queue, router: this.#router, options: resolveOptions(options), service: this,
      connection: () => this.connection,
      publish: (subject, payload) => { this.connection.publish(subject, payload); },
      trackWindow: (close) => { this.#windows.add(close); return () => { this.#windows.delete(close); }; },
      scope: (holds) => new Scope(core, holds),
      later: (ms, fn) => {
        const timer = setTimeout(() => { this.#timers.delete(timer); fn(); }, ms);
        timer.unref();
        this.#timers.add(timer);
      },
    };
    this.#core = core;
    if (options.tracing !== false) this.#middleware.push(tracingMiddleware);
    if (options.metrics !== undefined) this.#middleware.push(metricsMiddleware(options.metrics));
    this.#middleware.push(loggingMiddleware);
  }

  /** The NATS connection; throws before `start()`. */
  get connection(): NatsConnection {
    if (this.#nc === undefined) throw new ResUsageError(`service ${this.name} is not started`);
    return this.#nc;
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
    const queue = this.#options.queueGroup === undefined ? this.name : this.#options.queueGroup ?? undefined;
    try {
      this.#nc = isConnection(n) ? n : await connectForever(n, this.name);
      const callback = createDispatcher(this.#core, () => this.#middleware);
      this.#subs = this.#router.subjects().map((s) => this.connection.subscribe(s, { queue, callback }));
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

  /**
   * Sends `system.reset` (default: every owned pattern — get → resources, access → access).
   * @example service.reset({ resources: ['library.books'] });
   */
  reset(patterns: ResetPatterns = this.#router.resetPatterns()): void {
    this.#send(resetMessage(patterns.resources ?? [], patterns.access ?? []));
  }

  /**
   * Resets one resource from within its queue (so it follows any in-flight get reply).
   * `repeatAfterMs` sends it again later: across instances, a get that read stale data before a
   * commit may reply after the first reset, and Resgate ignores a reset while it is fetching.
   * @example await service.resetResource('library.books', { repeatAfterMs: 3000 });
   */
  resetResource(rid: string, opts: ResetResourceOptions = {}): Promise<void> {
    return resetResource(this.#core, NO_HOLDS, rid, opts);
  }

  /**
   * Runs `fn` in the resource's queue (after any handler for it) with its events. Inside a
   * handler, call it as `ctx.service.with`: on a resource that handler holds it then runs at
   * once, where this object (which knows no handler) would wait for the handler — a deadlock.
   * Throws for a RID this service does not own.
   * @example await service.with('library.books', (r) => { r.add(ref('library.book.9'), 0); });
   */
  with<T>(rid: string, fn: (r: ResourceHandle) => T | Promise<T>): Promise<T> {
    return withResource(this.#core, NO_HOLDS, rid, fn);
  }

  /**
   * Builds a full RID from a resource definition and its params.
   * @example service.rid(book, { id: '7' }) // 'library.book.7'
   */
  rid<P extends string>(resource: Resource<P>, params: PathParams<P>, query?: string): string {
    const rname = qualify(this.name, expandPattern(resource.parsed, params));
    return joinRid(rname, query === '' ? undefined : query);
  }

  /**
   * Sets a connection's token (`null` clears it), optionally with a token ID for `tokenReset`.
   * @example service.tokenEvent(cid, { userId: 42 }, '42');
   */
  tokenEvent(cid: string, token: unknown, tid?: string): void {
    this.#send(tokenEventMessage(cid, token, tid));
  }

  /**
   * Asks gateways to re-authenticate every connection whose token has one of `tids`, by sending
   * an auth request (no params) to `subject`.
   * @example service.tokenReset(['42'], 'auth.identity.auth.refresh');
   */
  tokenReset(tids: readonly string[], subject: string): void {
    this.#send(tokenResetMessage(tids, subject));
  }

  /**
   * A request to another service, honouring pre-responses; error replies reject as `ResError`.
   * @example const r = await service.request({ rid: 'catalog.item.3', method: 'reserve' }, { qty: 1 });
   */
  request(target: string | RequestTarget, params?: unknown, opts?: RequestOptions): Promise<unknown> {
    return sendRequest(this.#core, target, params, opts);
  }

  #send(m: Message | null): void {
    if (m !== null) this.connection.publish(m.subject, m.payload);
  }

  /** Stops intake, lets in-flight and queued handlers finish (bounded), then drains NATS. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state === 'idle') { this.#state = 'closed'; return; }
    this.#state = 'closing';
    await Promise.allSettled(this.#subs.map((s) => s.drain()));
    const timeoutMs = this.#options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
    if (!(await this.#queue.idle(timeoutMs))) this.log.warn({ pending: this.#queue.size, timeoutMs }, 'handlers still running at close');
    for (const close of [...this.#windows]) close();
    for (const t of this.#timers) clearTimeout(t);
    const nc = this.#nc;
    const owned = nc !== undefined && !isConnection(this.#options.nats ?? { servers: '' });
    try {
      if (owned) await nc.drain(); else await nc?.flush();
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
