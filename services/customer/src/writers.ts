/**
 * Change events from several instances. Two instances can commit v2 and v3 of one customer and
 * publish their change events in the opposite order; Resgate would then keep v2 until the next
 * change. Each instance remembers the last version it wrote per customer: a write whose `before`
 * is not that version followed another writer (another instance, or a write before this one
 * started), so its event may overtake, or be overtaken by, that writer's. Such a write follows
 * its change event with a reset now and once more after REPEAT_RESET_MS (past a straggling
 * event, and past a get in flight, which makes Resgate ignore a reset), and Resgate refetches
 * the committed state. A lone instance resets only on its first write of each customer.
 */

/** The second reset, after any straggling event from another instance has arrived. */
export const REPEAT_RESET_MS = 1000;
/** Customers remembered (oldest forgotten first; forgetting one only costs a reset). */
const REMEMBERED_MAX = 100_000;

export class LastWrites {
  readonly #versions = new Map<string, number>();

  /** Records this instance's write of `id` (before → after); true if another writer came between. */
  followsAnother(id: string, before: number, after: number): boolean {
    const mine = this.#versions.get(id);
    this.#versions.delete(id);
    this.#versions.set(id, after);
    if (this.#versions.size > REMEMBERED_MAX) {
      const oldest = this.#versions.keys().next();
      if (oldest.done !== true) this.#versions.delete(oldest.value);
    }
    return mine !== before;
  }
}
