/**
 * fanout: 1,000 WebSocket clients subscribed to one customer through Resgate; a `set` over HTTP
 * (PATCH through Resgate: header auth, access, call) changes it, and each client's change event is
 * timed from the moment the PATCH was sent. The baseline is a bare nats.js responder
 * (responders/customer-bare.ts) answering the same access, get and `set` with the same event and
 * reply from memory; every client subscribes to both, and the rounds alternate between them (one
 * set in flight at a time). Ratio: baseline p99 / our p99 over every client's latency. Target:
 * ratio >= 0.8 and no event missing.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { startChild, type Child } from './lib/child.ts';
import { startGateway, type Gateway } from './lib/gateway.ts';
import { median } from './lib/load.ts';
import { openClients, type Clients } from './lib/res-ws.ts';
import { startCustomers, startServers, type Servers } from './customer-platform.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const WARMUP = 5;
/** A round's events not in by then count as missing. */
const ROUND_TIMEOUT_MS = 10_000;
const ID = '1';

type Kind = 'bare' | 'customer';
interface Round {
  /** Every client's latency (ms) from sending the PATCH to its change event. */
  readonly latencies: number[];
  readonly missing: number;
  /** PATCH sent → HTTP response. */
  readonly replyMs: number;
}

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? Number.NaN;
}

/** One set through Resgate, timed at every client. */
async function round(clients: Clients, httpUrl: string, service: Kind, phone: string): Promise<Round> {
  const event = `${service}.customer.${ID}.change`;
  const latencies: number[] = [];
  let allIn: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    allIn = resolve;
  });
  const t0 = performance.now();
  clients.onChange = (r) => {
    if (r.event !== event || r.values.phone !== phone) return; // a late event of an earlier round
    latencies.push(r.at - t0);
    if (latencies.length === clients.size) allIn();
  };
  const res = await fetch(`${httpUrl}/api/${service}/customer/${ID}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
  const replyMs = performance.now() - t0;
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`PATCH ${service}: HTTP ${String(res.status)}`);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, ROUND_TIMEOUT_MS)))]);
  clearTimeout(timer);
  clients.onChange = () => undefined;
  return { latencies, missing: clients.size - latencies.length, replyMs };
}

/** The customer service's access and get replies for the bench user, for the baseline to give. */
async function customerReplies(natsUrl: string): Promise<{ access: string; model: string }> {
  const nc = await connect({ servers: natsUrl });
  try {
    const token = { sub: 'bench', username: 'bench', roles: ['customer:read', 'customer:write'], exp: Math.floor(Date.now() / 1000) + 3600, sid: null };
    const access = (await nc.request(`access.customer.customer.${ID}`, JSON.stringify({ token }), { timeout: 5000 })).string();
    const get = (await nc.request(`get.customer.customer.${ID}`, '{}', { timeout: 5000 })).json<{ result: { model: unknown } }>();
    return { access, model: JSON.stringify(get.result.model) };
  } finally {
    await nc.close();
  }
}

function summary(rounds: readonly Round[]): { p50: number; p99: number; missing: number; replyMs: number } {
  const all = rounds.flatMap((r) => r.latencies);
  return {
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    missing: rounds.reduce((n, r) => n + r.missing, 0),
    replyMs: median(rounds.map((r) => r.replyMs)),
  };
}

export async function run(): Promise<void> {
  const load0 = loadavg()[0] ?? 0;
  const servers: Servers = await startServers();
  const started: { stop(): Promise<void> }[] = [];
  let clients: Clients | undefined;
  try {
    started.push(...(await startCustomers(servers)));
    const gateway: Gateway = await startGateway(servers.natsUrl, servers.natsMonitorUrl);
    started.push(gateway);
    const replies = await customerReplies(servers.natsUrl);
    const bare: Child = await startChild('bare', fileURLToPath(new URL('./responders/customer-bare.ts', import.meta.url)), {
      NATS_URL: servers.natsUrl,
      BENCH_SERVICE: 'bare',
      BENCH_ACCESS: replies.access,
      BENCH_MODEL: replies.model,
    });
    started.push(bare);
    process.stderr.write(`opening ${String(CLIENTS)} WebSocket clients…\n`);
    clients = await openClients(gateway.wsUrl, CLIENTS, [`customer.customer.${ID}`, `bare.customer.${ID}`]);
    const results: Record<Kind, Round[]> = { bare: [], customer: [] };
    let seq = 0;
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      // Alternate which goes first, so neither always follows the other's fan-out.
      const order: Kind[] = i % 2 === 0 ? ['bare', 'customer'] : ['customer', 'bare'];
      for (const kind of order) {
        const r = await round(clients, gateway.httpUrl, kind, `f${String(seq++)}`);
        if (i >= WARMUP) results[kind].push(r);
      }
      if (i >= WARMUP && (i - WARMUP + 1) % 10 === 0) {
        const [b, c] = [summary(results.bare), summary(results.customer)];
        process.stderr.write(
          `rounds ${String(i - WARMUP + 1)}/${String(ROUNDS)}: bare p50=${b.p50.toFixed(1)} p99=${b.p99.toFixed(1)} set=${b.replyMs.toFixed(1)} ms; ` +
            `customer p50=${c.p50.toFixed(1)} p99=${c.p99.toFixed(1)} set=${c.replyMs.toFixed(1)} ms missing=${String(c.missing)}\n`,
        );
      }
    }
    const [b, c] = [summary(results.bare), summary(results.customer)];
    const load1 = loadavg()[0] ?? 0;
    process.stdout.write(
      `BENCH fanout ratio=${(b.p99 / c.p99).toFixed(3)} p99_ms=${c.p99.toFixed(1)} missing=${String(c.missing)} p50_ms=${c.p50.toFixed(1)} ` +
        `set_ms=${c.replyMs.toFixed(1)} bare_p99_ms=${b.p99.toFixed(1)} bare_p50_ms=${b.p50.toFixed(1)} bare_set_ms=${b.replyMs.toFixed(1)} ` +
        `bare_missing=${String(b.missing)} clients=${String(CLIENTS)} rounds=${String(ROUNDS)} load=${load0.toFixed(1)}-${load1.toFixed(1)} target=0.8\n`,
    );
  } finally {
    clients?.close();
    for (const s of started.reverse()) await s.stop();
    await servers.stop();
  }
}
