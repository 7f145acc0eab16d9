/**
 * multi-instance: `set` calls per second on 200 distinct customers with one customer instance vs
 * three (real processes, one deployment each, same NATS/Postgres/Redis, rounds interleaved; the
 * same closed loop over NATS as customer-set) — what partition ownership costs (every instance
 * receives every owned request, writes are fenced, group commits are split three ways). Then the
 * storm of the ownership test through Resgate on the three instances: 400 concurrent HTTP sets
 * of one customer while 40 WebSocket clients (half of them subscribing mid-storm) check that the
 * `version` they see never goes down and that they all end on Postgres' state.
 * Targets: ratio (3-instance / 1-instance rps) >= 0.9, regressions = 0.
 *
 * Also, same rounds: three instances WITHOUT ownership (one queue group, as before ownership
 * existed — the storm breaks them, throughput does not). `machinery_ratio` = 3 owned / 3 plain is
 * what the ownership machinery itself costs (fan-out, fencing, leases, gates); `split_ratio` =
 * 3 plain / 1 is what splitting one service into three processes on the same cores costs anyway
 * (smaller batches per process: more socket writes, statements and wake-ups per set).
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { waitUntil } from '@hub/servers';
import { placePartitions } from '../shared/service/src/ownership.ts';
import type { Child } from './lib/child.ts';
import { startGateway } from './lib/gateway.ts';
import { cpuOfTrees, cpuPerOp, cpuSecondsOf, formatCpu } from './lib/cpu.ts';
import { connectLoad, driveLoad, formatResult as line, median, type LoadResult } from './lib/load.ts';
import { openClients, type Clients } from './lib/res-ws.ts';
import { startCustomers, startServers } from './customer-platform.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PARTITIONS = 8;
/** The deployments measured: one instance, three with ownership, three in one queue group without it. */
const SIDES = ['one', 'three', 'plain'] as const;
type Side = (typeof SIDES)[number];
const DISTINCT = 200;
const STORM_SETS = 400;
const IDLE_MS = 3000;
const STORM_CLIENTS = 40;
/** A customer outside the 200 of the throughput rounds. */
const STORM_ID = '500';
const WRITER = { sub: 'bench-writer', username: 'bench-writer', roles: ['customer:write'], exp: Math.floor(Date.now() / 1000) + 3600, sid: null };

/** Resolves once every partition of `schema` is leased, live, to the instance the placement picks among `n` live ones. */
async function settled(databaseUrl: string, schema: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    await waitUntil(
      async () => {
        const members = (await c.query<{ id: string }>("SELECT id FROM hub_instances WHERE seen_at > clock_timestamp() - interval '1.5 seconds' AND NOT leaving ORDER BY id")).rows.map((r) => r.id);
        const leases = (await c.query<{ partition: number; owner: string | null; live: boolean }>('SELECT partition, owner, expires_at > clock_timestamp() AS live FROM hub_leases')).rows;
        const placed = placePartitions(PARTITIONS, members);
        return members.length === n && leases.length === PARTITIONS && leases.every((l) => l.live && l.owner === placed[l.partition]);
      },
      60_000,
      `${schema}: every partition owned by one of ${String(n)} instances`,
    );
  } finally {
    await c.end();
  }
}

/**
 * The versions clients of `rid` saw, in order, from their subscription's model on; a regression is
 * a version lower than the one before. `open` opens clients whose events it watches from the start.
 */
function versionWatch(wsUrl: string, rid: string) {
  const groups: { clients: Clients; last: Map<number, number> }[] = [];
  let regressions = 0;
  const open = async (n: number): Promise<Clients> => {
    const last = new Map<number, number>();
    const clients = await openClients(wsUrl, n, [rid], 50, (c) => {
      c.onChange = (r) => {
        if (r.event !== `${rid}.change` || typeof r.values.version !== 'number') return;
        // Resgate sends a client's events after its subscribe reply, whose model `models` holds.
        const before = last.get(r.client) ?? Number(c.models[r.client]?.[rid]?.version ?? 0);
        if (r.values.version < before) regressions++;
        last.set(r.client, r.values.version);
      };
    });
    groups.push({ clients, last });
    return clients;
  };
  /** Per client, the last version seen (the subscription's when no event came). */
  const versions = (): number[] =>
    groups.flatMap((g) => g.clients.models.map((m, i) => g.last.get(i) ?? Number(m[rid]?.version ?? Number.NaN)));
  return { open, versions, regressions: () => regressions, close: () => {
      for (const g of groups) g.clients.close();
    },
  };
}

