/**
 * A RES service that owns long-lived data resources (store, cache): closing the service first
 * stops intake and finishes in-flight handlers, then closes what it owns, in order.
 */
import { Service, type ServiceOptions } from '@hub/res/internal';

export interface Closeable { close(): Promise<void> }

export class OwningService<D extends Record<string, Closeable>> extends Service {
  /** The owned resources, by name (tests inspect them). */
  readonly data: D;
  #closed: Promise<void> | undefined;

  constructor(options: ServiceOptions, data: D) {
    super(options);
    this.data = data;
  }

  override close(): Promise<void> {
    this.#closed ??= (async () => {
      await super.close();
      for (const d of Object.values(this.data)) await d.close();
    })();
    return this.#closed;
  }
}
