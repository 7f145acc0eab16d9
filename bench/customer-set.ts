/**
 * customer-set: `set` calls per second on `customer.customer.<id>` through the whole path
 * (validation, per-resource queue, transaction with row lock and outbox insert, cache
 * invalidation, change event and query event, relay to JetStream in the background) vs a bare
 * `pg` UPDATE loop on the same table with the same concurrency and the service's pool size.
 * Rounds interleaved; ratio of the medians. Target (issue #12): ratio >= 0.6.
 */
import pg from 'pg';
import { DEFAULT_POOL_MAX } from '@hub/store';
import { closedLoop, connectLoad, driveLoad, formatResult as line, median, type LoadResult } from './lib/load.ts';
import { CUSTOMERS, startCustomerPlatform } from './customer-platform.ts';
import { cpuPerOp, cpuSnapshot, formatCpu } from './lib/cpu.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

/** The connection token Resgate would pass for a user with `customer:write` (writes are guarded). */
const WRITER = { sub: 'bench-writer', username: 'bench-writer', roles: ['customer:write'], exp: Math.floor(Date.now() / 1000) + 3600, sid: null };

/** The baseline: a closed loop of bare UPDATEs (same shape as the service's write). */
function updateLoop(pool: pg.Pool, durationMs: number, seq: { n: number }): Promise<LoadResult> {
  return closedLoop(CONCURRENCY, durationMs, async () => {
    const i = seq.n++;
    await pool.query('UPDATE customers SET phone = $2, version = version + 1, updated_at = now() WHERE id = $1', [(i % CUSTOMERS) + 1, `b${String(i)}`]);
    return true;
  });
}

/** Per group, the median over rounds. */
function medianByGroup(rounds: readonly Map<string, number>[]): Map<string, number> {
  const groups = new Set(rounds.flatMap((m) => [...m.keys()]));
  return new Map([...groups].map((g) => [g, median(rounds.map((m) => m.get(g) ?? 0))]));
}

export async function run(): Promise<void> {
  const platform = await startCustomerPlatform();
  const nc = await connectLoad(platform.natsUrl);
  const pool = new pg.Pool({ connectionString: platform.databaseUrl, max: DEFAULT_POOL_MAX, options: '-c search_path=customer' });
  const seq = { n: 0 };
  try {
    // Every call changes the phone (a no-op set would skip the transaction's write).
    const service = () => driveLoad({
      nc, concurrency: CONCURRENCY, durationMs: ROUND_MS,
      request: () => { const i = seq.n++; return { subject: `call.customer.customer.${String((i % CUSTOMERS) + 1)}.set`, payload: JSON.stringify({ params: { phone: `s${String(i)}` }, token: WRITER }) }; },
      check: (r) => r === '{"result":null}',
    });
    const baseline = () => updateLoop(pool, ROUND_MS, seq);
    await baseline(); // warm-up
    await service();
    const results: { bare: LoadResult[]; service: LoadResult[] } = { bare: [], service: [] };
    // CPU per operation by process (load generator, service, each server): what the ratio is made of.
    const cpu: { bare: Map<string, number>[]; service: Map<string, number>[] } = { bare: [], service: [] };
    const measured = async (kind: 'bare' | 'service', drive: () => Promise<LoadResult>): Promise<void> => {
      const before = cpuSnapshot({ service: platform.service.pid });
      const r = await drive();
      cpu[kind].push(cpuPerOp(before, cpuSnapshot({ service: platform.service.pid }), r.requests));
      results[kind].push(r);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      await measured('bare', baseline);
      await measured('service', service);
      process.stderr.write(
        `round ${String(round)}/${String(ROUNDS)}\n${line('pg', results.bare.at(-1) as LoadResult)} cpu_us=${formatCpu(cpu.bare.at(-1) ?? new Map())}\n` +
          `${line('service', results.service.at(-1) as LoadResult)} cpu_us=${formatCpu(cpu.service.at(-1) ?? new Map())}\n`,
      );
    }
    const errors = [...results.bare, ...results.service].reduce((n, r) => n + r.errors, 0);
    const bareRps = median(results.bare.map((r) => r.rps));
    const rps = median(results.service.map((r) => r.rps));
    process.stdout.write(
      `BENCH customer-set ratio=${(rps / bareRps).toFixed(3)} rps=${rps.toFixed(0)} p50_ms=${median(results.service.map((r) => r.p50Ms)).toFixed(2)} ` +
        `p99_ms=${median(results.service.map((r) => r.p99Ms)).toFixed(2)} pg_rps=${bareRps.toFixed(0)} ` +
        `cpu_us_per_set=${formatCpu(medianByGroup(cpu.service))} cpu_us_per_update=${formatCpu(medianByGroup(cpu.bare))} concurrency=${String(CONCURRENCY)} rounds=${String(ROUNDS)} errors=${String(errors)} target=0.6\n`,
    );
  } finally {
    await pool.end();
    await nc.close();
    await platform.stop();
  }
}
