/**
 * Who may do what with customers — the whole policy, in one place (admins may do everything):
 * - reading a customer or a search needs `customer:read`;
 * - `set`, `delete` and `create` need `customer:write`.
 * Resgate's access request never names the method, so `access` offers calls to anyone with a
 * customer role and each write method's guard decides; over HTTP a known user without the right
 * gets 403, a request without a valid token 401.
 */
import { allow, anyOf, hasRole, requires, type HubToken } from '@hub/auth';

export const READ = 'customer:read';
export const WRITE = 'customer:write';

/** The `access` handler of every customer resource. */
export const customerAccess = allow({ get: hasRole(READ), call: anyOf(hasRole(READ), hasRole(WRITE)) });

/** The guard of every write method. */
export const mayWrite = requires(hasRole(WRITE));

/** The actor recorded in domain events: the token's subject when there is one. */
export function actorOf(token: HubToken | null): string | null {
  return token?.sub ?? null;
}