interface Storm {
  readonly regressions: number;
  readonly failed: number;
  readonly convergedMs: number;
  /** Clients not at Postgres' version when the wait gave up (0 when converged). */
  readonly behind: number;
}

/** The ownership test's storm, through Resgate, on deployment `name`. */
async function storm(httpUrl: string, wsUrl: string, databaseUrl: string, name: string): Promise<Storm> {
  const rid = `${name}.customer.${STORM_ID}`;
  const watch = versionWatch(wsUrl, rid);
  const late: Promise<Clients>[] = [];
  let replied = 0;
  try {
    await watch.open(STORM_CLIENTS / 2);
    const statuses = await Promise.all(
      Array.from({ length: STORM_SETS }, async (_, i) => {
        const res = await fetch(`${httpUrl}/api/${name}/customer/${STORM_ID}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `storm ${String(i)}` }),
        });
        await res.arrayBuffer();
        if (++replied === STORM_SETS / 4) late.push(watch.open(STORM_CLIENTS / 2)); // half subscribe mid-storm
        return res.status;
      }),
    );
    const lastReply = performance.now();
    await Promise.all(late);
    const c = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${name}` });
    await c.connect();
    const version = (await c.query<{ version: number }>('SELECT version FROM customers WHERE id = $1', [STORM_ID])).rows[0]?.version;
    await c.end();
    let convergedMs = Number.NaN;
    try {
      await waitUntil(() => Promise.resolve(watch.versions().every((v) => v === version)), 5000, 'every client at the version in Postgres');
      convergedMs = performance.now() - lastReply;
    } catch {
      // reported as storm_converged_ms=NaN, with the clients still behind
    }
    const behind = watch.versions().filter((v) => v !== version).length;
    return { regressions: watch.regressions(), failed: statuses.filter((s) => s !== 204).length, convergedMs, behind };
  } finally {
    await Promise.allSettled(late);
    watch.close();
  }
}

/** Per group, the median over rounds. */
function medianByGroup(rounds: readonly Map<string, number>[]): Map<string, number> {
  const groups = new Set(rounds.flatMap((m) => [...m.keys()]));
  return new Map([...groups].map((g) => [g, median(rounds.map((m) => m.get(g) ?? 0))]));
}

export async function run(): Promise<void> {
  const load0 = loadavg()[0] ?? 0;
  const servers = await startServers();
  const started: { stop(): Promise<void> }[] = [];
  try {
    const one: Child[] = await startCustomers(servers, { name: 'cust1', partitions: PARTITIONS });
    started.push(...one);
    const three: Child[] = await startCustomers(servers, { name: 'cust3', instances: 3, partitions: PARTITIONS });
    started.push(...three);
    const plain: Child[] = await startCustomers(servers, { name: 'cust3p', instances: 3, ownership: false });
    started.push(...plain);
    await settled(servers.databaseUrl, 'cust1', 1);
    await settled(servers.databaseUrl, 'cust3', 3);
    const nc = await connectLoad(servers.natsUrl);
    started.push({ stop: () => nc.close() });
    let seq = 0;
    const drive = (name: string) => (): Promise<LoadResult> =>
      driveLoad({
        nc,
        concurrency: CONCURRENCY,
        durationMs: ROUND_MS,
        request: () => {
          const i = seq++;
          return { subject: `call.${name}.customer.${String((i % DISTINCT) + 1)}.set`, payload: JSON.stringify({ params: { phone: `m${String(i)}` }, token: WRITER }) };
        },
        check: (r) => r === '{"result":null}',
      });
    const [single, triple, triplePlain] = [drive('cust1'), drive('cust3'), drive('cust3p')];
    await single(); // warm-up
    await triple();
    await triplePlain();
    const results: Record<Side, LoadResult[]> = { one: [], three: [], plain: [] };
    // CPU per set by process tree (the side's instances together, each server, the load generator): what the ratio is made of.
    // The load generator is this process alone (its tree holds every child).
    const trees = (instances: readonly Child[]) => () =>
      new Map([
        ...cpuOfTrees({ ...servers.pids, ...Object.fromEntries(instances.map((c, i) => [`instance${String(i + 1)}`, c.pid])) }),
        ['load', cpuSecondsOf(process.pid)],
      ]);
    const side = { one: { drive: single, cpu: trees(one) }, three: { drive: triple, cpu: trees(three) }, plain: { drive: triplePlain, cpu: trees(plain) } };
    const cpu: Record<Side, Map<string, number>[]> = { one: [], three: [], plain: [] };
    // At rest (no requests), in CPU ms per second: what leases, heartbeats and relays cost regardless of load.
    const idle: Record<Side, Map<string, number>> = { one: new Map(), three: new Map(), plain: new Map() };
    for (const k of SIDES) {
      const before = side[k].cpu();
      await new Promise((r) => setTimeout(r, IDLE_MS));
      idle[k] = cpuPerOp(before, side[k].cpu(), IDLE_MS); // CPU µs per ms of wall time = ms per s
    }
    for (let round = 1; round <= ROUNDS; round++) {
      // Rotate which goes first, so none always runs on another's leftovers (relay, vacuum).
      const order = [...SIDES.slice(round % 3), ...SIDES.slice(0, round % 3)];
      for (const k of order) {
        const before = side[k].cpu();
        const r = await side[k].drive();
        cpu[k].push(cpuPerOp(before, side[k].cpu(), r.requests));
        results[k].push(r);
      }
      process.stderr.write(
        `round ${String(round)}/${String(ROUNDS)}\n${line('1 inst', results.one.at(-1) as LoadResult)} cpu_us=${formatCpu(cpu.one.at(-1) ?? new Map())}\n` +
          `${line('3 inst', results.three.at(-1) as LoadResult)} cpu_us=${formatCpu(cpu.three.at(-1) ?? new Map())}\n` +
          `${line('3 plain', results.plain.at(-1) as LoadResult)} cpu_us=${formatCpu(cpu.plain.at(-1) ?? new Map())}\n`,
      );
    }
    process.stderr.write(`storm: ${String(STORM_SETS)} sets of one customer through Resgate, ${String(STORM_CLIENTS)} clients…\n`);
    const gateway = await startGateway(servers.natsUrl, servers.natsMonitorUrl);
    started.push(gateway);
    const s = await storm(gateway.httpUrl, gateway.wsUrl, servers.databaseUrl, 'cust3');
    const errors = [...results.one, ...results.three, ...results.plain].reduce((n, r) => n + r.errors, 0);
    const [rps1, rps3, rps3p] = [median(results.one.map((r) => r.rps)), median(results.three.map((r) => r.rps)), median(results.plain.map((r) => r.rps))];
    const load1 = loadavg()[0] ?? 0;
    process.stdout.write(
      `BENCH multi-instance ratio=${(rps3 / rps1).toFixed(3)} regressions=${String(s.regressions)} rps_3=${rps3.toFixed(0)} rps_1=${rps1.toFixed(0)} ` +
        `machinery_ratio=${(rps3 / rps3p).toFixed(3)} split_ratio=${(rps3p / rps1).toFixed(3)} rps_3_plain=${rps3p.toFixed(0)} ` +
        `p50_ms_3=${median(results.three.map((r) => r.p50Ms)).toFixed(2)} p50_ms_1=${median(results.one.map((r) => r.p50Ms)).toFixed(2)} errors=${String(errors)} ` +
        `cpu_us_per_set_3=${formatCpu(medianByGroup(cpu.three))} cpu_us_per_set_1=${formatCpu(medianByGroup(cpu.one))} cpu_us_per_set_3_plain=${formatCpu(medianByGroup(cpu.plain))} ` +
        `idle_cpu_ms_per_s_3=${formatCpu(idle.three)} idle_cpu_ms_per_s_1=${formatCpu(idle.one)} ` +
        `storm_failed=${String(s.failed)} storm_converged_ms=${s.convergedMs.toFixed(0)} storm_behind=${String(s.behind)} customers=${String(DISTINCT)} partitions=${String(PARTITIONS)} ` +
        `concurrency=${String(CONCURRENCY)} rounds=${String(ROUNDS)} load=${load0.toFixed(1)}-${load1.toFixed(1)} target=0.9\n`,
    );
  } finally {
    for (const s of started.reverse()) await s.stop();
    await servers.stop();
  }
}
