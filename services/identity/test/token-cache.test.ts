// The verified-token cache on its own (pure: a stand-in verification function and clock; no I/O).
// Against the real servers: header-cache.test.ts.
import { describe, expect, it } from 'vitest';
import { TokenError, type KeycloakClaims, type TokenFailure } from '@hub/auth';
import { TokenCache, tokenKey } from '../src/token-cache.ts';

const EXP_S = 2_000_000_000;

function claimsOf(jwt: string, exp = EXP_S): KeycloakClaims {
  return { iss: 'https://issuer.test', sub: `sub-${jwt}`, exp, sid: `sid-${jwt.split(':')[0] ?? ''}`, preferred_username: jwt };
}

/** A cache over a verification that counts its calls; `fail` makes it throw for a token. */
function setup(o: { maxEntries?: number; maxRefused?: number; refusedTtlMs?: number; exp?: number } = {}) {
  const clock = { now: EXP_S * 1000 - 60_000 };
  const calls: string[] = [];
  const fail = new Map<string, TokenFailure | Error>();
  const cache = new TokenCache(async (jwt) => {
    calls.push(jwt);
    await Promise.resolve();
    const f = fail.get(jwt);
    if (f instanceof Error) throw f;
    if (f !== undefined) throw new TokenError(f, `refused: ${f}`);
    return claimsOf(jwt, o.exp);
  }, { ...o, now: () => clock.now });
  return { cache, calls, fail, clock };
}

describe('token cache', () => {
  it('verifies a token once, then answers from memory with the same claims and connection token', async () => {
    const { cache, calls } = setup();
    const first = await cache.verify('a:1');
    const again = await cache.verify('a:1');
    expect(calls).toEqual(['a:1']);
    expect(first.fresh).toBe(true);
    expect(again.fresh).toBe(false);
    expect(again.claims).toEqual(first.claims);
    expect(again.token).toEqual({ sub: 'sub-a:1', username: 'a:1', roles: [], exp: EXP_S, sid: 'sid-a' });
  });

  it('never serves a token at or after its exp: it is verified again', async () => {
    const { cache, calls, clock, fail } = setup();
    await cache.verify('a:1');
    clock.now = EXP_S * 1000 - 1;
    await cache.verify('a:1');
    expect(calls).toHaveLength(1);
    clock.now = EXP_S * 1000;
    fail.set('a:1', 'expired');
    await expect(cache.verify('a:1')).rejects.toMatchObject({ reason: 'expired' });
    expect(calls).toHaveLength(2);
  });

  it('does not remember a token that is already past its exp when verified (clock tolerance)', async () => {
    const { cache, calls, clock } = setup();
    clock.now = EXP_S * 1000 + 5_000;
    await cache.verify('a:1');
    await cache.verify('a:1');
    expect(calls).toHaveLength(2);
  });

  it('remembers a token refused for what it is for refusedTtlMs, then verifies it again', async () => {
    const { cache, calls, clock, fail } = setup({ refusedTtlMs: 30_000 });
    fail.set('bad', 'signature');
    await expect(cache.verify('bad')).rejects.toMatchObject({ reason: 'signature' });
    clock.now += 29_999;
    await expect(cache.verify('bad')).rejects.toMatchObject({ reason: 'signature' });
    expect(calls).toEqual(['bad']);
    clock.now += 1;
    await expect(cache.verify('bad')).rejects.toMatchObject({ reason: 'signature' });
    expect(calls).toEqual(['bad', 'bad']);
  });

  it.each(['unavailable', 'unknownKey', 'notYetValid'] as const)('does not remember a refusal for %s (not the token’s fault, or time fixes it)', async (reason) => {
    const { cache, calls, fail } = setup();
    fail.set('t', reason);
    await expect(cache.verify('t')).rejects.toMatchObject({ reason });
    fail.delete('t');
    expect((await cache.verify('t')).token.sub).toBe('sub-t');
    expect(calls).toEqual(['t', 't']);
  });

  it('lets an unexpected error through without remembering it', async () => {
    const { cache, calls, fail } = setup();
    fail.set('t', new Error('boom'));
    await expect(cache.verify('t')).rejects.toThrow('boom');
    fail.delete('t');
    await cache.verify('t');
    expect(calls).toEqual(['t', 't']);
  });

  it('keys by the whole token: a token one byte away is verified on its own, not served the other’s claims', async () => {
    const { cache, calls, fail } = setup();
    await cache.verify('a:1');
    fail.set('a:2', 'signature');
    await expect(cache.verify('a:2')).rejects.toMatchObject({ reason: 'signature' });
    expect(calls).toEqual(['a:1', 'a:2']);
    expect(tokenKey('a:1')).not.toBe(tokenKey('a:2'));
    expect(tokenKey('a:1')).not.toContain('a:1');
  });

  it('holds at most maxEntries accepted and maxRefused refused tokens, least recently used evicted first', async () => {
    const { cache, calls, fail } = setup({ maxEntries: 2, maxRefused: 1 });
    await cache.verify('a:1');
    await cache.verify('b:1');
    await cache.verify('a:1'); // a is now the most recently used
    await cache.verify('c:1'); // evicts b
    expect(cache.size.accepted).toBe(2);
    await cache.verify('a:1');
    await cache.verify('b:1');
    expect(calls).toEqual(['a:1', 'b:1', 'c:1', 'b:1']);
    fail.set('x', 'malformed');
    fail.set('y', 'malformed');
    await expect(cache.verify('x')).rejects.toBeInstanceOf(TokenError);
    await expect(cache.verify('y')).rejects.toBeInstanceOf(TokenError);
    expect(cache.size).toEqual({ accepted: 2, refused: 1 });
  });

  it('dropSession forgets exactly the tokens of that session', async () => {
    const { cache, calls } = setup();
    await cache.verify('a:1');
    await cache.verify('a:2');
    await cache.verify('b:1');
    expect(cache.dropSession('sid-a')).toBe(2);
    await cache.verify('a:1');
    await cache.verify('b:1');
    expect(calls).toEqual(['a:1', 'a:2', 'b:1', 'a:1']);
  });

  it('concurrent lookups of an unseen token share one verification; only one of them is fresh', async () => {
    const { cache, calls, fail } = setup();
    const all = await Promise.all([cache.verify('a:1'), cache.verify('a:1'), cache.verify('a:1')]);
    expect(calls).toEqual(['a:1']);
    expect(all.map((l) => l.fresh)).toEqual([true, false, false]);
    fail.set('bad', 'signature');
    const refused = await Promise.allSettled([cache.verify('bad'), cache.verify('bad')]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toEqual(['a:1', 'bad']);
  });
});
