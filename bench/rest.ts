/**
 * rest: the REST path as clients use it — wrk → Traefik → Resgate → services — on the whole
 * platform (`make up`'s configuration), rounds interleaved in one run:
 *
 * - GET `/api/library/book/1` without a token and with an admin bearer token. The same public,
 *   Resgate-cached model both times (the anonymous request needs a resource readable without a
 *   token; `customer.*` needs `customer:read`), so the ratio is the price of the token alone:
 *   header auth that verifies it instead of finding no credentials. Target: ratio >= 0.8.
 *   The token's GET of `/api/customer/customer/1` (a guarded model) is printed for information.
 * - PATCH `/api/customer/customer/<id>` over HTTP (admin token; ids cycling over the seeded
 *   customers) vs the same `set` sent straight over NATS with the connection token Resgate
 *   would pass, at the same concurrency. Target: HTTP >= 0.5x NATS.
 *
 * - The floor of that PATCH: the same HTTP PATCH (same Traefik, Resgate, header auth, token) to
 *   a bare in-memory responder (no service work at all). patch_floor_ratio = floor / NATS `set`
 *   is the most any service could reach on this path and machine; patch_vs_floor = HTTP PATCH /
 *   floor is the part the customer service's own work accounts for.
 *
 * Rounds alternate their order (ABBA). Every round fetches a fresh token (its first request is the cache miss a real client's new
 * token costs). Also printed: CPU per request of every process on the path (by process tree, so
 * other engineers' servers on the machine are not counted), and how many scans of the identity
 * schema's tables Postgres counted while the token requests ran (pg_stat_user_tables: header
 * auth reads no profile per request, so this stays at about one per fresh token).
 */
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { keycloakClaims, toHubToken } from '@hub/auth';
import { cpuOfTrees, cpuPerOp, cpuSecondsOf, formatCpu, type CpuSnapshot } from './lib/cpu.ts';
import { connectLoad, driveLoad, formatResult as line, median, type LoadResult } from './lib/load.ts';
import { runWrk } from './lib/wrk.ts';
import { CUSTOMERS } from './customer-platform.ts';
import { startRestPlatform, type RestPlatform } from './rest-platform.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 3);
/** Connections of the GET runs (the wrk measurement: 2 threads, 32 connections). */
const GET_CONCURRENCY = Number(process.env.BENCH_GET_CONCURRENCY ?? 32);
/** Concurrent PATCHes over HTTP and concurrent `set`s over NATS. */
const PATCH_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PATCH_SCRIPT = fileURLToPath(new URL('./wrk/patch.lua', import.meta.url));

type Kind = 'anon' | 'token' | 'tokenCustomer' | 'patchHttp' | 'patchNats' | 'patchFloor';
const KINDS: readonly Kind[] = ['anon', 'token', 'tokenCustomer', 'patchHttp', 'patchNats', 'patchFloor'];

