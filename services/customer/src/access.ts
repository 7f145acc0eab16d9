/**
 * Who may do what with customers — the whole policy (admins may do everything): reading a
 * customer or a search needs `customer:read`; `set`, `delete` and `create` need `customer:write`.
 * Resgate's access request never names the method, so `access` offers calls to anyone with a
 * customer role and the write guard decides: over HTTP a known user without the right gets 403,
 * a request without a valid token 401.
 */
import { allow, anyOf, hasRole, requires } from '@hub/auth';

export const READ = 'customer:read';
export const WRITE = 'customer:write';

export const customerAccess = allow({ get: hasRole(READ), call: anyOf(hasRole(READ), hasRole(WRITE)) });
export const mayWrite = requires(hasRole(WRITE));
