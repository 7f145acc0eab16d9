/** A customer: field schemas (for calls), the row mapping, and the RES model it is served as. */
import { data, frozen, model, z, type ModelResult, type Value } from '@hub/res/internal';
import { isoTime, type Entity } from '@hub/store';

const text = (max: number) => z.string().trim().max(max);

/** The writable fields' rules, without defaults (a patch must not reset omitted fields). */
const fields = {
  name: text(200).min(1),
  email: z.email().max(320).transform((e) => e.toLowerCase()),
  company: text(200),
  phone: text(50),
  address: text(500),
  tags: z.array(text(50).min(1)).max(20).transform((t) => [...new Set(t)]),
  active: z.boolean(),
};

/** `create`: name and email required, the rest defaulted. */
export const customerInput = z.object({
  ...fields,
  company: fields.company.default(''),
  phone: fields.phone.default(''),
  address: fields.address.default(''),
  tags: fields.tags.default([]),
  active: fields.active.default(true),
});
export type CustomerInput = z.output<typeof customerInput>;

/** `set`: any subset of the writable fields, plus the optional version the client last saw. */
export const customerPatch = z.object(fields).partial().extend({ version: z.number().int().positive().optional() });

export interface Customer extends Entity, CustomerInput {
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Column of each writable field. */
export const COLUMNS = { name: 'name', email: 'email', company: 'company', phone: 'phone', address: 'address', tags: 'tags', active: 'active' } as const;

export function fromRow(r: Record<string, unknown>): Customer {
  return {
    id: String(r.id), name: String(r.name), email: String(r.email), company: String(r.company), phone: String(r.phone),
    address: String(r.address), tags: (r.tags as string[] | null) ?? [], active: r.active === true,
    version: Number(r.version), createdAt: isoTime(r.created_at), updatedAt: isoTime(r.updated_at),
  };
}

/** RES values of a customer's fields (tags is a data value: bare arrays are not RES values). */
export function toValues(c: Partial<Customer>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(c) as [string, unknown][]) {
    if (Array.isArray(v)) out[k] = data(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/**
 * Models of cached customers (frozen objects, shared by every near-cache hit): each built, checked
 * and encoded once. A customer read from Redis again is a new object and gets a new model.
 */
const models = new WeakMap<Customer, ModelResult>();

export function toModel(c: Customer): ModelResult {
  if (!Object.isFrozen(c)) return model(toValues(c));
  let m = models.get(c);
  if (m === undefined) {
    m = frozen(model(toValues(c)));
    models.set(c, m);
  }
  return m;
}
