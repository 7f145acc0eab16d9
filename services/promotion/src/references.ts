/**
 * A promotion's references — its product and its customer, resources of other services — are
 * checked by asking those services over NATS (a RES get, as Resgate would send it), never by
 * reading their tables: each service owns its own schema.
 *
 * The answer decides: the resource exists → go on; its service answers `system.notFound` →
 * `system.invalidParams` naming the field; no answer (the service is stopped: nobody listens;
 * or it does not answer within DEPENDENCY_TIMEOUT_MS; or it says it is unavailable) →
 * `<service>.dependencyUnavailable`, answered over HTTP as 503 with `Retry-After` (a retry may
 * well succeed: the request was fine, a dependency was away). Either way nothing is written.
 */
import { ErrorCode, isNoResponders, ResError, type CallContext, type ServiceScope } from '@hub/res';
import type { Logger } from 'pino';
import type { PromotionConfig } from './config.ts';

/** Seconds an HTTP client is told to wait before retrying (`Retry-After`). */
const RETRY_AFTER_S = 1;

export type Field = 'product' | 'customer';
export type Outcome = 'exists' | 'missing' | 'unavailable';
export const FIELDS: readonly Field[] = ['product', 'customer'];

async function ask(service: ServiceScope, log: Logger, rid: string, timeoutMs: number): Promise<Outcome> {
  try {
    await service.request({ rid }, undefined, { timeoutMs });
    return 'exists';
  } catch (err) {
    const code = err instanceof ResError ? err.code : 'error';
    if (code === ErrorCode.NotFound && !isNoResponders(err)) return 'missing';
    log.warn(
      { rid, code, reason: isNoResponders(err) ? 'no service listens' : (err as Error).message },
      'dependency did not confirm a reference',
    );
    return 'unavailable';
  }
}

export class References {
  readonly #config: PromotionConfig;

  constructor(config: PromotionConfig) {
    this.#config = config;
  }

  /** `<product service>.product.$id`: the product field's RID template. */
  get product(): string {
    return `${this.#config.PRODUCT_SERVICE}.product.$id`;
  }

  /** `<customer service>.customer.$id`. */
  get customer(): string {
    return `${this.#config.CUSTOMER_SERVICE}.customer.$id`;
  }

  /** The audit subjects of deletions that orphan promotions, by the field they orphan. */
  get deletions(): Readonly<Record<string, Field>> {
    return {
      [`audit.${this.#config.PRODUCT_SERVICE}.product.delete`]: 'product',
      [`audit.${this.#config.CUSTOMER_SERVICE}.customer.delete`]: 'customer',
    };
  }

  /** What the product's and the customer's services say (asked at once), in FIELDS order. */
  check(service: ServiceScope, log: Logger, ids: Readonly<Record<Field, string>>): Promise<Outcome[]> {
    return Promise.all(FIELDS.map((f) => ask(service, log, this[f].replace('$id', ids[f]), this.#config.DEPENDENCY_TIMEOUT_MS)));
  }

  /** Resolves if both exist; throws the error the caller answers with otherwise. */
  async confirm(ctx: CallContext, ids: Readonly<Record<Field, string>>): Promise<void> {
    const fields = FIELDS;
    const outcomes = await this.check(ctx.service, ctx.log, ids);
    const away = fields.filter((_, i) => outcomes[i] === 'unavailable');
    if (away.length > 0) {
      if (ctx.isHttp) {
        ctx.setStatus(503);
        ctx.setHeader('Retry-After', String(RETRY_AFTER_S));
      }
      const services = away.map((f) => (f === 'product' ? this.#config.PRODUCT_SERVICE : this.#config.CUSTOMER_SERVICE));
      throw new ResError(
        `${ctx.service.name}.dependencyUnavailable`,
        `The ${services.join(' and ')} service did not answer in time; nothing was written, retry shortly`,
        { fields: away, services },
      );
    }
    const missing = fields.filter((_, i) => outcomes[i] === 'missing');
    if (missing.length > 0) {
      const message = 'does not exist';
      throw ResError.invalidParams(`Invalid parameters: ${missing.join(', ')} ${message}`, {
        issues: missing.map((path) => ({ path, code: 'not_found', message })),
      });
    }
  }
}
