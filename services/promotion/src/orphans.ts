/**
 * Orphans: a promotion whose product or customer is deleted is marked `orphaned`, never left
 * pointing at nothing silently. Driven by the audit stream, on one durable consumer shared by
 * every instance:
 *
 * - `audit.<product service>.product.delete` (and the customer's): the promotions referring to
 *   the deleted resource, found in our own table, are marked.
 * - `audit.<this service>.promotion.create|update` (a create, or a re-pointing): the references
 *   are asked again, after the commit. The create's own check ran before its insert; a deletion
 *   committed in between would find no promotion to mark (its event's query ran before our row
 *   existed), but it is over before this check runs, which then sees the resource gone.
 *
 * With several instances a promotion may only be written by the instance that owns it (fenced
 * writes), and an event reaches just one instance: so the mark is the internal call
 * `call.<service>.promotion.<id>.orphan`, which NATS delivers to every instance and only the
 * owner answers. An event is acked once every call succeeded; a failure (an owner changing, a
 * dependency away) redelivers it, and marking again changes nothing.
 */
import type { JsMsg } from '@nats-io/jetstream';
import { ErrorCode, isNoResponders, ResError, type ServiceScope } from '@hub/res';
import { consumeAudit, type AuditConsumer, type Db, type DomainEvent } from '@hub/store';
import type { Logger } from 'pino';
import { INTERNAL_TOKEN } from './access.ts';
import { FIELDS, type Field, type References } from './references.ts';

/** What an audit subject means to us. */
type Kind = { readonly deleted: Field } | { readonly written: true };

const idOf = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

export class Orphans {
  #consumer: AuditConsumer | undefined;

  constructor(
    readonly refs: References,
    readonly o: { natsUrl: string; timeoutMs: number; log: Logger },
  ) {}

  /** Starts consuming (once the service serves: the calls need its owners answering). */
  async start(service: ServiceScope, db: Db): Promise<void> {
    const kinds = new Map<string, Kind>(Object.entries(this.refs.deletions).map(([subject, f]) => [subject, { deleted: f }]));
    for (const action of ['create', 'update']) kinds.set(`audit.${service.name}.promotion.${action}`, { written: true });
    this.#consumer = await consumeAudit({
      natsUrl: this.o.natsUrl,
      durable: `${service.name}-orphans`,
      subjects: [...kinds.keys()],
      log: this.o.log,
      handle: async (batch) => {
        for (const m of batch) await this.#one(service, db, m, kinds.get(m.subject));
      },
    });
  }

  async #one(service: ServiceScope, db: Db, m: JsMsg, kind: Kind | undefined): Promise<void> {
    let event: Partial<DomainEvent> = {};
    try {
      event = m.json<DomainEvent>();
    } catch {
      /* judged below */
    }
    if (kind === undefined || typeof event.resourceId !== 'string') {
      this.o.log.error({ subject: m.subject, seq: m.seq }, 'not a domain event; skipped');
      return;
    }
    if ('deleted' in kind) await this.#deleted(service, db, kind.deleted, event.resourceId);
    else await this.#written(service, event.resourceId, event.before, event.after);
  }

  /** A product or customer is gone: mark the promotions that refer to it. */
  async #deleted(service: ServiceScope, db: Db, field: Field, id: string): Promise<void> {
    const { rows } = await db.query<{ id: string }>(`SELECT id::text AS id FROM promotions WHERE ${field} = $1 AND NOT orphaned`, [id]);
    await Promise.all(rows.map((r) => this.#mark(service, r.id, field, id)));
    if (rows.length > 0) this.o.log.info({ [field]: id, promotions: rows.length }, 'promotions orphaned');
  }

  /** A promotion was created or re-pointed: its references must still exist now that it is committed. */
  async #written(service: ServiceScope, promotion: string, before: unknown, after: unknown): Promise<void> {
    const now = (after ?? {}) as Record<string, unknown>;
    const was = (before ?? {}) as Record<string, unknown>;
    const [product, customer] = [idOf(now.product), idOf(now.customer)];
    if (now.orphaned === true || product === undefined || customer === undefined) return;
    const ids = { product, customer };
    if (before !== null && FIELDS.every((f) => idOf(was[f]) === ids[f])) return; // not re-pointed
    const outcomes = await this.refs.check(service, this.o.log, ids);
    if (outcomes.includes('unavailable')) throw new Error(`promotion ${promotion}: references not confirmed yet`);
    for (const [i, f] of FIELDS.entries()) {
      if (outcomes[i] !== 'missing') continue;
      await this.#mark(service, promotion, f, ids[f]);
      this.o.log.info({ promotion, [f]: ids[f] }, 'promotion orphaned: its reference was deleted while it was written');
    }
  }

  /** Marks one promotion (on its owner); one deleted meanwhile needs nothing. */
  async #mark(service: ServiceScope, promotion: string, field: Field, id: string): Promise<void> {
    try {
      await service.request(
        { rid: `${service.name}.promotion.${promotion}`, method: 'orphan' },
        { field, id },
        { timeoutMs: this.o.timeoutMs, token: INTERNAL_TOKEN },
      );
    } catch (err) {
      if (!(err instanceof ResError && err.code === ErrorCode.NotFound && !isNoResponders(err))) throw err;
    }
  }

  async close(): Promise<void> {
    await this.#consumer?.close();
  }
}
