/**
 * startup: how long each service takes from process start to serving, and how much memory it
 * holds idle, run from its compiled bundle (`npm run build`, what the images run) vs from its
 * TypeScript through tsx (the baseline: how `make up` and the first images ran), rounds
 * interleaved on the same NATS, PostgreSQL and Redis.
 *
 * "Serving" is the SDK's `serving` log line (shared/res: logged once subscribed, after
 * migrations). Idle RSS is VmRSS after IDLE_MS without traffic. Targets: every service ≤ 500 ms
 * to serving and ≤ 80 MB idle RSS (median of the runs). The final line's ms_p50/rss_mb are the
 * slowest/largest service's; ratio = tsx_ms_p50 / ms_p50 of that worst service. cpu_ms_p50 is
 * the CPU the process used until serving: on a shared machine wall time mostly measures the other
 * processes, so it is printed beside it, with the load average (load1) the run saw.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { discoverServices, freePort, ManagedProcess, serviceCommand, startNats, startPostgres, startRedis, waitUntil, type RunningServer, type ServiceRuntime } from '@hub/servers';
import { buildService } from '../scripts/build.ts';
import { cpuSecondsOf } from './lib/cpu.ts';
import { median } from './lib/load.ts';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
/** Time left idle after `serving` before RSS is read (lazy start-up work settles). */
const IDLE_MS = Number(process.env.BENCH_STARTUP_IDLE_MS ?? 1500);
const TARGET_MS = 500;
const TARGET_RSS_MB = 80;
const START_TIMEOUT_MS = 30_000;

/** Wall time to serving, CPU time the process spent until then (less sensitive to a busy machine), idle RSS. */
interface Sample { ms: number; cpuMs: number; rssMb: number }

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

function isServingLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    return (JSON.parse(line) as { msg?: unknown }).msg === 'serving';
  } catch {
    return false;
  }
}

/** One start: spawn → `serving` → idle → RSS → stop. */
async function startOnce(name: string, runtime: ServiceRuntime, env: NodeJS.ProcessEnv): Promise<Sample> {
  let servingAt: number | undefined;
  let cpuAtServing = Number.NaN;
  const tail: string[] = [];
  const t0 = performance.now();
  const proc: ManagedProcess = ManagedProcess.start({
    name,
    ...serviceCommand(name, runtime),
    env: { ...process.env, ...env, ...(runtime === 'compiled' ? { NODE_ENV: 'production' } : {}) },
    log: (_n, line) => {
      if (servingAt === undefined && isServingLine(line)) {
        servingAt = performance.now();
        cpuAtServing = cpuSecondsOf(proc.pid) * 1000;
      }
      tail.push(line);
      if (tail.length > 20) tail.shift();
    },
  });
  try {
    await waitUntil(() => Promise.resolve(servingAt !== undefined), START_TIMEOUT_MS, `${name} (${runtime}) serving`, () => proc.exitReason());
    await delay(IDLE_MS);
    return { ms: (servingAt ?? Number.NaN) - t0, cpuMs: cpuAtServing, rssMb: rssMb(proc.pid) };
  } catch (err) {
    process.stderr.write(`${name} (${runtime}) last output:\n${tail.join('\n')}\n`);
    throw err;
  } finally {
    await proc.stop();
  }
}

