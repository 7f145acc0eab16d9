// KeyDB/Redis is a cache, not a dependency: stopping it fails no read, and when it comes back the
// service caches again — without ever serving a value that changed while it was away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startRedis, type RunningServer } from '@hub/servers';
import { cleanup, connectNats, waitFor } from '@hub/testkit';
import { ridOf, startCustomer, writerClient } from './helpers.ts';

/** A private Redis (the platform's is shared by every test and must not be stopped). */
async function privateRedis(port: number, dir: string): Promise<RunningServer> {
  return cleanup(await startRedis({ port, dataDir: dir, log: () => undefined }), (r) => r.stop());
}

describe('customer cache outage', () => {
  it('stopping Redis mid-test fails no read; restarting it restores caching', async () => {
    // Intent: reads fall back to Postgres (counted), a write during the outage is visible, and
    // after Redis returns, reads are cache hits again.
    const dir = mkdtempSync(join(tmpdir(), 'hub-redis-'));
    cleanup(dir, (d) => {
      rmSync(d, { recursive: true, force: true });
    });
    const port = await freePort();
    let redis = await privateRedis(port, dir);
    const { service } = await startCustomer({ redisUrl: redis.url });
    const { cache } = service.data;
    if (cache === undefined) throw new Error('no cache');
    const client = await writerClient();
    const rid = ridOf(await client.call(`${service.name}.customers`, 'create', { name: 'Cached', email: 'cached@t.test' }));
    // Gets straight to the service over NATS: Resgate would answer repeats from its own cache.
    const nc = await connectNats();
    const read = async () =>
      (await nc.request(`get.${rid}`, '{}', { timeout: 5000 })).json<{ result?: { model: { name: string } }; error?: unknown }>();
    await read();
    const hits = cache.stats.hits;
    expect((await read()).result?.model.name).toBe('Cached');
    expect(cache.stats.hits).toBe(hits + 1);

    await redis.stop();
    await waitFor(() => !cache.healthy, 'the cache to notice Redis is gone');
    const fallbacks = cache.stats.fallbacks;
    for (let i = 0; i < 5; i++) expect((await read()).result?.model.name).toBe('Cached');
    await client.call(rid, 'set', { name: 'Changed while down' });
    expect((await read()).result?.model.name).toBe('Changed while down');
    expect(cache.stats.fallbacks).toBeGreaterThanOrEqual(fallbacks + 6);

    redis = await privateRedis(port, dir);
    await waitFor(() => cache.healthy, 'the cache to reconnect');
    await read(); // fills the cache
    await waitFor(async () => {
      const h = cache.stats.hits;
      await read();
      return cache.stats.hits > h;
    }, 'reads to hit the cache again');
    expect((await read()).result?.model.name).toBe('Changed while down');
  });
});
