/**
 * Declarations that become resources once a service's data is open. `defineTable` and
 * `liveSearch` return such declarations; `@hub/service`'s `defineService` binds them with the
 * service's store and cache when it starts (one binding per service instance, so tests can run
 * several instances in one process).
 */
import type { Resource, ServiceScope } from '@hub/res';
import type { Fence } from './leases.ts';
import type { ReadCache } from './rows.ts';
import type { Store } from './store.ts';

/**
 * Where resources live when a service runs several instances (`@hub/service`'s ownership): each
 * resource (by queue key: its RID, or its group) is owned by one instance, which alone writes it
 * and sends its events.
 */
export interface Placement {
  /** The proof a write of `key` carries; throws `hub.unavailable` if this instance does not own it. */
  fence(key: string): Fence;
  /** True if this instance owns `key` now and admits its requests. */
  owns(key: string): boolean;
  /**
   * True while this instance's lease on `key` is valid (also while it hands `key` over): events of
   * a write are sent only then — after a pause past the lease the new owner has reset instead.
   */
  holds(key: string): boolean;
  /** Sends a notice to whichever instance owns `key` (fire and forget). */
  notify(key: string, payload: string): void;
  /** Receives the notices sent for `key` while this instance owns it. */
  onNotice(key: string, fn: (payload: string) => void): void;
}

/** What a declaration is bound with. */
export interface BindContext {
  readonly store: Store;
  readonly cache: ReadCache | undefined;
  /** Ownership across instances; undefined for a service that runs as one instance. */
  readonly placement?: Placement | undefined;
  /** One value per key for this binding (a table bound once, however many searches use it). */
  once<T>(key: object, make: () => T): T;
  /** Runs `fn` once the service serves (with the service holding no queue key). */
  onStart(fn: (scope: ServiceScope) => void): void;
}

/** A declaration that yields resources when bound. */
export interface Bindable {
  bind(ctx: BindContext): readonly Resource[];
}

/** True for a declaration to bind (rather than a ready resource). */
export function isBindable(x: unknown): x is Bindable {
  return typeof x === 'object' && x !== null && typeof (x as Partial<Bindable>).bind === 'function';
}

/** A binding context over a store and cache. @example const ctx = bindContext(store, cache); table.bind(ctx) */
export function bindContext(
  store: Store,
  cache: ReadCache | undefined,
  placement?: Placement,
  started: ((scope: ServiceScope) => void)[] = [],
): BindContext {
  const memo = new Map<object, unknown>();
  return {
    store,
    cache,
    placement,
    onStart: (fn) => {
      started.push(fn);
    },
    once: <T>(key: object, make: () => T): T => {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
}
