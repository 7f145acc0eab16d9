// Access policies as pure functions: who gets what, and which HTTP status a denial carries.
import { describe, expect, it } from 'vitest';
import { ResError } from '@hub/res';
import { allow, anyOf, authenticated, authorize, hasRole, owner, requires, tokenOf, type AccessInput, type HubToken } from '../src/index.ts';

const inAnHour = Math.floor(Date.now() / 1000) + 3600;
const user = (sub: string, roles: string[], exp = inAnHour): HubToken => ({ sub, username: sub, roles, exp, sid: 's' });

function run(fn: (ctx: AccessInput) => unknown, token: unknown, params: Record<string, string> = {}, isHttp = true): { reply?: unknown; status?: number; code?: string } {
  let status: number | undefined;
  try {
    const reply = fn({ token, params, isHttp, setStatus: (s) => { status = s; } });
    return { reply, ...(status === undefined ? {} : { status }) };
  } catch (err) {
    if (!(err instanceof ResError)) throw err;
    return { code: err.code, ...(status === undefined ? {} : { status }) };
  }
}

describe('allow()', () => {
  const customer = allow({ get: hasRole('customer:read'), call: { set: hasRole('customer:write'), delete: hasRole('customer:write') } });

  it('grants get and the allowed methods by role', () => {
    expect(run(customer, user('r', ['customer:read'])).reply).toEqual({ get: true });
    expect(run(customer, user('w', ['customer:read', 'customer:write'])).reply).toEqual({ get: true, call: ['set', 'delete'] });
  });

  it('denies without a token as accessDenied with no status (Resgate: 401)', () => {
    expect(run(customer, null)).toEqual({ code: 'system.accessDenied' });
  });

  it('denies a known user without rights with status 403 over HTTP, plain accessDenied over WebSocket', () => {
    expect(run(customer, user('n', []))).toEqual({ code: 'system.accessDenied', status: 403 });
    expect(run(customer, user('n', []), {}, false)).toEqual({ code: 'system.accessDenied' });
  });

  it('lets admins do everything unless adminOverride is false', () => {
    expect(run(customer, user('a', ['admin'])).reply).toEqual({ get: true, call: '*' });
    expect(run(allow({ get: hasRole('x'), adminOverride: false }), user('a', ['admin'])).code).toBe('system.accessDenied');
  });

  it('treats an expired or malformed token as no token', () => {
    const expired = user('r', ['customer:read'], Math.floor(Date.now() / 1000) - 3600);
    expect(run(customer, expired)).toEqual({ code: 'system.accessDenied' });
    expect(run(customer, { sub: 'x' })).toEqual({ code: 'system.accessDenied' });
    expect(tokenOf(expired)).toBeNull();
  });

  it('checks ownership against the path params, combined with anyOf', () => {
    const profile = allow({ get: anyOf(owner((p, t) => p.sub === t.sub), hasRole('support')), call: { set: owner((p, t) => p.sub === t.sub) } });
    expect(run(profile, user('u1', []), { sub: 'u1' }).reply).toEqual({ get: true, call: ['set'] });
    expect(run(profile, user('u2', ['support']), { sub: 'u1' }).reply).toEqual({ get: true });
    expect(run(profile, user('u2', []), { sub: 'u1' })).toEqual({ code: 'system.accessDenied', status: 403 });
  });

  it('authenticated grants any valid token; call as one rule grants every method', () => {
    expect(run(allow({ get: authenticated, call: authenticated }), user('u', [])).reply).toEqual({ get: true, call: '*' });
  });
});

describe('authorize()', () => {
  it('returns the token when the rule holds and throws 401/403 semantics otherwise', () => {
    const ctx = (token: unknown, onStatus: (s: number) => void = () => undefined): AccessInput => ({ token, params: {}, isHttp: true, setStatus: onStatus });
    expect(authorize(ctx(user('w', ['customer:write'])), hasRole('customer:write'))?.sub).toBe('w');
    let status = 0;
    expect(() => authorize(ctx(user('r', ['customer:read']), (s) => { status = s; }), hasRole('customer:write'))).toThrow(ResError);
    expect(status).toBe(403);
    status = 0;
    expect(() => authorize(ctx(null, (s) => { status = s; }), hasRole('customer:write'))).toThrow(ResError);
    expect(status).toBe(0);
  });
});

describe('requires()', () => {
  const mayWrite = requires(hasRole('customer:write'));

  it('passes a holder of the role and an admin, silently', () => {
    expect(run(mayWrite, user('w', ['customer:write']))).toEqual({ reply: undefined });
    expect(run(mayWrite, user('a', ['admin']))).toEqual({ reply: undefined });
  });

  it('refuses a known user without the role with 403 and an anonymous caller without a status (401)', () => {
    expect(run(mayWrite, user('r', ['customer:read']))).toEqual({ code: 'system.accessDenied', status: 403 });
    expect(run(mayWrite, null)).toEqual({ code: 'system.accessDenied' });
  });

  it('ignores admin when adminOverride is false', () => {
    expect(run(requires(hasRole('x'), false), user('a', ['admin'])).code).toBe('system.accessDenied');
  });
});
