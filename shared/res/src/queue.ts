/**
 * The keyed work queue: one task at a time per key (a resource name or a group), any number of
 * keys in parallel, bounded memory, and re-entrancy so code already holding a key (a handler
 * calling `service.with` on its own resource) runs inline instead of deadlocking.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Tasks waiting or running under one key before new ones are refused. @example createService({ ..., queue: { maxPerKey: DEFAULT_MAX_PER_KEY } }) */
export const DEFAULT_MAX_PER_KEY = 1000;
/** Tasks waiting or running in total (all keys and unqueued tasks) before new ones are refused. @example createService({ ..., queue: { maxTotal: 2 * DEFAULT_MAX_TOTAL } }) */
export const DEFAULT_MAX_TOTAL = 10_000;

/** Queue bounds. @example createService({ name, resources, queue: { maxPerKey: 100, maxTotal: 5000 } }) */
export interface QueueLimits {
  /** Max tasks waiting or running per key. Default {@link DEFAULT_MAX_PER_KEY}. */
  readonly maxPerKey?: number;
  /** Max tasks waiting or running in total. Default {@link DEFAULT_MAX_TOTAL}. */
  readonly maxTotal?: number;
}

/** Thrown (or returned as `false` from `push`) when a bound is reached. @example await service.with(rid, fn).catch((e) => { if (e instanceof QueueFullError) retryLater(); }); */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

type Task = () => Promise<void>;

const NONE: readonly never[] = [];

/** A key held by a running task; `active` turns false when that task ends. */
interface Hold { readonly key: string; active: boolean }

/**
 * Sequential per key, parallel across keys. `null` as key runs unqueued (the parallel opt-out).
 * @example
 * const q = new KeyedQueue();
 * q.push('library.book.1', async () => { ... }); // runs after earlier tasks for book.1
 * const title = await q.run('library.book.1', () => store.get('1').title);
 */
export class KeyedQueue {
  readonly #lanes = new Map<string, Task[]>();
  readonly #held = new AsyncLocalStorage<readonly Hold[]>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #maxPerKey: number;
  readonly #maxTotal: number;
  #pending = 0;

  constructor(limits: QueueLimits = {}) {
    this.#maxPerKey = limits.maxPerKey ?? DEFAULT_MAX_PER_KEY;
    this.#maxTotal = limits.maxTotal ?? DEFAULT_MAX_TOTAL;
  }

  /** Tasks waiting or running. */
  get size(): number {
    return this.#pending;
  }

  /** True when the current async context runs inside a task holding `key`. */
  holds(key: string): boolean {
    return this.#held.getStore()?.some((h) => h.active && h.key === key) ?? false;
  }

  /**
   * Enqueues a task; returns false (and drops it) when a bound is reached. Never runs the task
   * synchronously, so a NATS callback that pushes returns at once. The task's rejection is
   * swallowed: tasks report their own errors.
   */
  push(key: string | null, task: Task): boolean {
    if (this.#pending >= this.#maxTotal) return false;
    const store = this.#held.getStore();
    // Pushed from the NATS callback (outside any task) there is nothing to inherit: no copies.
    const inherited = store === undefined ? NONE : store.filter((h) => h.active);
    if (key === null) {
      this.#pending++;
      void this.#runOne(() => this.#held.run(inherited, task));
      return true;
    }
    let lane = this.#lanes.get(key);
    if (lane !== undefined && lane.length >= this.#maxPerKey) return false;
    const hold: Hold = { key, active: true };
    const holds = inherited.length === 0 ? [hold] : [...inherited, hold];
    const wrapped: Task = () => this.#held.run(holds, async () => {
      try { await task(); } finally { hold.active = false; }
    });
    this.#pending++;
    if (lane === undefined) {
      lane = [wrapped];
      this.#lanes.set(key, lane);
      void this.#drain(key, lane);
    } else {
      lane.push(wrapped);
    }
    return true;
  }

  /**
   * Runs `fn` holding `key` and resolves with its result. Runs inline when the caller already
   * holds the key (re-entrant); rejects with `QueueFullError` when a bound is reached.
   * Awaiting `run` for key B while holding key A can deadlock if B's holder awaits A: keep
   * cross-resource waits one-directional.
   */
  run<T>(key: string | null, fn: () => T | Promise<T>): Promise<T> {
    if (key !== null && this.holds(key)) return Promise.resolve().then(fn);
    return new Promise<T>((resolve, reject) => {
      const ok = this.push(key, async () => {
        try { resolve(await fn()); } catch (err) { reject(err instanceof Error ? err : new Error(String(err))); }
      });
      if (!ok) reject(new QueueFullError(`queue full for ${key ?? 'unqueued tasks'}`));
    });
  }

  /**
   * Resolves true once no task waits or runs, or false after `timeoutMs`.
   * @example if (!(await q.idle(10_000))) log.warn('handlers still running');
   */
  idle(timeoutMs = Infinity): Promise<boolean> {
    if (this.#pending === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => { resolve(false); }, timeoutMs) : undefined;
      this.#idleWaiters.push(() => { clearTimeout(timer); resolve(true); });
    });
  }

  async #drain(key: string, lane: Task[]): Promise<void> {
    // Start on a later microtask: the pusher (a NATS callback) returns before any handler runs.
    await Promise.resolve();
    for (let task = lane[0]; task !== undefined; task = lane[0]) {
      await this.#runOne(task, false);
      lane.shift();
    }
    this.#lanes.delete(key);
  }

  async #runOne(task: Task, deferStart = true): Promise<void> {
    if (deferStart) await Promise.resolve();
    try {
      await task();
    } catch {
      // Tasks handle and log their own failures; the queue must keep going regardless.
    } finally {
      this.#pending--;
      if (this.#pending === 0) for (const w of this.#idleWaiters.splice(0)) w();
    }
  }
}
