// Traces end to end (`make test-observability`): two real service processes started with the
// @hub/telemetry preload export OTLP to a real Jaeger v2; a request through Resgate that the
// front service relays to the back service must be ONE trace in Jaeger's query API, with both
// services' RES spans, the Postgres query under the back one, and log lines carrying its IDs.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ManagedProcess, repoRoot, startJaeger, type RunningJaeger } from '@hub/servers';
import { hub, resgateHttp, uniqueName, waitFor } from '@hub/testkit';

const FIXTURE = fileURLToPath(new URL('./fixtures/traced-service.ts', import.meta.url));

/** Jaeger's query API (api/traces): spans with their process (service) and references. */
interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly processID: string;
  readonly references: readonly { refType: string; spanID: string }[];
  readonly tags: readonly { key: string; value: unknown }[];
}
interface JaegerTrace { readonly traceID: string; readonly spans: readonly JaegerSpan[]; readonly processes: Record<string, { serviceName: string }> }

let jaeger: RunningJaeger;
const logs = new Map<string, string[]>();
const procs: ManagedProcess[] = [];

function startTraced(name: string, role: 'front' | 'back', back = ''): void {
  const lines: string[] = [];
  logs.set(name, lines);
  procs.push(ManagedProcess.start({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', '--import', '@hub/telemetry/register', FIXTURE],
    cwd: join(repoRoot, 'tests'),
    env: {
      ...process.env,
      SERVICE_NAME: name, TRACE_ROLE: role, TRACE_BACK: back, NATS_URL: hub().natsUrl, DATABASE_URL: hub().postgresUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl, OTEL_SERVICE_NAME: name,
      // Export within a tenth of a second (the default batches for 5 s).
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    log: (_n, line) => { lines.push(line); },
  }));
}

async function jaegerTraces(service: string): Promise<JaegerTrace[]> {
  const res = await fetch(`${jaeger.url}/api/traces?service=${service}&limit=50&lookback=1h`, { signal: AbortSignal.timeout(5000) });
  return ((await res.json()) as { data: JaegerTrace[] | null }).data ?? [];
}

const front = uniqueName('front');
const back = uniqueName('back');

beforeAll(async () => {
  const [otlp, query, queryGrpc, health] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  jaeger = await startJaeger({ otlp, query, queryGrpc, health, log: (_n, line) => { logs.get('jaeger')?.push(line); } });
  logs.set('jaeger', []);
  startTraced(back, 'back');
  startTraced(front, 'front', back);
  // Serving: each logs 'serving' once subscribed (after its system.reset).
  for (const name of [back, front]) {
    await waitFor(() => logs.get(name)?.some((l) => l.includes('"msg":"serving"')), `${name} to serve`, 60_000);
  }
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await jaeger.stop();
});

describe('traces in Jaeger', () => {
  it('joins one request across services and into Postgres, and stamps the log lines with it', async () => {
    const r = await resgateHttp(`/api/${front}/relay/go`, { method: 'POST', json: { id: '21' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ model: { id: '21', doubled: 42 } });

    const trace = await waitFor(async () => (await jaegerTraces(front)).find((t) => {
      const services = new Set(t.spans.map((s) => t.processes[s.processID]?.serviceName));
      return t.spans.some((s) => s.operationName === `res.call ${front}.relay go`) && services.has(back) && t.spans.some((s) => s.operationName.startsWith('pg.query'));
    }), 'one trace in Jaeger with both services and the Postgres query', 30_000);

    const byName = (name: string) => trace.spans.find((s) => s.operationName === name);
    const relaySpan = byName(`res.call ${front}.relay go`);
    const itemSpan = byName(`res.get ${back}.item.$id`);
    const query = trace.spans.find((s) => s.operationName.startsWith('pg.query'));
    expect(relaySpan && trace.processes[relaySpan.processID]?.serviceName).toBe(front);
    expect(itemSpan && trace.processes[itemSpan.processID]?.serviceName).toBe(back);
    expect(query && trace.processes[query.processID]?.serviceName).toBe(back);
    // Parentage: front's server span → back's server span (context in the NATS headers) → the query.
    expect(itemSpan?.references).toContainEqual({ refType: 'CHILD_OF', traceID: trace.traceID, spanID: relaySpan?.spanID });
    expect(query?.references).toContainEqual({ refType: 'CHILD_OF', traceID: trace.traceID, spanID: itemSpan?.spanID });
    expect(query?.tags).toContainEqual({ key: 'db.system.name', type: 'string', value: 'postgresql' });
    expect(query?.tags).toContainEqual({ key: 'db.query.text', type: 'string', value: 'SELECT $1::int * 2 AS n' });

    // pino lines written inside the handlers carry the trace and their own span.
    const line = (name: string, msg: string) => logs.get(name)?.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === msg);
    expect(line(back, 'item read')).toMatchObject({ trace_id: trace.traceID, span_id: itemSpan?.spanID });
    expect(line(front, 'relayed')).toMatchObject({ trace_id: trace.traceID, span_id: relaySpan?.spanID });
  });
});
