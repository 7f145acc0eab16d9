/** Checks on resource events shared by handles and query responses. */
import { ResUsageError } from './errors.ts';

/**
 * Event names a custom event may not use: the protocol's reserved names (add, change, create,
 * delete, patch, reset, reaccess, remove, unsubscribe) plus `query`, Resgate's query event.
 * @example RESERVED_EVENT_NAMES.has('change') // true
 */
export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'add',
  'change',
  'create',
  'delete',
  'patch',
  'reset',
  'reaccess',
  'remove',
  'unsubscribe',
  'query',
]);

/** Checks an add/remove index: a non-negative integer, within the length when it is known. */
export function checkIndex(what: 'add' | 'remove', idx: number, length: number | undefined): void {
  if (!Number.isInteger(idx) || idx < 0) throw new ResUsageError(`${what}: idx ${idx} must be a non-negative integer`);
  // The protocol: add needs idx ≤ length, remove needs idx < length.
  if (length !== undefined && (what === 'add' ? idx > length : idx >= length)) {
    throw new ResUsageError(`${what}: idx ${idx} is out of bounds for a collection of ${length}`);
  }
}

/** Refuses events of the wrong kind when the resource declared its kind. */
export function checkKind(kind: 'model' | 'collection' | undefined, pattern: string, event: 'change' | 'add' | 'remove'): void {
  if (kind === 'collection' && event === 'change') throw new ResUsageError(`change: ${pattern} is a collection`);
  if (kind === 'model' && event !== 'change') throw new ResUsageError(`${event}: ${pattern} is a model`);
}
