/**
 * Who may do what. For now any request may read and write; the identity issue replaces this one
 * policy (e.g. `({ token }) => token ? { get: true, call: '*' } : false`) for every resource.
 */
import type { AccessReply } from '@hub/res';

export const customerAccess = (): AccessReply => ({ get: true, call: '*' });

/** The actor recorded in domain events: the token's subject when there is one. */
export function actorOf(token: unknown): string | null {
  const sub = (token as { sub?: unknown } | null)?.sub;
  return typeof sub === 'string' ? sub : null;
}
