/**
 * `customer.customer.<id>` — one customer, in the `customers` table: `set` changes any of its
 * fields (with `version`, only if it is still the current one), `delete` removes it. Creating
 * one is a call on the search (customers.ts).
 */
import { z } from '@hub/res';
import { defineTable } from '@hub/store';
import { customerAccess, mayWrite } from '../access.ts';

const text = (max: number) => z.string().trim().max(max);

export const customers = defineTable({
  table: 'customers',
  model: 'customer.$id',
  fields: {
    name: text(200).min(1),
    email: z
      .email()
      .max(320)
      .transform((e) => e.toLowerCase()),
    company: text(200).default(''),
    phone: text(50).default(''),
    address: text(500).default(''),
    tags: z
      .array(text(50).min(1))
      .max(20)
      .transform((t) => [...new Set(t)])
      .default([]),
    active: z.boolean().default(true),
  },
  access: customerAccess,
  guard: mayWrite,
});
