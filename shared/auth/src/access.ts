/**
 * Declarative access policies for `defineResource({ access })`: one line per resource.
 *
 * ```ts
 * access: allow({ get: hasRole('customer:read'), call: { set: hasRole('customer:write') } }),
 * ```
 *
 * HTTP semantics (Resgate maps `system.accessDenied` to 401): a request without a valid token
 * that is granted nothing answers 401; a request with a valid token that is granted nothing
 * answers 403 (meta status on the access reply, which Resgate returns as is). Resgate never sends
 * the called method in an access request, so a call denied while `get` is allowed is refused by
 * Resgate itself with 401; for a 403 there, grant the call in `access` and refuse it per method
 * with a call guard: `calls: { set: { guard: requires(hasRole('customer:write')), ... } }`.
 */
import { ResError, type AccessReply } from '@hub/res';
import { hubToken, type HubToken } from './claims.ts';
import { CLOCK_TOLERANCE_S } from './verifier.ts';

/** The realm role that may do everything (`adminOverride`). */
export const ADMIN_ROLE = 'admin';

/** Path params as every resource has them (strings by placeholder name). */
export type Params = Readonly<Record<string, string>>;

/** A predicate over the connection's (valid, unexpired) token — null when there is none. */
export type Rule = (token: HubToken | null, params: Params) => boolean;

/** What access policies read from an access or call context (structurally; any @hub/res context fits). */
export interface AccessInput {
  readonly token: unknown;
  readonly params: Params;
  readonly isHttp: boolean;
  readonly setStatus: (status: number) => void;
}

/** Anyone, with or without a token. */
export const anyone: Rule = () => true;
/** Any valid, unexpired token. */
export const authenticated: Rule = (t) => t !== null;

/** @example hasRole('customer:write') */
export function hasRole(role: string): Rule {
  return (t) => t !== null && t.roles.includes(role);
}

/** At least one rule holds. @example anyOf(hasRole('admin'), owner((p, t) => p.sub === t.sub)) */
export function anyOf(...rules: readonly Rule[]): Rule {
  return (t, p) => rules.some((r) => r(t, p));
}

/** Every rule holds. @example allOf(authenticated, hasRole('customer:read')) */
export function allOf(...rules: readonly Rule[]): Rule {
  return (t, p) => rules.every((r) => r(t, p));
}

/**
 * Ownership: the token's user owns the resource named by the params.
 * @example owner((params, token) => params.sub === token.sub)
 */
export function owner(isOwner: (params: Params, token: HubToken) => boolean): Rule {
  return (t, p) => t !== null && isOwner(p, t);
}

/**
 * The connection token if it is a valid, unexpired {@link HubToken}, else null. Expiry is checked
 * here too, so an expired token grants nothing even before the identity service clears it.
 */
export function tokenOf(raw: unknown, nowMs = Date.now()): HubToken | null {
  const parsed = hubToken.safeParse(raw);
  if (!parsed.success) return null;
  return parsed.data.exp * 1000 + CLOCK_TOLERANCE_S * 1000 > nowMs ? parsed.data : null;
}

/** A policy: who may get, and who may call which methods (`call` as one rule means every method). */
export interface Policy {
  readonly get?: Rule;
  readonly call?: Rule | Readonly<Record<string, Rule>>;
  /** Tokens with {@link ADMIN_ROLE} may get and call everything (default true). */
  readonly adminOverride?: boolean;
}

function deny(token: HubToken | null, ctx: Pick<AccessInput, 'isHttp' | 'setStatus'>): never {
  // No valid token: Resgate's default 401. A known user lacking rights: 403.
  if (token !== null && ctx.isHttp) ctx.setStatus(403);
  throw ResError.accessDenied();
}

/**
 * The access handler for a policy.
 * @example defineResource({ pattern: 'user.$sub', access: allow({ get: owner((p, t) => p.sub === t.sub), call: { set: owner((p, t) => p.sub === t.sub) } }) })
 */
export function allow(policy: Policy): (ctx: AccessInput) => AccessReply {
  const adminOverride = policy.adminOverride ?? true;
  return (ctx) => {
    const token = tokenOf(ctx.token);
    if (adminOverride && token?.roles.includes(ADMIN_ROLE) === true) return { get: true, call: '*' };
    const get = policy.get?.(token, ctx.params) ?? false;
    let call: string | readonly string[] = [];
    if (typeof policy.call === 'function') {
      if (policy.call(token, ctx.params)) call = '*';
    } else if (policy.call !== undefined) {
      call = Object.entries(policy.call).filter(([, rule]) => rule(token, ctx.params)).map(([method]) => method);
    }
    if (!get && call.length === 0) deny(token, ctx);
    return call.length === 0 ? { get } : { get, call };
  };
}

/**
 * Checks a rule inside a call handler; throws `system.accessDenied` (401 without a valid token,
 * 403 with one, over HTTP). Admins pass unless `adminOverride` is false.
 * @example handler: (ctx) => { authorize(ctx, hasRole('customer:write')); ... }
 */
export function authorize(ctx: AccessInput, rule: Rule, adminOverride = true): HubToken | null {
  const token = tokenOf(ctx.token);
  if (adminOverride && token?.roles.includes(ADMIN_ROLE) === true) return token;
  if (!rule(token, ctx.params)) deny(token, ctx);
  return token;
}

/**
 * A call guard (`calls.<method>.guard` in `defineResource`) from a rule: refuses with 401 (no
 * valid token) or 403 (a known user without the right) over HTTP, before params are validated.
 * @example calls: { set: { guard: requires(hasRole('customer:write')), params, handler } }
 */
export function requires(rule: Rule, adminOverride = true): (ctx: AccessInput) => void {
  return (ctx) => { authorize(ctx, rule, adminOverride); };
}
