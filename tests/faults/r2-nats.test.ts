// R2: kill -9 of NATS. Single node: NATS is restarted by its supervisor (as `make up` does), Resgate
// exits with it and is restarted, services reconnect and reset by themselves; requests through
// Resgate succeed again within 3 s. A 3-node cluster: kill -9 of a node that one of a service's two
// instances is connected to fails no request through Resgate beyond those in flight at the kill.
import { expect, it } from 'vitest';
import { privateNatsCluster, waitFor } from '@hub/testkit';
import { startServiceProcess } from '../lib/processes.ts';
import { natsClients, resRequest, runLoad, s, tally, WRITER } from './lib/load.ts';
import { drillResgate, drillServers } from './lib/platform.ts';
import { record } from './lib/summary.ts';

const HTTP_CLIENTS = 8;
/** What `make up`'s supervisor waits before restarting a process (shared/servers RESTART_DELAY_MS). */
const SUPERVISOR_DELAY_MS = 250;

/** PATCH through Resgate (a call: never answered from Resgate's cache); never rejects. */
async function patch(url: string, title: string): Promise<{ ms: number; result: string; kind: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'PATCH',
      body: JSON.stringify({ title }),
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, result: res.ok ? 'ok' : `http ${String(res.status)}`, kind: 'patch' };
  } catch (err) {
    return { ms: performance.now() - t0, result: `failed:${(err as Error).name}`, kind: 'patch' };
  }
}

it('R2a kill -9 of NATS (single node): requests through Resgate succeed again within 3 s', async () => {
  const d = await drillServers('rtwoa');
  const lib = await startServiceProcess({ service: 'library', name: `${d.name}l`, env: d.env(), bundle: true });
  const cust = await startServiceProcess({ service: 'customer', name: d.name, env: d.env(), bundle: true });
  const resgate = await drillResgate(d.nats.url, d.nats.monitorUrl);
  const url = `${resgate.http}/api/${d.name}l/book/1`;
  const load = runLoad(HTTP_CLIENTS, (c, n) => patch(url, `t${String(c)}-${String(n)}`), { pauseOnErrorMs: 20 });
  await waitFor(() => load.outcomes.filter((o) => o.result === 'ok').length > 100, 'requests to flow');
  const killedAt = performance.now();
  await d.nats.stop({ kill: true });
  await new Promise((r) => setTimeout(r, SUPERVISOR_DELAY_MS)); // the supervisor's restart delay
  await d.nats.start();
  const natsBackMs = performance.now() - killedAt;
  // Where the time goes: the library's connection back on NATS, Resgate's too (it restarts).
  const connected = async (name: string): Promise<boolean> =>
    (((await (await fetch(`${d.nats.monitorUrl}/connz`)).json()) as { connections?: { name?: string }[] }).connections ?? []).some(
      (c) => c.name === name,
    );
  const since = async (what: Promise<unknown>): Promise<number> => {
    await what;
    return performance.now() - killedAt;
  };
  const [serviceBackMs, resgateBackMs] = await Promise.all([
    since(waitFor(() => connected(`${d.name}l`), 'the library to reconnect', 30_000)),
    since(
      waitFor(
        async () =>
          (
            await fetch(`${d.nats.monitorUrl}/connz`).then(
              async (r) => (await r.json()) as { connections?: { name?: string; lang?: string }[] },
            )
          ).connections?.some((c) => c.lang === 'go') === true,
        'Resgate to reconnect',
        30_000,
      ),
    ),
  ]);
  await waitFor(
    () => load.outcomes.some((o) => o.result === 'ok' && o.at - o.ms > killedAt),
    'a request through Resgate to succeed again',
    30_000,
  );
  const back = load.outcomes.find((o) => o.result === 'ok' && o.at - o.ms > killedAt);
  const backMs = (back?.at ?? Infinity) - killedAt;
  await load.stop();
  // The services reconnected by themselves: the customer service answers (and relays) again.
  const [nc] = await natsClients(d.nats.url, 1);
  if (nc === undefined) throw new Error('no client');
  await waitFor(
    async () =>
      (await resRequest(nc, `call.${d.name}.customers.create`, { params: { name: 'After', email: 'after@r2.test' }, token: WRITER }))
        .result === 'ok',
    'the customer service to answer',
  );
  const failedAfterBack = load.outcomes.filter((o) => o.at - o.ms > (back?.at ?? Infinity) && o.result !== 'ok').length;
  record(
    `R2a kill -9 NATS (single node, restarted after ${String(SUPERVISOR_DELAY_MS)} ms): requests through Resgate succeed again ${s(backMs)} after the kill (target ≤ 3 s; NATS serving again ${s(natsBackMs)}, library reconnected ${s(serviceBackMs)}, Resgate ${s(resgateBackMs)}); ` +
      `Resgate restarts=${String(resgate.process?.restarts ?? 0)}, service restarts=${String(lib.proc.restarts + cust.proc.restarts)}, failures after recovery=${String(failedAfterBack)}; outcomes ${JSON.stringify(tally(load.outcomes))}`,
  );
  expect(backMs).toBeLessThanOrEqual(3000);
  expect(lib.proc.restarts + cust.proc.restarts).toBe(0);
  expect(failedAfterBack).toBe(0);
});

