/**
 * The audit feed's search in the page URL (bookmarkable like every search): the filters of
 * `audit.entries` (services/audit/src/entries.ts) — service, resource, id (the changed item's id),
 * actor, action — turned into the collection's RID, keys sorted so equal searches share one
 * subscription.
 */

export const AUDIT_FILTERS = ['service', 'resource', 'id', 'actor', 'action'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];
export const AUDIT_ACTIONS = ['create', 'update', 'delete'] as const;
/** Entries per page of the feed (the service's maximum is 100). */
export const AUDIT_PAGE_SIZE = 50;

export function auditFilters(params: URLSearchParams): Partial<Record<AuditFilter, string>> {
  const out: Partial<Record<AuditFilter, string>> = {};
  for (const k of AUDIT_FILTERS) {
    const v = params.get(k)?.trim() ?? '';
    if (v === '' || (k === 'action' && !(AUDIT_ACTIONS as readonly string[]).includes(v))) continue;
    out[k] = v;
  }
  return out;
}

/** @example auditRid({ service: 'customer', action: 'update' }) // 'audit.entries?action=update&limit=50&service=customer' */
export function auditRid(filters: Partial<Record<AuditFilter, string>>): string {
  const q: Record<string, string> = { ...filters, limit: String(AUDIT_PAGE_SIZE) };
  const qs = Object.keys(q)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(q[k] ?? '')}`)
    .join('&');
  return `audit.entries?${qs}`;
}

/** The page URL's query string for the filters (empty ones left out). */
export function auditUrl(filters: Partial<Record<AuditFilter, string>>): string {
  const p = new URLSearchParams();
  for (const k of AUDIT_FILTERS) {
    const v = filters[k];
    if (v !== undefined && v !== '') p.set(k, v);
  }
  const qs = p.toString();
  return qs === '' ? '' : `?${qs}`;
}
