/**
 * `product.product.<id>` — one product of the catalogue, in the `products` table: `set` changes
 * any of its fields (with `version`, only if it is still the current one), `delete` removes it.
 * Creating one is a call on the search (products.ts).
 *
 * Prices are integers in the currency's minor units (cents for EUR: 1999 is 19.99 EUR), never
 * floats. The SKU is unique (stored uppercased, so `ab-1` and `AB-1` are one SKU); a duplicate is
 * `system.invalidParams` naming `sku` (the store maps the unique violation by its column).
 */
import { ResError, z } from '@hub/res';
import { defineTable, timestamp } from '@hub/store';
import { mayWrite, productAccess } from '../access.ts';

const text = (max: number) => z.string().trim().max(max);

/** ISO 4217 codes as the runtime's ICU knows them (current currencies; no hand-kept list). */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Largest price: minor units stay exact in a JSON number and fit the bigint column. */
export const MAX_PRICE = 1_000_000_000_000;

/** validFrom < validTo when both are set (also a CHECK constraint: the hook names the field). */
function checkWindow(from: string | null, to: string | null): void {
  if (from !== null && to !== null && Date.parse(from) >= Date.parse(to)) {
    const message = 'must be after validFrom';
    throw ResError.invalidParams(`Invalid parameters: validTo ${message}`, {
      issues: [{ path: 'validTo', code: 'invalid_window', message }],
    });
  }
}

export const products = defineTable({
  table: 'products',
  model: 'product.$id',
  fields: {
    sku: text(64)
      .min(1)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit')
      .transform((s) => s.toUpperCase()),
    name: text(200).min(1),
    description: text(4000).default(''),
    price: z.number().int().min(0).max(MAX_PRICE),
    currency: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code (e.g. EUR)'),
    active: z.boolean().default(true),
    tags: z
      .array(text(50).min(1))
      .max(20)
      .transform((t) => [...new Set(t)])
      .default([]),
    validFrom: timestamp().nullable().default(null),
    validTo: timestamp().nullable().default(null),
  },
  access: productAccess,
  guard: mayWrite,
  hooks: {
    create: (input) => {
      checkWindow(input.validFrom, input.validTo);
      return input;
    },
    update: (patch, current) => {
      checkWindow(
        patch.validFrom === undefined ? current.validFrom : patch.validFrom,
        patch.validTo === undefined ? current.validTo : patch.validTo,
      );
      return patch;
    },
  },
});
