// A real Prometheus with the repo's configuration, scraping the test platform: a request made
// through Traefik shows up in its queries (Traefik's counter, the service's own series), and every
// Grafana dashboard panel query (ops/grafana/dashboards) answers with data once there is traffic.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@hub/servers';
import { connectNats, hub, openClient, traefikHttp, waitFor } from '@hub/testkit';
import { query, startTestPrometheus, total, type TestPrometheus } from './prometheus.ts';
import { startObservedService } from './service.ts';

/** Two scrape intervals of ops/prometheus/prometheus.yml (5 s), with room for a loaded machine. */
const SCRAPED_MS = 30_000;

let p: TestPrometheus;
beforeAll(async () => { p = await startTestPrometheus(); });
afterAll(async () => { await p.stop(); });

describe('Prometheus scraping the platform', () => {
  it('scrapes Resgate, Traefik, NATS (through the exporter), itself and a service\'s ops port', async () => {
    // Intent: every job of the repo's scrape configuration finds its target and can read it
    // (Resgate's OpenMetrics included).
    const obs = await startObservedService(p.prometheus);
    const up = await waitFor(async () => {
      const series = await query(p.prometheus, `up{job!="hub-services"} or up{job="hub-services",service="${obs.name}"}`);
      const jobs = Object.fromEntries(series.map((s) => [s.metric.job ?? '', s.value]));
      return Object.keys(jobs).length === 5 && Object.values(jobs).every((v) => v === 1) ? jobs : undefined;
    }, 'every scrape job up', SCRAPED_MS);
    expect(Object.keys(up).sort()).toEqual(['hub-services', 'nats', 'prometheus', 'resgate', 'traefik']);
  }, 60_000);

  it('sees a request made through Traefik in Traefik\'s counter and in the service\'s own series', async () => {
    // Intent: the whole path is observable: Traefik → Resgate → the service, each scraped.
    const obs = await startObservedService(p.prometheus);
    const traefikRequests = 'sum(traefik_service_requests_total{service=~"resgate@.*",method="GET",code="200"})';
    const served = `sum(hub_request_duration_seconds_count{service="${obs.name}",type="get",outcome="ok"})`;
    const before = await total(p.prometheus, traefikRequests);
    expect(await total(p.prometheus, served)).toBe(0);

    for (const id of ['1', '2', '3']) expect((await traefikHttp(`/api/${obs.name}/item/${id}`)).status).toBe(200);

    await waitFor(async () => (await total(p.prometheus, served)) === 3, 'the service\'s 3 gets in Prometheus', SCRAPED_MS);
    await waitFor(async () => (await total(p.prometheus, traefikRequests)) >= before + 3, 'Traefik\'s counter to grow by the 3 requests', SCRAPED_MS);
  }, 90_000);
});

interface Panel { readonly title?: string; readonly targets?: readonly { readonly expr?: string }[]; readonly panels?: readonly Panel[] }
interface Dashboard { readonly uid: string; readonly panels: readonly Panel[] }

const DASHBOARDS = join(repoRoot, 'ops', 'grafana', 'dashboards');

/** Every panel query of every dashboard, with Grafana's variables resolved for `service`. */
function panelQueries(service: string): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard;
    const walk = (panels: readonly Panel[]) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if (target.expr === undefined) continue;
          const expr = target.expr.replaceAll('$__rate_interval', '30s').replaceAll('$service', service);
          if (expr.includes('$')) throw new Error(`${file} "${panel.title ?? ''}": unresolved variable in ${target.expr}`);
          out.push({ where: `${d.uid} / ${panel.title ?? '(untitled)'}`, expr });
        }
        walk(panel.panels ?? []);
      }
    };
    walk(d.panels);
  }
  return out;
}

describe('Grafana dashboards', () => {
  it('answers every panel query with data after traffic', async () => {
    // Intent: no panel is broken (query error) or dead (no series, or only NaN) once the
    // platform has served requests, errors, writes, events and a WebSocket subscriber.
    const obs = await startObservedService(p.prometheus);
    const queries = panelQueries(obs.name);
    expect(queries.length).toBeGreaterThan(40);
    for (const q of queries) await query(p.prometheus, q.expr); // a query error fails here, at once
    const client = await openClient({ url: hub().traefikWsUrl });
    await client.get(`${obs.name}.item.1`);
    // Gets straight on NATS, as a second gateway would send them: Resgate answers its own
    // clients from its cache, so these are what reach the service's cache.
    const nc = await connectNats();
    const traffic = async (round: number) => {
      for (const id of ['1', '2', '3']) await nc.request(`get.${obs.name}.item.${id}`, '{}', { timeout: 5000 });
      await traefikHttp(`/api/${obs.name}/item/1`);
      await traefikHttp(`/api/${obs.name}/item/1`);
      await traefikHttp(`/api/${obs.name}/item/1/set`, { method: 'POST', json: { title: `t${round}` } });
      await traefikHttp(`/api/${obs.name}/item/1/explode`, { method: 'POST' });
    };
    let round = 0;
    let failing: string[] = [];
    await waitFor(async () => {
      await traffic(round++);
      failing = [];
      for (const q of queries) {
        const series = await query(p.prometheus, q.expr);
        if (!series.some((s) => Number.isFinite(s.value))) failing.push(`${q.where}: ${q.expr}`);
      }
      return failing.length === 0;
    }, 'every dashboard query to return data', 90_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\nStill without data:\n  ${failing.join('\n  ')}`);
    });
  }, 150_000);
});
