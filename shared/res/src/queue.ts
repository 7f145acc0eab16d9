/**
 * The keyed work queue: one task at a time per key (a resource name or a group), any number of
 * keys in parallel, bounded memory, and re-entrancy so code already holding a key (a handler
 * calling `ctx.service.with` on its own resource) runs inline instead of deadlocking.
 *
 * What a task holds is passed to it explicitly (`Holds`), not tracked with AsyncLocalStorage:
 * on Node 20 an active AsyncLocalStorage runs promise hooks on every promise in the process,
 * which cost about a tenth of a warm get's CPU. The service hands the holds on through the
 * handler's `ctx.service` (see scope.ts).
 */

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

/** A key held by a running task; `active` turns false when that task ends. */
export interface Hold {
  readonly key: string;
  active: boolean;
}

/** The keys a task holds: its own and those of the tasks it was started from. */
export type Holds = readonly Hold[];

/** Held by code outside any task (a NATS callback, a timer, the service object itself). */
export const NO_HOLDS: Holds = [];

/** A task; `holds` is what it may pass on to `run`/`push` to be re-entrant. */
type Task = (holds: Holds) => Promise<void>;

/** A queued task with the holds it runs with; `hold` (its own key) is released when it ends. */
interface Entry {
  readonly task: Task;
  readonly holds: Holds;
  readonly hold: Hold | undefined;
}

/** True when `holds` includes `key` and its task still runs. */
function holdsKey(holds: Holds, key: string): boolean {
  return holds.some((h) => h.active && h.key === key);
}

/**
 * Sequential per key, parallel across keys. `null` as key runs unqueued (the parallel opt-out).
 * @example
 * const q = new KeyedQueue();
 * q.push('library.book.1', async () => { ... }); // runs after earlier tasks for book.1
 * const title = await q.run('library.book.1', () => store.get('1').title);
 */
export class KeyedQueue {
  readonly #lanes = new Map<string, Entry[]>();
  readonly #idleWaiters: (() => void)[] = [];
  /** Waiters for "no lane whose key matches": checked whenever a lane ends. */
  readonly #laneWaiters = new Set<{ readonly match: (key: string) => boolean; readonly done: () => void }>();
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

  /**
   * Enqueues a task; returns false (and drops it) when a bound is reached. Never runs the task
   * synchronously, so a NATS callback that pushes returns at once. The task's rejection is
   * swallowed: tasks report their own errors. `inherited`: the pusher's holds, if it is a task.
   */
  push(key: string | null, task: Task, inherited: Holds = NO_HOLDS): boolean {
    if (this.#pending >= this.#maxTotal) return false;
    // Pushed from the NATS callback (outside any task) there is nothing to inherit: no copies.
    const live = inherited.length === 0 ? NO_HOLDS : inherited.filter((h) => h.active);
    if (key === null) {
      this.#pending++;
      void this.#runOne({ task, holds: live, hold: undefined });
      return true;
    }
    let lane = this.#lanes.get(key);
    if (lane !== undefined && lane.length >= this.#maxPerKey) return false;
    // Plain entries rather than a wrapping closure per task: this runs for every request.
    const hold: Hold = { key, active: true };
    const entry: Entry = { task, holds: live.length === 0 ? [hold] : [...live, hold], hold };
    this.#pending++;
    if (lane === undefined) {
      lane = [entry];
      this.#lanes.set(key, lane);
      void this.#drain(key, lane);
    } else {
      lane.push(entry);
    }
    return true;
  }

  /**
   * Runs `fn` holding `key` and resolves with its result. Runs inline when `holds` (the caller's)
   * has the key (re-entrant); rejects with `QueueFullError` when a bound is reached.
   * Awaiting `run` for key B while holding key A can deadlock if B's holder awaits A: keep
   * cross-resource waits one-directional.
   */
  run<T>(key: string | null, fn: (holds: Holds) => T | Promise<T>, holds: Holds = NO_HOLDS): Promise<T> {
    if (key !== null && holdsKey(holds, key)) return Promise.resolve().then(() => fn(holds));
    return new Promise<T>((resolve, reject) => {
      const ok = this.push(
        key,
        async (mine) => {
          try {
            resolve(await fn(mine));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        },
        holds,
      );
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
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            resolve(false);
          }, timeoutMs)
        : undefined;
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /**
   * Resolves true once no task runs or waits under a key `match` accepts (ownership hands a
   * partition over only when its resources are quiet), or false after `timeoutMs`.
   * @example await q.idleWhere((k) => partitionOf(k) === 3, 2000);
   */
  idleWhere(match: (key: string) => boolean, timeoutMs: number): Promise<boolean> {
    const busy = (): boolean => {
      for (const k of this.#lanes.keys()) if (match(k)) return true;
      return false;
    };
    if (!busy()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const w = {
        match,
        done: () => {
          if (busy()) return;
          clearTimeout(timer);
          this.#laneWaiters.delete(w);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.#laneWaiters.delete(w);
        resolve(false);
      }, timeoutMs);
      this.#laneWaiters.add(w);
    });
  }

  async #drain(key: string, lane: Entry[]): Promise<void> {
    // Start on a later microtask: the pusher (a NATS callback) returns before any handler runs.
    await Promise.resolve();
    for (let entry = lane[0]; entry !== undefined; entry = lane[0]) {
      await this.#runOne(entry, false);
      lane.shift();
    }
    this.#lanes.delete(key);
    for (const w of [...this.#laneWaiters]) if (w.match(key)) w.done();
  }

  async #runOne(entry: Entry, deferStart = true): Promise<void> {
    if (deferStart) await Promise.resolve();
    try {
      await entry.task(entry.holds);
    } catch {
      // Tasks handle and log their own failures; the queue must keep going regardless.
    } finally {
      if (entry.hold !== undefined) entry.hold.active = false;
      this.#pending--;
      if (this.#pending === 0) for (const w of this.#idleWaiters.splice(0)) w();
    }
  }
}
