/**
 * customer-get: warm-cache gets per second of `customer.customer.<id>` (the whole service path:
 * routing, per-resource queue, Redis read, reply) vs the bare nats.js responder returning a
 * similar model, both behind the same NATS, driven by the same closed loop, rounds interleaved.
 * Target (issue #12): ratio >= 0.85.
 */
import { fileURLToPath } from 'node:url';
import { startChild } from './lib/child.ts';
import { connectLoad, driveLoad, formatResult as line, median, type LoadResult } from './lib/load.ts';
import { CUSTOMERS, startCustomerPlatform } from './customer-platform.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);

export async function run(): Promise<void> {
  const platform = await startCustomerPlatform();
  const bare = await startChild('bare', fileURLToPath(new URL('./responders/bare.ts', import.meta.url)), { NATS_URL: platform.natsUrl, BENCH_SERVICE: 'bare' });
  const nc = await connectLoad(platform.natsUrl);
  try {
    const drive = (subject: (id: number) => string): Promise<LoadResult> =>
      driveLoad({ nc, concurrency: CONCURRENCY, durationMs: ROUND_MS, request: (i) => ({ subject: subject((i % CUSTOMERS) + 1), payload: '{}' }), check: (r) => r.startsWith('{"result":{"model":') });
    const customer = () => drive((id) => `get.customer.customer.${String(id)}`);
    const baseline = () => drive((id) => `get.bare.item.${String(id)}`);
    await baseline(); // warm-up: JIT, connections
    await customer(); // warm-up: fills the cache with every customer
    const results: { bare: LoadResult[]; customer: LoadResult[] } = { bare: [], customer: [] };
    // CPU microseconds per answered get of each responder: steadier than rps on a shared machine.
    const cpu: { bare: number[]; customer: number[] } = { bare: [], customer: [] };
    const measured = async (kind: 'bare' | 'customer', drive: () => Promise<LoadResult>): Promise<void> => {
      const child = kind === 'bare' ? bare : platform.service;
      const before = child.cpuSeconds();
      const r = await drive();
      cpu[kind].push(((child.cpuSeconds() - before) * 1e6) / Math.max(1, r.requests));
      results[kind].push(r);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      await measured('bare', baseline);
      await measured('customer', customer);
      process.stderr.write(
        `round ${String(round)}/${String(ROUNDS)}\n${line('bare', results.bare.at(-1) as LoadResult)} cpu_us=${(cpu.bare.at(-1) ?? 0).toFixed(1)}\n` +
          `${line('customer', results.customer.at(-1) as LoadResult)} cpu_us=${(cpu.customer.at(-1) ?? 0).toFixed(1)}\n`,
      );
    }
    const errors = [...results.bare, ...results.customer].reduce((n, r) => n + r.errors, 0);
    const bareRps = median(results.bare.map((r) => r.rps));
    const rps = median(results.customer.map((r) => r.rps));
    process.stdout.write(
      `BENCH customer-get ratio=${(rps / bareRps).toFixed(3)} rps=${rps.toFixed(0)} p50_ms=${median(results.customer.map((r) => r.p50Ms)).toFixed(2)} ` +
        `p99_ms=${median(results.customer.map((r) => r.p99Ms)).toFixed(2)} bare_rps=${bareRps.toFixed(0)} cpu_us_per_get=${median(cpu.customer).toFixed(1)} bare_cpu_us_per_get=${median(cpu.bare).toFixed(1)} concurrency=${String(CONCURRENCY)} rounds=${String(ROUNDS)} errors=${String(errors)} target=0.85\n`,
    );
  } finally {
    await nc.close();
    await bare.stop();
    await platform.stop();
  }
}
