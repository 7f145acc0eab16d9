// R6: sustained mixed load — customer gets, sets and searches (RES requests over NATS, as Resgate
// sends them), library edits through Resgate's HTTP API and subscribe/unsubscribe cycles over
// Resgate's WebSocket — for 60 s after a warm-up: no request fails, p99 per kind reported, each
// service's RSS after a full GC grows at most 10% over the measured minute (heap used reported
// too), and a standing subscriber ends up with the last acknowledged edit (no change event lost).
import { expect, it } from 'vitest';
import { waitFor } from '@hub/testkit';
import { startServiceProcess, type ServiceProcess } from '../lib/processes.ts';
import { ms, natsClients, percentile, resRequest, runLoad, tally, WRITER, type Outcome } from './lib/load.ts';
import { INSPECT, memoryAfterGc, type Memory } from './lib/inspect.ts';
import { drillResgate, drillServers } from './lib/platform.ts';
import { record } from './lib/summary.ts';
import { wsClient, type WsClient } from './lib/ws.ts';

/** Long enough for the services' heaps and caches to reach their working size at this load. */
const WARMUP_MS = 20_000;
const MEASURED_MS = Number(process.env.HUB_SOAK_MS ?? 60_000);
const RSS_GROWTH = 1.1;
const CUSTOMERS = 50;
const MB = 1024 * 1024;
/** Closed-loop clients per kind of request. */
const MIX = { get: 3, set: 1, search: 2, patch: 1, subscribe: 2 } as const;
type Kind = keyof typeof MIX;
const SEARCHES = [
  'q=soak',
  'q=soak&sort=-createdAt&limit=10',
  'tag=vip',
  'active=true&sort=name&limit=5&offset=5',
  'q=customer&tag=vip&active=true',
];
const SUBSCRIBED = ['book.2', 'book.3', 'books'];

/** PATCH through Resgate (a call `set`); never rejects. */
async function patch(url: string, title: string): Promise<{ ms: number; result: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'PATCH',
      body: JSON.stringify({ title }),
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, result: res.ok ? 'ok' : `http ${String(res.status)}` };
  } catch (err) {
    return { ms: performance.now() - t0, result: `failed:${(err as Error).name}` };
  }
}

/** Subscribes to a resource and unsubscribes it again; the error code of the first step that failed, or 'ok'. */
async function subscribeCycle(ws: WsClient, rid: string): Promise<{ ms: number; result: string }> {
  const t0 = performance.now();
  const sub = await ws.request(`subscribe.${rid}`);
  const unsub = sub.error === undefined ? await ws.request(`unsubscribe.${rid}`) : sub;
  return { ms: performance.now() - t0, result: unsub.error?.code ?? 'ok' };
}

