/**
 * A table-backed resource at run time: the rows (rows.ts), their RES models, and the write path
 * that sends every event a commit implies, in this order (the contract `defineTable` promises):
 *
 *   commit (one statement, the domain event in the outbox)  →  cache invalidated (rows.ts)
 *   →  the model's event (`change` with only the changed fields / `create` / `delete`)
 *   →  a query event on every live search the commit can affect  →  the caller's reply.
 *
 * Writes of one entity run in its model's queue (the model handler holds it; any other caller
 * goes through `service.with`), so a get of the model never overlaps a write of it — Resgate
 * drops events for a resource it is still fetching and would cache the state before the write.
 */
import { frozen, model, type ResourceHandle, type ServiceScope, type Value } from '@hub/res';
import type { ModelResult } from '@hub/res/internal';
import type { FieldCodec } from './fields.ts';
import type { Placement } from './bind.ts';
import type { LiveSearch } from './live-search.ts';
import type { Entity, Table, Updated, WriteMeta } from './rows.ts';
import type { Mutation } from './search.ts';

/** The events a write sends for its own resource (a call context or a `service.with` handle). */
export type ModelEvents = Pick<ResourceHandle, 'change' | 'create' | 'delete' | 'service'>;

export class LiveTable<E extends Entity, C extends object> {
  readonly searches: LiveSearch[] = [];
  readonly #rows: Table<E, C>;
  readonly #codecs: readonly FieldCodec[];
  readonly #pattern: string;
  /** Models of cached entities (frozen objects shared by every near-cache hit): built and encoded once. */
  readonly #models = new WeakMap<E, ModelResult>();

  readonly #placement: Placement | undefined;

  constructor(rows: Table<E, C>, codecs: readonly FieldCodec[], pattern: string, placement?: Placement) {
    this.#rows = rows;
    this.#codecs = codecs;
    this.#pattern = pattern;
    this.#placement = placement;
  }

  /** The write metadata with this instance's proof of owning the model (several instances). */
  #fenced(scope: Pick<ServiceScope, 'rid'>, id: string, meta: WriteMeta): WriteMeta {
    return this.#placement === undefined ? meta : { ...meta, fence: this.#placement.fence(this.rid(scope, id)) };
  }

  /** The rows themselves (reads outside the RES path, tests). */
  get rows(): Table<E, C> {
    return this.#rows;
  }

  /** The entity, through the cache. */
  get(id: string): Promise<E | undefined> {
    return this.#rows.get(id);
  }

  /** The model RID of an entity. */
  rid(scope: Pick<ServiceScope, 'rid'>, id: string): string {
    return scope.rid(this.#pattern, { id });
  }

  /** RES values of (some of) an entity's fields. */
  values(e: Partial<E>): Record<string, Value> {
    const out: Record<string, Value> = {};
    const fields = e as Record<string, unknown>;
    for (const c of this.#codecs) if (c.field in fields) out[c.field] = c.serve(fields[c.field]);
    return out;
  }

  /** The model of an entity; one frozen model per frozen (cached) entity, so its reply is encoded once. */
  model(e: E): ModelResult {
    if (!Object.isFrozen(e)) return model(this.values(e));
    let m = this.#models.get(e);
    if (m === undefined) {
      m = frozen(model(this.values(e)));
      this.#models.set(e, m);
    }
    return m;
  }

  /**
   * False when this instance's lease on the entity ran out while its write committed (a pause):
   * its events could then overtake the new owner's, which resets instead. Checked right before
   * the events are published, in the same synchronous run.
   */
  #mayPublish(scope: Pick<ServiceScope, 'rid'>, id: string): boolean {
    return this.#placement === undefined || this.#placement.holds(this.rid(scope, id));
  }

  /** Updates one entity from within its model's queue (`r`: the handler's context or a `with` handle). */
  async update(r: ModelEvents, id: string, patch: Partial<C>, meta: WriteMeta): Promise<Updated<E> | undefined> {
    const out = await this.#rows.update(id, patch, this.#fenced(r.service, id, meta));
    if (out === undefined || Object.keys(out.changed).length === 0 || !this.#mayPublish(r.service, id)) return out;
    r.change(this.values(out.changed));
    await this.announce(r.service, { before: out.before, after: out.after, changed: out.changed });
    return out;
  }

  /**
   * Creates an entity; its (empty) model queue is not needed: nobody can hold it yet. `fenceKey`:
   * the resource whose owner creates it (the collection the `create` is called on).
   */
  async create(scope: ServiceScope, input: C, meta: WriteMeta, fenceKey?: string): Promise<E> {
    const fence = this.#placement === undefined || fenceKey === undefined ? undefined : this.#placement.fence(fenceKey);
    const created = await this.#rows.create(input, fence === undefined ? meta : { ...meta, fence });
    await scope.with(this.rid(scope, created.id), (r) => {
      r.create();
    });
    await this.announce(scope, { before: null, after: created });
    return created;
  }

  /** Deletes an entity from within its model's queue; Resgate unsubscribes its clients. */
  async remove(r: ModelEvents, id: string, meta: WriteMeta): Promise<E | undefined> {
    const gone = await this.#rows.remove(id, this.#fenced(r.service, id, meta));
    if (gone === undefined || !this.#mayPublish(r.service, id)) return gone;
    r.delete();
    await this.announce(r.service, { before: gone, after: null });
    return gone;
  }

  /** The query events a committed mutation implies, before the caller replies. */
  async announce(scope: ServiceScope, m: Mutation): Promise<void> {
    for (const s of this.searches) await s.announce(scope, m);
  }

  /**
   * The same writes for code outside the model's handlers (a consumer, a job): each runs in the
   * model's queue.
   * @example await customers.writes(service).update('7', { active: false }, { actor: 'system' });
   */
  writes(scope: ServiceScope): {
    update(id: string, patch: Partial<C>, meta?: WriteMeta): Promise<Updated<E> | undefined>;
    create(input: C, meta?: WriteMeta): Promise<E>;
    remove(id: string, meta?: WriteMeta): Promise<E | undefined>;
  } {
    return {
      update: (id, patch, meta = {}) => scope.with(this.rid(scope, id), (r) => this.update(r, id, patch, meta)),
      create: (input, meta = {}) => this.create(scope, input, meta),
      remove: (id, meta = {}) => scope.with(this.rid(scope, id), (r) => this.remove(r, id, meta)),
    };
  }
}
