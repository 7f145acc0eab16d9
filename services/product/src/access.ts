/**
 * Who may do what with products (admins may do everything): reading a product or a search needs
 * `product:read`; `set`, `delete` and `create` need `product:write`. As for customers, `access`
 * offers calls to anyone with a product role and the write guard decides (403 over HTTP for a
 * known user without the right, 401 without a valid token).
 */
import { allow, anyOf, hasRole, requires } from '@hub/auth';

export const READ = 'product:read';
export const WRITE = 'product:write';

export const productAccess = allow({ get: hasRole(READ), call: anyOf(hasRole(READ), hasRole(WRITE)) });
export const mayWrite = requires(hasRole(WRITE));