it('R6 60 s of sustained mixed load: 0 errors, p99 reported, RSS grows ≤ 10% after warm-up, no event lost', async () => {
  const d = await drillServers('rsix');
  const libName = `${d.name}l`;
  const services: Record<string, ServiceProcess> = {
    customer: await startServiceProcess({ service: 'customer', name: d.name, env: d.env(), bundle: true, nodeArgs: [INSPECT] }),
    library: await startServiceProcess({ service: 'library', name: libName, env: d.env(), bundle: true, nodeArgs: [INSPECT] }),
  };
  const resgate = await drillResgate(d.nats.url, d.nats.monitorUrl);
  const kinds = (Object.entries(MIX) as [Kind, number][]).flatMap(([k, n]) => Array.from({ length: n }, () => k));
  const clients = await natsClients(d.nats.url, kinds.length);
  const nc = clients[0];
  if (nc === undefined) throw new Error('no client');
  const rids: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const params = { name: `Soak customer ${String(i)}`, email: `soak-${String(i)}@r6.test`, tags: i % 3 === 0 ? ['vip'] : [] };
    const r = await resRequest(nc, `call.${d.name}.customers.create`, { params, token: WRITER });
    if (r.reply?.resource === undefined) throw new Error(`create failed: ${r.result}`);
    rids.push(r.reply.resource.rid);
  }
  const sockets: (WsClient | undefined)[] = [];
  for (const k of kinds) sockets.push(k === 'subscribe' ? await wsClient(resgate.ws) : undefined);
  // The standing subscriber: book.1 stays subscribed; its title follows the change events.
  const watcher = await wsClient(resgate.ws);
  const sub = await watcher.request(`subscribe.${libName}.book.1`);
  expect(sub.error).toBeUndefined();
  let seenTitle: unknown;
  watcher.onEvent((e) => {
    if (e.event === `${libName}.book.1.change`) seenTitle = (e.data as { values?: { title?: unknown } }).values?.title;
  });
  let lastAckedTitle: string | undefined;
  const bookUrl = `${resgate.http}/api/${libName}/book/1`;

  const step = async (c: number, n: number): Promise<{ ms: number; result: string; kind: string }> => {
    const kind = kinds[c] ?? 'get';
    const conn = clients[c] ?? nc;
    const rid = rids[(c * 13 + n) % rids.length] ?? '';
    switch (kind) {
      case 'get':
        return { ...(await resRequest(conn, `get.${rid}`, { token: WRITER })), kind };
      case 'set':
        return { ...(await resRequest(conn, `call.${rid}.set`, { params: { phone: `+1 555 ${String(n)}` }, token: WRITER })), kind };
      case 'search':
        return { ...(await resRequest(conn, `get.${d.name}.customers`, { token: WRITER, query: SEARCHES[n % SEARCHES.length] })), kind };
      case 'patch': {
        const title = `Soak ${String(n)}`;
        const r = await patch(bookUrl, title);
        if (r.result === 'ok') lastAckedTitle = title;
        return { ...r, kind };
      }
      case 'subscribe': {
        const ws = sockets[c];
        if (ws === undefined) throw new Error('no socket');
        return { ...(await subscribeCycle(ws, `${libName}.${SUBSCRIBED[n % SUBSCRIBED.length] ?? 'books'}`)), kind };
      }
    }
  };
  const load = runLoad(kinds.length, step);
  const memoryNow = async (): Promise<Record<string, Memory>> =>
    Object.fromEntries(await Promise.all(Object.entries(services).map(async ([k, p]) => [k, await memoryAfterGc(p)] as const)));
  await new Promise((r) => setTimeout(r, WARMUP_MS)); // the drill's warm-up: a fixed time under load
  const memWarm = await memoryNow();
  const measuredFrom = performance.now();
  await new Promise((r) => setTimeout(r, MEASURED_MS)); // the drill's measured minute
  const memEnd = await memoryNow();
  await load.stop();
  await waitFor(() => seenTitle === lastAckedTitle, 'the standing subscriber to see the last acknowledged edit', 10_000);

  const measured = load.outcomes.filter((o) => o.at - o.ms >= measuredFrom);
  const byKind = (k: string): Outcome[] => measured.filter((o) => o.kind === k);
  const perKind = Object.keys(MIX)
    .map(
      (k) =>
        `${k} ${String(byKind(k).length)} p50 ${ms(
          percentile(
            byKind(k).map((o) => o.ms),
            50,
          ),
        )} p99 ${ms(
          percentile(
            byKind(k).map((o) => o.ms),
            99,
          ),
        )}`,
    )
    .join(', ');
  const failed = load.outcomes.filter((o) => o.result !== 'ok');
  const mb = (v: number | undefined): string => ((v ?? 0) / MB).toFixed(0);
  const growth = (k: string): number => (memEnd[k]?.rss ?? 0) / (memWarm[k]?.rss ?? 1);
  const memory = Object.keys(services)
    .map(
      (k) =>
        `${k} RSS ${mb(memWarm[k]?.rss)}→${mb(memEnd[k]?.rss)} MB (${((growth(k) - 1) * 100).toFixed(1)}%), heap ${mb(memWarm[k]?.heapUsed)}→${mb(memEnd[k]?.heapUsed)} MB`,
    )
    .join('; ');
  const restarts = Object.values(services).reduce((n, p) => n + p.proc.restarts, 0) + (resgate.process?.restarts ?? 0);
  record(
    `R6 sustained mixed load ${String(MEASURED_MS / 1000)} s after ${String(WARMUP_MS / 1000)} s warm-up (${String(kinds.length)} closed-loop clients): ${String(measured.length)} requests ` +
      `(${(measured.length / (MEASURED_MS / 1000)).toFixed(0)}/s): ${perKind}; errors=${String(failed.length)} ${JSON.stringify(tally(failed))}; ` +
      `after a full GC: ${memory} (target RSS ≤ +10%); standing subscriber saw the last edit=${String(seenTitle === lastAckedTitle)}; restarts=${String(restarts)}`,
  );
  expect(tally(failed)).toEqual({});
  expect(restarts).toBe(0);
  for (const k of Object.keys(MIX)) expect(byKind(k).length, k).toBeGreaterThan(0);
  for (const k of Object.keys(services)) expect(growth(k), `${k} RSS growth`).toBeLessThanOrEqual(RSS_GROWTH);
});
