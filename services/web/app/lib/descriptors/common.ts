/**
 * Pieces the descriptors share, so every service's pages word them the same way. They mirror the
 * table-backed resources of `@hub/store`: every model has `createdAt`/`updatedAt`, and the realm
 * grants `<service>:read`, `<service>:write` and `admin`.
 */
import type { FieldSpec, FilterSpec } from './types.ts';

type Sort = { readonly value: string; readonly label: string };

/** The roles that may see and change a service's items (the server decides; this shapes the UI). */
export function rolesOf(service: string): { readonly readRoles: readonly string[]; readonly writeRoles: readonly string[] } {
  return { readRoles: [`${service}:read`, `${service}:write`, 'admin'], writeRoles: [`${service}:write`, 'admin'] };
}

/** The timestamps every table-backed model carries, shown read-only. */
export const TIMESTAMP_FIELDS: readonly FieldSpec[] = [
  { key: 'createdAt', label: 'Created', kind: 'date', readOnly: true },
  { key: 'updatedAt', label: 'Updated', kind: 'date', readOnly: true },
];

/** An `active` boolean filter as a three-way select. */
export const ACTIVE_FILTER: FilterSpec = {
  key: 'active',
  label: 'Status',
  kind: 'select',
  options: [
    { value: '', label: 'Any status' },
    { value: 'true', label: 'Active' },
    { value: 'false', label: 'Inactive' },
  ],
};

export const BY_NAME: readonly Sort[] = [
  { value: 'name', label: 'Name A–Z' },
  { value: '-name', label: 'Name Z–A' },
];
export const NEWEST_FIRST: Sort = { value: '-createdAt', label: 'Newest first' };
export const OLDEST_FIRST: Sort = { value: 'createdAt', label: 'Oldest first' };