it('R2b kill -9 of one node of a 3-node NATS cluster: no failed request beyond those in flight', async () => {
  // Resgate on node 0 (it never reconnects: it exits on a lost connection, so its node stays up),
  // two instances of the service (one queue group) on nodes 1 and 2; node 1 is killed.
  const cluster = await privateNatsCluster({ size: 3 }); // core NATS only: the drill's services need no JetStream
  const [resgateNode, nodeA, nodeB] = cluster.nodes;
  if (resgateNode === undefined || nodeA === undefined || nodeB === undefined) throw new Error('no nodes');
  const name = `rtwob${String(Date.now() % 100_000)}`;
  const env = (node: string) => ({ NATS_URL: node, LOG_LEVEL: 'warn' }); // each learns the others from the cluster
  const a = await startServiceProcess({ service: 'library', name, env: env(nodeA.url), bundle: true });
  const b = await startServiceProcess({ service: 'library', name, env: env(nodeB.url), bundle: true });
  const resgate = await drillResgate(resgateNode.url, resgateNode.monitorUrl);
  const url = `${resgate.http}/api/${name}/book/1`;
  const load = runLoad(HTTP_CLIENTS, (c, n) => patch(url, `t${String(c)}-${String(n)}`));
  await waitFor(() => load.outcomes.filter((o) => o.result === 'ok').length > 100, 'requests to flow');
  const killedAt = performance.now();
  await nodeA.kill();
  // SIGKILL is sent at killedAt; the node is gone (its sockets closed) once its exit is seen. A
  // request started in between races the kill exactly as one already in flight does (seen once in
  // four runs: a 404 "no responders" started after the signal), so both count as in flight.
  const goneAt = performance.now();
  const reconnected = async (): Promise<boolean> => {
    const on = await Promise.all(
      [resgateNode, nodeB].map(
        async (n) => ((await (await fetch(`${n.monitorUrl}/connz`)).json()) as { connections?: { name?: string }[] }).connections ?? [],
      ),
    );
    return on.flat().filter((c) => c.name === name).length === 2;
  };
  await waitFor(reconnected, "the killed node's service instance to reconnect to another node");
  const reconnectedMs = performance.now() - killedAt;
  const settled = load.outcomes.length;
  await waitFor(() => load.outcomes.slice(settled).filter((o) => o.result === 'ok').length > 200, 'requests to keep flowing');
  await load.stop();
  const inFlightAtKill = load.outcomes.filter((o) => o.at - o.ms <= goneAt && o.at > killedAt).length;
  const failed = load.outcomes.filter((o) => o.result !== 'ok');
  const failedBeyond = failed.filter((o) => o.at - o.ms > goneAt).length;
  record(
    `R2b kill -9 of one node of a 3-node NATS cluster (Resgate on node 0, the service on nodes 1 and 2, node 1 killed): ${String(load.outcomes.length)} requests through Resgate, ` +
      `failed=${String(failed.length)} (in flight at the kill ${String(inFlightAtKill)}, started after it ${String(failedBeyond)}; target 0), ` +
      `the killed node's instance reconnected elsewhere in ${s(reconnectedMs)}, Resgate restarts=${String(resgate.process?.restarts ?? 0)}, service restarts=${String(a.proc.restarts + b.proc.restarts)}; outcomes ${JSON.stringify(tally(load.outcomes))}`,
  );
  expect(failedBeyond).toBe(0);
  expect(failed.length).toBeLessThanOrEqual(inFlightAtKill);
  expect(a.proc.restarts + b.proc.restarts).toBe(0);
});
