/**
 * Search state lives in the page URL (bookmarkable, shareable): the filter keys of the descriptor,
 * `sort` and `page` (1-based). This turns it into the live query collection's RID and back.
 */
import type { Descriptor } from './descriptors/types.ts';

export interface SearchState {
  readonly filters: Readonly<Record<string, string>>;
  readonly sort: string;
  readonly page: number;
}

/** The search a page URL asks for; unknown keys and bad values fall back to defaults. */
export function searchFromUrl(d: Descriptor, params: URLSearchParams): SearchState {
  const filters: Record<string, string> = {};
  for (const f of d.filters) {
    const v = params.get(f.key)?.trim() ?? '';
    if (v === '') continue;
    if (f.kind === 'select' && !(f.options ?? []).some((o) => o.value === v)) continue;
    if (f.kind === 'date' && dayStart(v) === undefined) continue;
    filters[f.key] = v;
  }
  const sort = params.get('sort') ?? '';
  const page = Number(params.get('page') ?? '1');
  return {
    filters,
    sort: d.sorts.some((s) => s.value === sort) ? sort : (d.sorts[0]?.value ?? ''),
    page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  };
}

/** The page URL's query string for a search (defaults left out, so links stay short). */
export function searchToUrl(d: Descriptor, s: SearchState): string {
  const p = new URLSearchParams();
  for (const f of d.filters) {
    const v = s.filters[f.key];
    if (v !== undefined && v !== '') p.set(f.key, v);
  }
  if (s.sort !== '' && s.sort !== d.sorts[0]?.value) p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  const qs = p.toString();
  return qs === '' ? '' : `?${qs}`;
}

/** A day (`YYYY-MM-DD`, a date input's value) as the ISO instant its start is in the user's time zone. */
export function dayStart(day: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = new Date(`${day}T00:00:00`);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

/** The URL's filter values as the collection query takes them (days become instants). */
function queryValues(d: Descriptor, filters: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) {
    const f = d.filters.find((x) => x.key === k);
    out[k] = f?.kind === 'date' ? (dayStart(v) ?? v) : v;
  }
  return out;
}

/**
 * The collection RID with its query, keys sorted so equal searches share one subscription.
 * @example collectionRid(customer, { filters: { q: 'acme' }, sort: 'name', page: 2 }) // 'customer.customers?limit=25&offset=25&q=acme&sort=name'
 */
export function collectionRid(d: Descriptor, s: SearchState): string {
  const q: Record<string, string> = { ...queryValues(d, s.filters), limit: String(d.pageSize), offset: String((s.page - 1) * d.pageSize) };
  if (s.sort !== '') q.sort = s.sort;
  const qs = Object.keys(q)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(q[k] ?? '')}`)
    .join('&');
  return `${d.service}.${d.collection}?${qs}`;
}

/** Most items a count subscribes to: the landing page shows "100+" beyond it (no count resource yet). */
export const COUNT_LIMIT = 100;

/** The collection RID the landing page counts with: the first COUNT_LIMIT items of the default search. */
export function countRid(d: Descriptor): string {
  return collectionRid({ ...d, pageSize: COUNT_LIMIT }, { filters: {}, sort: d.sorts[0]?.value ?? '', page: 1 });
}
