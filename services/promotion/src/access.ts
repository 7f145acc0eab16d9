/**
 * Who may do what with promotions (admins may do everything): reading a promotion or a search
 * needs `promotion:read`; `set`, `delete` and `create` need `promotion:write`. Reading a
 * promotion also shows its product and customer (RES references are fetched with the
 * promotion's access), so `promotion:read` implies seeing those two.
 *
 * `orphan` is the service's own method (its orphan consumer calls it on the owner instance): no
 * client may call it, admins included — it answers only requests that did not come through a
 * gateway (Resgate always sends a connection id) and carry the service's internal token.
 */
import { allow, anyOf, hasRole, requires } from '@hub/auth';
import { ResError, type CallContext } from '@hub/res';

export const READ = 'promotion:read';
export const WRITE = 'promotion:write';

export const promotionAccess = allow({ get: hasRole(READ), call: anyOf(hasRole(READ), hasRole(WRITE)) });
export const mayWrite = requires(hasRole(WRITE));

/** The token the service's internal calls carry (NATS is the trust boundary: clients reach it only through Resgate). */
export const INTERNAL_TOKEN = { internal: 'promotion' } as const;

/** Guard of internal methods. */
export function internalOnly(ctx: CallContext): void {
  const t = ctx.token as { internal?: unknown } | null;
  if (ctx.cid === '' && typeof t === 'object' && t !== null && t.internal === INTERNAL_TOKEN.internal) return;
  if (ctx.isHttp && ctx.token !== null) ctx.setStatus(403);
  throw ResError.accessDenied('Internal method of the promotion service');
}