async function startServers(dir: string): Promise<RunningServer[]> {
  const log = () => undefined;
  const settled = await Promise.allSettled([
    startNats({ port: await freePort(), monitorPort: await freePort(), dataDir: join(dir, 'nats'), log }),
    startPostgres({ port: await freePort(), dataDir: join(dir, 'pg'), fast: true, log }),
    startRedis({ port: await freePort(), dataDir: dir, log }),
  ]);
  const servers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  return servers;
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

export async function run(): Promise<void> {
  const names = discoverServices();
  for (const name of names) await buildService(name); // the bench measures the current sources
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-startup-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root: it must traverse
  const servers = await startServers(dir);
  const [nats, postgres, redis] = servers as [RunningServer, RunningServer, RunningServer];
  // What every service's config reads; identity's back-channel port 0 picks a free one, and its
  // Keycloak is only asked for keys on the first token (none here).
  const env = {
    NATS_URL: nats.url, DATABASE_URL: postgres.url, REDIS_URL: redis.url, LOG_LEVEL: 'info',
    KEYCLOAK_ISSUER: 'http://127.0.0.1:9/realms/servicehub', BACKCHANNEL_PORT: '0',
    OPS_PORT: '0', // a free ops port: the bench runs beside `make up` (and its own leftovers) without a clash
  };
  try {
    const results = new Map<string, Record<ServiceRuntime, Sample[]>>();
    for (const name of names) {
      const r: Record<ServiceRuntime, Sample[]> = { compiled: [], tsx: [] };
      results.set(name, r);
      await startOnce(name, 'compiled', env); // warm-up: first migrations, page cache
      for (let i = 1; i <= RUNS; i++) {
        for (const runtime of ['compiled', 'tsx'] as const) r[runtime].push(await startOnce(name, runtime, env));
        const c = r.compiled.at(-1) as Sample;
        const t = r.tsx.at(-1) as Sample;
        process.stderr.write(`${name} run ${String(i)}/${String(RUNS)}: compiled ${fmt(c.ms)} ms ${fmt(c.rssMb, 1)} MB | tsx ${fmt(t.ms)} ms ${fmt(t.rssMb, 1)} MB\n`);
      }
    }
    const summary = names.map((name) => {
      const r = results.get(name) as Record<ServiceRuntime, Sample[]>;
      const p50 = (s: Sample[], k: keyof Sample) => median(s.map((x) => x[k]));
      return {
        name, ms: p50(r.compiled, 'ms'), cpuMs: p50(r.compiled, 'cpuMs'), rss: p50(r.compiled, 'rssMb'),
        tsxMs: p50(r.tsx, 'ms'), tsxCpuMs: p50(r.tsx, 'cpuMs'), tsxRss: p50(r.tsx, 'rssMb'),
      };
    });
    for (const s of summary) {
      process.stdout.write(
        `  ${s.name.padEnd(10)} compiled ${fmt(s.ms)} ms (cpu ${fmt(s.cpuMs)} ms) ${fmt(s.rss, 1)} MB   ` +
          `tsx ${fmt(s.tsxMs)} ms (cpu ${fmt(s.tsxCpuMs)} ms) ${fmt(s.tsxRss, 1)} MB   ratio ${fmt(s.tsxMs / s.ms, 2)}\n`,
      );
    }
    const worst = summary.reduce((a, b) => (b.ms > a.ms ? b : a));
    const rss = Math.max(...summary.map((s) => s.rss));
    const tsxRss = Math.max(...summary.map((s) => s.tsxRss));
    const met = summary.every((s) => s.ms <= TARGET_MS && s.rss <= TARGET_RSS_MB);
    const per = summary.map((s) => `${s.name}:${fmt(s.ms)}ms/${fmt(s.rss)}MB`).join(',');
    process.stdout.write(
      `BENCH startup ratio=${fmt(worst.tsxMs / worst.ms, 2)} ms_p50=${fmt(worst.ms)} rss_mb=${fmt(rss, 1)} tsx_ms_p50=${fmt(worst.tsxMs)} tsx_rss_mb=${fmt(tsxRss, 1)} ` +
        `cpu_ms_p50=${fmt(worst.cpuMs)} tsx_cpu_ms_p50=${fmt(worst.tsxCpuMs)} load1=${loadavg()[0]?.toFixed(1) ?? '?'} ` +
        `slowest=${worst.name} services=${per} runs=${String(RUNS)} target_ms=${String(TARGET_MS)} target_rss_mb=${String(TARGET_RSS_MB)} met=${met ? 'yes' : 'no'}\n`,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
