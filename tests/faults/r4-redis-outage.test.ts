// R4: Redis (KeyDB) stopped for 10 s under load. It is a cache, not a dependency: no read fails
// (they go to Postgres), writes keep working, and once Redis is back reads are cache hits again.
import { expect, it } from 'vitest';
import { freePort } from '@hub/servers';
import { waitFor } from '@hub/testkit';
import { startServiceProcess } from '../lib/processes.ts';
import { ms, natsClients, percentile, resRequest, runLoad, s, tally, WRITER } from './lib/load.ts';
import { drillServers } from './lib/platform.ts';
import { record } from './lib/summary.ts';

const OUTAGE_MS = 10_000;
const CUSTOMERS = 40;
const READERS = 8;
const WRITERS = 2;

/** A counter of the service's /metrics (summed over labels). */
async function metric(opsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

it('R4 Redis stopped 10 s under load: no read fails, caching resumes', async () => {
  const d = await drillServers('rfour');
  const opsPort = await freePort();
  const ops = `http://127.0.0.1:${String(opsPort)}`;
  const svc = await startServiceProcess({ service: 'customer', name: d.name, env: d.env({ OPS_PORT: String(opsPort) }), bundle: true });
  const [admin, ...clients] = await natsClients(d.nats.url, 1 + READERS + WRITERS);
  if (admin === undefined) throw new Error('no client');
  const rids: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const r = await resRequest(admin, `call.${d.name}.customers.create`, {
      params: { name: `R4 ${String(i)}`, email: `r4-${String(i)}@t.test` },
      token: WRITER,
    });
    if (r.reply?.resource === undefined) throw new Error(`create failed: ${r.result}`);
    rids.push(r.reply.resource.rid);
  }
  const load = runLoad(READERS + WRITERS, async (c, n) => {
    const nc = clients[c] ?? admin;
    const rid = rids[(c * 7 + n) % rids.length] ?? '';
    if (c < READERS) return { ...(await resRequest(nc, `get.${rid}`, { token: WRITER }, 3000)), kind: 'get' };
    return {
      ...(await resRequest(nc, `call.${rid}.set`, { params: { phone: `${String(c)}-${String(n)}` }, token: WRITER }, 3000)),
      kind: 'set',
    };
  });
  await waitFor(() => load.outcomes.length > 500, 'load to flow');
  const hitsBefore = await metric(ops, 'hub_cache_hits_total');
  const stoppedAt = performance.now();
  await d.redis.stop();
  await new Promise((r) => setTimeout(r, OUTAGE_MS)); // the drill's outage: a fixed 10 s
  const fallbacks = await metric(ops, 'hub_cache_fallbacks_total');
  await d.redis.start();
  const backAt = performance.now();
  const hitsAtReturn = await metric(ops, 'hub_cache_hits_total');
  await waitFor(async () => (await metric(ops, 'hub_cache_hits_total')) > hitsAtReturn + 100, 'reads to hit the cache again', 30_000);
  const resumedMs = performance.now() - backAt;
  await load.stop();

  const during = load.outcomes.filter((o) => o.at - o.ms > stoppedAt && o.at < backAt);
  const reads = load.outcomes.filter((o) => o.kind === 'get');
  const readsDuring = during.filter((o) => o.kind === 'get');
  const writesDuring = during.filter((o) => o.kind === 'set');
  record(
    `R4 Redis stopped ${s(OUTAGE_MS)} under load (${String(READERS)} readers, ${String(WRITERS)} writers): ` +
      `reads failed ${String(reads.filter((o) => o.result !== 'ok').length)}/${String(reads.length)} (during the outage ${String(readsDuring.length)} reads, p99 ${ms(
        percentile(
          readsDuring.map((o) => o.ms),
          99,
        ),
      )}, ` +
      `${String(fallbacks)} answered from Postgres); writes during it ${JSON.stringify(tally(writesDuring))}; ` +
      `cache hits resumed ${s(resumedMs)} after Redis returned (hits before ${String(hitsBefore)}); crashed=${String(svc.proc.restarts > 0 || svc.proc.exitReason() !== undefined)}`,
  );
  expect(readsDuring.length).toBeGreaterThan(100);
  expect(tally(reads)).toEqual({ ok: reads.length });
  expect(tally(writesDuring)).toEqual({ ok: writesDuring.length });
  expect(fallbacks).toBeGreaterThan(0);
  expect(svc.proc.restarts).toBe(0);
});
