/**
 * A service's pages, described as data: the generic search and detail pages (components/) read
 * a descriptor and nothing else, so a new service's search + detail pair is one file here
 * (registered in index.ts). RIDs follow the platform rule `<service>.<resource>[.<id>]`.
 */

export type FieldKind = 'text' | 'email' | 'tel' | 'textarea' | 'tags' | 'boolean' | 'number' | 'date' | 'ref';

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
  readonly help?: string;
}

export interface FilterSpec {
  /** The query parameter (same name in the page URL and the collection query). */
  readonly key: string;
  readonly label: string;
  readonly kind: 'search' | 'text' | 'select';
  readonly options?: readonly { readonly value: string; readonly label: string }[];
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
  /** Model fields the `set` call does not take. */
  readonly versionField?: string;
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
