/**
 * runtime-get: get requests per second answered by a @hub/res service vs a bare nats.js responder
 * returning the same JSON (the floor of the cost), both behind a real NATS server and driven by the
 * same closed-loop client. Rounds alternate bare/runtime so drift on a noisy machine hits both;
 * the ratio uses the median round of each. Target (issue #12): ratio >= 0.9.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNats } from '@hub/servers';
import { startChild } from './lib/child.ts';
import { connectLoad, driveLoad, formatResult as line, median, type LoadResult } from './lib/load.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-'));
  const nats = await startNats({ port: await freePort(), monitorPort: await freePort(), dataDir, log: () => undefined });
  const env = { NATS_URL: nats.url };
  const bare = await startChild('bare', here('./responders/bare.ts'), { ...env, BENCH_SERVICE: 'bare' });
  const runtime = await startChild('runtime', here('./responders/runtime.ts'), { ...env, BENCH_SERVICE: 'runtime' });
  const nc = await connectLoad(nats.url);
  try {
    const drive = (service: string): Promise<LoadResult> =>
      driveLoad({
        nc,
        concurrency: CONCURRENCY,
        durationMs: ROUND_MS,
        request: (i) => ({ subject: `get.${service}.item.${String(i % 1000)}`, payload: '{}' }),
        check: (reply) => reply.startsWith('{"result":{"model":'),
      });
    // CPU microseconds the responder spent per answered request: steadier than rps on a shared
    // machine, and the number to watch when optimising the runtime.
    const cpu: { bare: number[]; runtime: number[] } = { bare: [], runtime: [] };
    const measured = async (service: 'bare' | 'runtime'): Promise<LoadResult> => {
      const child = service === 'bare' ? bare : runtime;
      const before = child.cpuSeconds();
      const r = await drive(service);
      cpu[service].push(((child.cpuSeconds() - before) * 1e6) / Math.max(1, r.requests));
      return r;
    };
    await drive('bare'); // warm-up: JIT, connections, subscriptions
    await drive('runtime');
    const results: { bare: LoadResult[]; runtime: LoadResult[] } = { bare: [], runtime: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await measured('bare');
      const r = await measured('runtime');
      results.bare.push(b);
      results.runtime.push(r);
      process.stderr.write(`round ${String(round)}/${String(ROUNDS)}\n${line('bare', b)} cpu_us=${(cpu.bare.at(-1) ?? 0).toFixed(1)}\n${line('runtime', r)} cpu_us=${(cpu.runtime.at(-1) ?? 0).toFixed(1)}\n`);
    }
    const errors = [...results.bare, ...results.runtime].reduce((n, r) => n + r.errors, 0);
    const bareRps = median(results.bare.map((r) => r.rps));
    const rtRps = median(results.runtime.map((r) => r.rps));
    const p50 = median(results.runtime.map((r) => r.p50Ms));
    const p99 = median(results.runtime.map((r) => r.p99Ms));
    const ratio = rtRps / bareRps;
    process.stdout.write(
      `BENCH runtime-get ratio=${ratio.toFixed(3)} rps=${rtRps.toFixed(0)} p50_ms=${p50.toFixed(2)} p99_ms=${p99.toFixed(2)} ` +
        `bare_rps=${bareRps.toFixed(0)} cpu_us_per_get=${median(cpu.runtime).toFixed(1)} bare_cpu_us_per_get=${median(cpu.bare).toFixed(1)} concurrency=${String(CONCURRENCY)} rounds=${String(ROUNDS)} errors=${String(errors)} target=0.9\n`,
    );
  } finally {
    await nc.close();
    await runtime.stop();
    await bare.stop();
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
