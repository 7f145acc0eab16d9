/**
 * The observability tests' Prometheus: the repo's configuration (ops/prometheus) run by the same
 * launcher `make up` uses, scraping the test platform's Resgate and Traefik metrics, NATS through
 * prometheus-nats-exporter, and the services a test registers. Plus PromQL over its HTTP API.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot, startNatsExporter, startPrometheus, type RunningPrometheus, type RunningServer } from '@hub/servers';
import { hub, uniqueName } from '@hub/testkit';

export interface TestPrometheus {
  readonly prometheus: RunningPrometheus;
  readonly exporter: RunningServer;
  stop(): Promise<void>;
}

function hostPort(url: string | undefined, what: string): string {
  if (url === undefined) throw new Error(`the test platform has no ${what}: start it with observability (shared/testkit global setup)`);
  return new URL(url).host;
}

/** Starts the exporter and Prometheus (both on free ports); `stop` ends both. */
export async function startTestPrometheus(): Promise<TestPrometheus> {
  const { resgateMetricsUrl, traefikMetricsUrl, natsMonitorUrl } = hub();
  const log = () => undefined;
  const exporter = await startNatsExporter({ port: await freePort(), monitorUrl: natsMonitorUrl, log });
  const dir = join(repoRoot, '.run', uniqueName('prom'));
  const prometheus = await startPrometheus({
    port: await freePort(),
    dir,
    targets: {
      resgate: [{ targets: [hostPort(resgateMetricsUrl, 'Resgate metrics')] }],
      traefik: [{ targets: [hostPort(traefikMetricsUrl, 'Traefik metrics')] }],
      nats: [{ targets: [new URL(exporter.url).host] }],
    },
    log,
  }).catch(async (err: unknown) => { await exporter.stop(); throw err; });
  return {
    prometheus, exporter,
    stop: async () => {
      await prometheus.stop();
      await exporter.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One series of an instant query. */
export interface Series { readonly metric: Readonly<Record<string, string>>; readonly value: number }

/**
 * Runs an instant PromQL query; throws with Prometheus's message on a query error.
 * @example const [s] = await query(p, 'up{job="traefik"}'); s?.value // 1
 */
export async function query(p: RunningPrometheus, promql: string): Promise<Series[]> {
  const res = await fetch(`${p.url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success' || body.data === undefined) throw new Error(`query failed: ${body.error ?? res.status} — ${promql}`);
  if (body.data.resultType !== 'vector') throw new Error(`expected a vector from ${promql}, got ${body.data.resultType}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** The sum of an instant query's values (0 when empty). */
export async function total(p: RunningPrometheus, promql: string): Promise<number> {
  return (await query(p, promql)).reduce((sum, s) => sum + s.value, 0);
}
