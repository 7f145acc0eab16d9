/**
 * A service's pages, described as data: the generic search and detail pages (components/) read
 * a descriptor and nothing else, so a new service's search + detail pair is one file here
 * (registered in index.ts). RIDs follow the platform rule `<service>.<resource>[.<id>]`.
 */

/**
 * How a field is shown and edited: `date` is an ISO 8601 instant (edited as local date and time),
 * `money` an integer in the minor units of the currency held by the field `currency` names
 * (edited and shown as a decimal: 1999 EUR is 19.99), `select` one of `options`, `ref` a RES
 * reference to an item of the `ref` service (shown live, picked from that service's search).
 */
export type FieldKind = 'text' | 'email' | 'tel' | 'textarea' | 'tags' | 'boolean' | 'number' | 'date' | 'money' | 'select' | 'ref';

export interface Option {
  readonly value: string;
  readonly label: string;
}

export interface FieldSpec {
  readonly key: string;
  readonly label: string;
  readonly kind: FieldKind;
  /** Needed by `create` (the form marks it). */
  readonly required?: boolean;
  /** Shown, never edited (timestamps, version). */
  readonly readOnly?: boolean;
  /** `ref`: the descriptor of the referenced resource's service (e.g. promotion → product). */
  readonly ref?: string;
  /** `money`: the key of the field holding the ISO 4217 currency code. */
  readonly currency?: string;
  /** `select`: the values the server accepts, with their labels. */
  readonly options?: readonly Option[];
  readonly help?: string;
  /** Shown instead of the plain value, from the item's values (e.g. a discount as "15 %"). */
  readonly format?: (value: unknown, values: Readonly<Record<string, unknown>>) => string;
}

export interface FilterSpec {
  /** The query parameter (same name in the page URL and the collection query). */
  readonly key: string;
  readonly label: string;
  /** `date`: a day (YYYY-MM-DD in the URL), queried as the start of that day in the user's time zone. */
  readonly kind: 'search' | 'text' | 'number' | 'date' | 'select';
  readonly options?: readonly Option[];
  readonly help?: string;
}

/** A link from an item to a search of another service filtered on it (a product → its promotions). */
export interface RelatedSearch {
  readonly label: string;
  readonly service: string;
  /** The filter of that service's search that takes this item's id. */
  readonly filter: string;
}

export interface Descriptor {
  /** URL segment and RID prefix, e.g. `customer`. */
  readonly service: string;
  /** Plural and singular names shown to users. */
  readonly title: string;
  readonly singular: string;
  /** Model RID of one item: `<service>.<model>.<id>`. */
  readonly model: string;
  /** Live query collection RID: `<service>.<collection>`. */
  readonly collection: string;
  /** Who may see and who may change (the server decides; this only shapes the UI). */
  readonly readRoles: readonly string[];
  readonly writeRoles: readonly string[];
  readonly fields: readonly FieldSpec[];
  /** Field keys shown as table columns; the first links to the detail page. */
  readonly columns: readonly string[];
  readonly filters: readonly FilterSpec[];
  readonly sorts: readonly { readonly value: string; readonly label: string }[];
  readonly pageSize: number;
  /** The field that names an item (page titles, references). */
  readonly titleField: string;
  /** A second field that tells items with one name apart where they are picked (SKU, email). */
  readonly hintField?: string;
  /** Model fields the `set` call does not take. */
  readonly versionField?: string;
  /** Searches of other services about this item, linked from its detail page. */
  readonly related?: readonly RelatedSearch[];
}

export const defineDescriptor = (d: Descriptor): Descriptor => d;

/** The model RID of item `id`. @example modelRid(customer, '7') // 'customer.customer.7' */
export function modelRid(d: Descriptor, id: string): string {
  return `${d.service}.${d.model}.${id}`;
}

/** The id of an item from its model RID, or undefined if it is not one of `d`'s. */
export function idOf(d: Descriptor, rid: string): string | undefined {
  const prefix = `${d.service}.${d.model}.`;
  return rid.startsWith(prefix) ? rid.slice(prefix.length) : undefined;
}