/** Scans (sequential + index) of the identity schema's tables so far. */
async function identityScans(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string | null }>(
      "SELECT sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)) AS n FROM pg_stat_user_tables WHERE schemaname = 'identity'",
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

function cpuNow(p: RestPlatform): CpuSnapshot {
  const roots = {
    ...p.serverPids,
    identity: p.children.identity.pid,
    customer: p.children.customer.pid,
    library: p.children.library.pid,
    bare: p.children.bare.pid,
  };
  const snap = new Map(cpuOfTrees(roots));
  snap.delete('keycloak'); // not on the request path; its JVM's housekeeping is noise here
  snap.set('load', cpuSecondsOf(process.pid));
  return snap;
}

/** Per group, the median over rounds. */
function medianByGroup(rounds: readonly Map<string, number>[]): Map<string, number> {
  const groups = new Set(rounds.flatMap((m) => [...m.keys()]));
  return new Map([...groups].map((g) => [g, median(rounds.map((m) => m.get(g) ?? 0))]));
}

export async function run(): Promise<void> {
  const p = await startRestPlatform();
  const nc = await connectLoad(p.urls.natsUrl);
  const base = p.urls.traefikUrl;
  let seq = 0;
  let token = await p.token('admin');
  const natsToken = (): string => JSON.stringify(toHubToken(keycloakClaims.parse(decodeJwt(token))));
  const bearer = (): Record<string, string> => ({ Authorization: `Bearer ${token}` });
  const wrkGet = (path: string, headers: Record<string, string>) =>
    runWrk({ url: `${base}${path}`, connections: GET_CONCURRENCY, durationS: ROUND_S, headers });
  /** PATCHes of `<prefix><id>` (bench/wrk/patch.lua); `tag` makes every body's phone new. */
  const wrkPatch = (tag: string, prefix: string) =>
    runWrk({
      url: base,
      connections: PATCH_CONCURRENCY,
      durationS: ROUND_S,
      headers: bearer(),
      script: PATCH_SCRIPT,
      scriptArgs: [String(CUSTOMERS), tag, prefix],
    });
  const drive: Record<Kind, (round: number) => Promise<LoadResult & { cpuSeconds?: number }>> = {
    anon: () => wrkGet('/api/library/book/1', {}),
    token: () => wrkGet('/api/library/book/1', bearer()),
    tokenCustomer: () => wrkGet('/api/customer/customer/1', bearer()),
    patchHttp: (round) => wrkPatch(`h${String(round)}-`, '/api/customer/customer/'),
    patchFloor: (round) => wrkPatch(`f${String(round)}-`, '/api/bare/customer/'),
    patchNats: () => {
      const payloadToken = natsToken();
      return driveLoad({
        nc,
        concurrency: PATCH_CONCURRENCY,
        durationMs: ROUND_S * 1000,
        request: () => {
          const i = seq++;
          return {
            subject: `call.customer.customer.${String((i % CUSTOMERS) + 1)}.set`,
            payload: `{"params":{"phone":"n${String(i)}"},"token":${payloadToken}}`,
          };
        },
        check: (r) => r === '{"result":null}',
      });
    },
  };
  const results = new Map<Kind, LoadResult[]>(KINDS.map((k) => [k, []]));
  const cpu = new Map<Kind, Map<string, number>[]>(KINDS.map((k) => [k, []]));
  const measured = async (kind: Kind, round: number): Promise<void> => {
    const before = cpuNow(p);
    const r = await drive[kind](round);
    const perOp = cpuPerOp(before, cpuNow(p), r.requests);
    if (r.cpuSeconds !== undefined) perOp.set('wrk', (r.cpuSeconds * 1e6) / Math.max(1, r.requests));
    cpu.get(kind)?.push(perOp);
    results.get(kind)?.push(r);
    process.stderr.write(`${line(kind, r)} cpu_us=${formatCpu(perOp)}\n`);
  };
  try {
    process.stderr.write('warm-up (JIT, connections, every customer written once)\n');
    for (const kind of KINDS) await drive[kind](0);
    const scansBefore = await identityScans(p.urls.postgresUrl);
    for (let round = 1; round <= ROUNDS; round++) {
      token = await p.token('admin');
      process.stderr.write(`round ${String(round)}/${String(ROUNDS)}\n`);
      // Every other round in reverse order (ABBA): the pairs compared stay neighbours, and a drift
      // of the shared machine's load within a round favours neither side.
      for (const kind of round % 2 === 1 ? KINDS : [...KINDS].reverse()) await measured(kind, round);
    }
    const scans = (await identityScans(p.urls.postgresUrl)) - scansBefore;
    const of = (kind: Kind, f: (r: LoadResult) => number): number => median((results.get(kind) ?? []).map(f));
    const rps = (kind: Kind): number => of(kind, (r) => r.rps);
    const p50 = (kind: Kind): string => of(kind, (r) => r.p50Ms).toFixed(2);
    const cpuOf = (kind: Kind): string => formatCpu(medianByGroup(cpu.get(kind) ?? []));
    const sum = (f: (r: LoadResult) => number, kinds: readonly Kind[] = KINDS): number =>
      kinds.reduce((n, k) => n + (results.get(k) ?? []).reduce((m, r) => m + f(r), 0), 0);
    process.stdout.write(
      `BENCH rest ratio=${(rps('token') / rps('anon')).toFixed(3)} token_rps=${rps('token').toFixed(0)} anon_rps=${rps('anon').toFixed(0)} ` +
        `patch_http_rps=${rps('patchHttp').toFixed(0)} patch_nats_rps=${rps('patchNats').toFixed(0)} patch_ratio=${(rps('patchHttp') / rps('patchNats')).toFixed(3)} ` +
        `patch_floor_rps=${rps('patchFloor').toFixed(0)} patch_floor_ratio=${(rps('patchFloor') / rps('patchNats')).toFixed(3)} patch_vs_floor=${(rps('patchHttp') / rps('patchFloor')).toFixed(3)} ` +
        `token_customer_rps=${rps('tokenCustomer').toFixed(0)} token_p50_ms=${p50('token')} anon_p50_ms=${p50('anon')} ` +
        `patch_http_p50_ms=${p50('patchHttp')} patch_nats_p50_ms=${p50('patchNats')} ` +
        `cpu_us_per_token_get=${cpuOf('token')} cpu_us_per_anon_get=${cpuOf('anon')} cpu_us_per_patch_http=${cpuOf('patchHttp')} cpu_us_per_set_nats=${cpuOf('patchNats')} cpu_us_per_patch_floor=${cpuOf('patchFloor')} ` +
        `identity_pg_scans=${String(scans)} token_requests=${String(sum((r) => r.requests, ['token', 'tokenCustomer', 'patchHttp']))} ` +
        `get_concurrency=${String(GET_CONCURRENCY)} patch_concurrency=${String(PATCH_CONCURRENCY)} rounds=${String(ROUNDS)} errors=${String(sum((r) => r.errors))} ` +
        `target_ratio=0.8 target_patch_ratio=0.5\n`,
    );
    const errors = sum((r) => r.errors);
    if (errors > 0) {
      process.stderr.write(
        `bench rest: ${String(errors)} requests failed (non-2xx or socket errors), so the rates above are not comparable; server logs: ${p.logDir}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await nc.close();
    await p.stop();
  }
}
