/**
 * Declarations that become resources once a service's data is open. `defineTable` and
 * `liveSearch` return such declarations; `@hub/service`'s `defineService` binds them with the
 * service's store and cache when it starts (one binding per service instance, so tests can run
 * several instances in one process).
 */
import type { Resource } from '@hub/res';
import type { ReadCache } from './rows.ts';
import type { Store } from './store.ts';

/** What a declaration is bound with. */
export interface BindContext {
  readonly store: Store;
  readonly cache: ReadCache | undefined;
  /** One value per key for this binding (a table bound once, however many searches use it). */
  once<T>(key: object, make: () => T): T;
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
export function bindContext(store: Store, cache: ReadCache | undefined): BindContext {
  const memo = new Map<object, unknown>();
  return {
    store, cache,
    once: <T>(key: object, make: () => T): T => {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
}
