// The read-through cache against the real Redis: single flight, negative caching, no stale
// write-back, and near-cache coherence between two instances sharing one prefix.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { cleanup, hub, uniqueName, waitFor } from '@hub/testkit';
import { createCache, type Cache } from '@hub/cache';

function cache(prefix: string): Cache {
  return cleanup(createCache({ url: hub().redisUrl, prefix }), (c) => c.close());
}

describe('@hub/cache', () => {
  it('concurrent misses for one key share one load (single flight)', async () => {
    // Intent: 20 readers of a cold key cause exactly one database read.
    const c = cache(uniqueName('c'));
    await waitFor(() => c.healthy, 'redis');
    let loads = 0;
    const load = async () => { loads++; await Promise.resolve(); return { v: 1 }; };
    const values = await Promise.all(Array.from({ length: 20 }, () => c.read('k', load)));
    expect(values.every((v) => v?.v === 1)).toBe(true);
    expect(loads).toBe(1);
  });

  it('hands out deep-frozen values, from the loader, Redis and the near cache alike', async () => {
    // Intent: one object is shared by every reader, so no reader may change it under the others.
    const c = cache(uniqueName('c'));
    await waitFor(() => c.healthy, 'redis');
    const load = () => Promise.resolve({ v: 1, tags: ['a'] });
    const loaded = await c.read('k', load);
    const fromRedis = await c.read('k', load);
    await waitFor(async () => { const n = c.stats.nearHits; await c.read('k', load); return c.stats.nearHits > n; }, 'a near-cache hit');
    const near = await c.read('k', load);
    for (const v of [loaded, fromRedis, near]) {
      expect(v).toEqual({ v: 1, tags: ['a'] });
      expect(Object.isFrozen(v) && Object.isFrozen(v?.tags)).toBe(true);
      expect(() => { (v?.tags as string[]).push('b'); }).toThrow(TypeError);
    }
  });

  it('caches not-found, and invalidation drops it', async () => {
    // Intent: a missing row is read once, not on every request; invalidate makes it visible.
    const c = cache(uniqueName('c'));
    await waitFor(() => c.healthy, 'redis');
    const table = new Map<string, { v: number }>();
    let loads = 0;
    const load = () => { loads++; return Promise.resolve(table.get('k')); };
    expect(await c.read('k', load)).toBeUndefined();
    expect(await c.read('k', load)).toBeUndefined();
    expect(loads).toBe(1);
    table.set('k', { v: 2 });
    await c.invalidate('k');
    expect(await c.read('k', load)).toEqual({ v: 2 });
  });

  it('a load that was invalidated while running does not write its old value back', async () => {
    // Intent: read (slow, sees v1) → write commits v2 and invalidates → the read finishes: the
    // cache must not now hold v1.
    const c = cache(uniqueName('c'));
    await waitFor(() => c.healthy, 'redis');
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const loading = new Promise<void>((r) => { started = r; });
    const slow = c.read('k', async () => { started(); await gate; return { v: 1 }; });
    await loading; // the load has read v1 from the "database"
    await c.invalidate('k');
    release();
    await slow;
    expect(await c.read('k', () => Promise.resolve({ v: 2 }))).toEqual({ v: 2 });
  });

  it('a load on one instance that an invalidation on another overtook does not fill the cache', async () => {
    // Intent: A misses and reads v1 from the "database"; B commits v2 and invalidates; A's load
    // finishes after that: Redis must not now hold v1 for every instance to read.
    const prefix = uniqueName('c');
    const a = cache(prefix);
    const b = cache(prefix);
    await waitFor(() => a.healthy && b.healthy, 'redis');
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const loading = new Promise<void>((r) => { started = r; });
    const slow = a.read('k', async () => { started(); await gate; return { v: 1 }; });
    await loading;
    await b.invalidate('k');
    release();
    expect(await slow).toEqual({ v: 1 }); // A's caller still gets what it read
    let loads = 0;
    expect(await b.read('k', () => { loads++; return Promise.resolve({ v: 2 }); })).toEqual({ v: 2 });
    expect(loads).toBe(1); // a miss: A's old value was refused
    expect(await a.read('k', () => Promise.resolve({ v: 3 }))).toEqual({ v: 2 }); // B's fill was kept
  });

  it('an invalidation by another instance reaches this instance’s near cache', async () => {
    // Intent: instance A serves a key from memory; instance B's invalidate (after B's commit)
    // makes A read the new value — Redis client tracking, not a TTL.
    const prefix = uniqueName('c');
    const a = cache(prefix);
    const b = cache(prefix);
    await waitFor(() => a.healthy && b.healthy, 'redis');
    let value = 1;
    const load = () => Promise.resolve({ v: value });
    await a.read('k', load); // miss: loads and stores in Redis
    await a.read('k', load); // Redis hit: now tracked, kept near
    await waitFor(async () => { const n = a.stats.nearHits; await a.read('k', load); return a.stats.nearHits > n; }, 'a near-cache hit');
    value = 2;
    await b.invalidate('k');
    await waitFor(async () => (await a.read('k', load))?.v === 2, 'instance A to see the new value');
  });

  it('a read issued while an invalidation of its key is pending does not see the old value', async () => {
    // Intent: invalidations are coalesced into one DEL per turn; a read of the same key in that
    // turn must wait for the DEL, or its GET (sent first) would return the old value.
    const c = cache(uniqueName('c'));
    await waitFor(() => c.healthy, 'redis');
    let stored = { v: 1 };
    const load = () => Promise.resolve(stored);
    expect(await c.read('k', load)).toEqual({ v: 1 }); // now cached in Redis
    stored = { v: 2 };
    const invalidated = c.invalidate('k');
    const read = c.read('k', load); // same turn: the DEL has not been sent yet
    expect(await read).toEqual({ v: 2 });
    await invalidated;
  });

  it('a read sent right after an invalidation that Redis refuses does not return the old value', async () => {
    // Intent: invalidate resolves once its DEL is sent, not answered, so a failure is learnt only
    // after a read sent behind it; that read must go to the loader rather than trust the value it
    // got. The refusal is real: a Redis user that may do anything but DEL.
    const acl = async (...args: string[]): Promise<void> => {
      const admin = new Redis(hub().redisUrl);
      try { await admin.call('ACL', ...args); } finally { admin.disconnect(); }
    };
    const user = uniqueName('nodel');
    await acl('SETUSER', user, 'on', `>${user}-pw`, '~*', '&*', '+@all', '-del');
    cleanup(user, (u) => acl('DELUSER', u));
    const url = new URL(hub().redisUrl);
    url.username = user;
    url.password = `${user}-pw`;
    const c = cleanup(createCache({ url: url.toString(), prefix: uniqueName('c') }), (x) => x.close());
    await waitFor(() => c.healthy, 'redis');
    let stored = { v: 1 };
    const load = () => Promise.resolve(stored);
    expect(await c.read('k', load)).toEqual({ v: 1 }); // now cached in Redis
    stored = { v: 2 };
    await c.invalidate('k'); // sent; Redis will refuse its DEL
    expect(await c.read('k', load)).toEqual({ v: 2 });
    expect(c.healthy).toBe(false); // the cache bypasses itself until it is flushed
  });
});
