/**
 * `promotion.promotion.<id>` — one promotion, in the `promotions` table: a discount (`percent`,
 * 1–100, or `amount`, in minor units of the product's currency) on one product for one customer
 * during [validFrom, validTo). `product` and `customer` are RES references, so a client
 * subscribed to a promotion sees its product and customer live. They must exist when a
 * promotion is created or re-pointed (asked of their services, references.ts); `orphaned` is
 * set by the service when one of them is deleted later (orphans.ts), and cleared by re-pointing.
 *
 * `orphan` is an internal method (see access.ts): the orphan consumer calls it so that the write
 * runs on the instance owning the promotion (fenced writes), whichever instance got the event.
 */
import { ResError, z } from '@hub/res';
import { defineTable, reference, timestamp } from '@hub/store';
import { internalOnly, mayWrite, promotionAccess } from '../access.ts';
import type { References } from '../references.ts';

/** Largest discount value (minor units for `amount`): exact in a JSON number, fits the column. */
const MAX_VALUE = 1_000_000_000_000;

const invalid = (path: string, message: string): ResError =>
  ResError.invalidParams(`Invalid parameters: ${path} ${message}`, { issues: [{ path, code: 'invalid', message }] });

/** The rules across fields (the database checks them again, see the migration). */
function checkRules(p: { kind: string; value: number; validFrom: string; validTo: string }): void {
  if (p.kind === 'percent' && p.value > 100) throw invalid('value', 'must be 1–100 for a percent promotion');
  if (Date.parse(p.validFrom) >= Date.parse(p.validTo)) throw invalid('validTo', 'must be after validFrom');
}

/** The promotions table, its references bound to where the product and customer services live. */
export function promotionTable(refs: References) {
  return defineTable({
    table: 'promotions',
    model: 'promotion.$id',
    fields: {
      name: z.string().trim().min(1).max(200),
      kind: z.enum(['percent', 'amount']),
      value: z.number().int().min(1).max(MAX_VALUE),
      validFrom: timestamp(),
      validTo: timestamp(),
      product: reference(refs.product),
      customer: reference(refs.customer),
    },
    readOnly: { orphaned: z.boolean() },
    access: promotionAccess,
    guard: mayWrite,
    hooks: {
      create: async (input, ctx) => {
        checkRules(input);
        await refs.confirm(ctx, input);
        return input;
      },
      update: async (patch, current, ctx) => {
        const next = { ...current, ...patch };
        checkRules(next);
        if (patch.product === undefined && patch.customer === undefined) return patch;
        // Re-pointed: both must exist now, so the promotion is no longer orphaned.
        await refs.confirm(ctx, next);
        return { ...patch, orphaned: false };
      },
    },
    calls: {
      orphan: {
        params: z.object({ field: z.enum(['product', 'customer']), id: z.string() }),
        guard: internalOnly,
        handler: async (ctx, promotion) => {
          const { field, id } = ctx.input as { field: 'product' | 'customer'; id: string };
          const p = await promotion.current();
          // Re-pointed since the consumer looked: the deleted resource is no longer referenced.
          if (p[field] !== id) return false;
          await promotion.update({ orphaned: true }, { actor: `service:${ctx.service.name}` });
          return true;
        },
      },
    },
  });
}

export type PromotionTable = ReturnType<typeof promotionTable>;
