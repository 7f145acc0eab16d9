// R5: protocol fuzz. 10,000 generated malformed RES requests to every service (customer, library,
// identity): each gets an error reply (or, where the protocol ignores the bad part, an answer), or
// is dropped as the protocol says (no service subscribes its subject); none times out, no forged
// token is accepted, no service crashes, memory stays bounded, nothing the fuzz did not touch
// changes, and each service answers normal requests afterwards.
import { expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../lib/processes.ts';
import { fuzzRequests, type FuzzRequest, type FuzzTarget } from './lib/fuzz.ts';
import { natsClients, resRequest, WRITER } from './lib/load.ts';
import { INSPECT, memoryAfterGc } from './lib/inspect.ts';
import { drillServers } from './lib/platform.ts';
import { record } from './lib/summary.ts';

const REQUESTS = Number(process.env.HUB_FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.HUB_FUZZ_SEED ?? 16);
const IN_FLIGHT = 32;
const MB = 1024 * 1024;
/**
 * Memory bounded: RSS after all requests may exceed RSS after the first half by at most this
 * factor, each read after a full GC (plain RSS follows V8's collection cycle).
 * (The first half grows the heap to hold 600 KiB bodies and 200 KB tokens; a leak would keep
 * growing with every further request.)
 */
const RSS_BOUND = 1.2;
/** The issuer identity pins; nothing listens there, so no key set is ever fetched and no forged token can verify. */
const ISSUER = 'http://127.0.0.1:1/realms/fuzz';
/** What a forged token may be answered with: refused, or (no key set could be fetched) unavailable. */
const FORGED_REFUSALS = ['identity.invalidToken', 'hub.unavailable'];

/**
 * Categories no request of which may succeed: their payload is unreadable, too deep or too big, the
 * method does not exist, or the token is forged. (Elsewhere an answer can be right: a get or access
 * reads only the optional query and token, and a delete takes no params, so the runtime ignores the rest.)
 */
const MUST_REFUSE = ['unknown method', 'truncated json', 'deep nesting', 'oversized', 'forged token'];

type Kind = 'answered' | 'error' | 'dropped' | 'timeout' | `failed:${string}`;

function kindOf(out: Awaited<ReturnType<typeof resRequest>>): Kind {
  if (out.result === 'timeout' || out.result.startsWith('failed:')) return out.result as Kind;
  if (out.result === 'noResponders') return 'dropped';
  return out.reply?.error ? 'error' : 'answered';
}

it('R5 protocol fuzz: 10,000 malformed requests, every one answered or dropped as the protocol says, 0 crashes, memory bounded', async () => {
  const d = await drillServers('rfive');
  const names = { customer: d.name, library: `${d.name}l`, identity: `${d.name}i` };
  const env = d.env({ KEYCLOAK_ISSUER: ISSUER, BACKCHANNEL_PORT: '0' });
  const services: Record<string, ServiceProcess> = {};
  for (const [service, name] of Object.entries(names) as ['customer' | 'library' | 'identity', string][])
    services[service] = await startServiceProcess({ service, name, env, bundle: true, nodeArgs: [INSPECT] });
  const clients = await natsClients(d.nats.url, 4);
  const nc = clients[0];
  if (nc === undefined) throw new Error('no client');
  // Customer 1 is the fuzz's target; customer 2, a bystander no fuzz request names, must come out unchanged.
  for (const name of ['Fuzz', 'Bystander']) {
    const created = await resRequest(nc, `call.${names.customer}.customers.create`, {
      params: { name, email: `${name.toLowerCase()}@t.test` },
      token: WRITER,
    });
    expect(created.result).toBe('ok');
  }
  const sql = await d.sql();
  const bystander = async (): Promise<unknown> =>
    (await sql.query('SELECT name, email, phone, tags, active, version FROM customers WHERE id = 2')).rows[0];
  const bystanderBefore = await bystander();
  const normal = async (): Promise<string[]> =>
    Promise.all([
      resRequest(nc, `get.${names.customer}.customer.2`, { token: WRITER }).then((r) => r.result),
      resRequest(nc, `get.${names.customer}.customers`, { token: WRITER, query: 'q=bystander' }).then((r) => r.result),
      resRequest(nc, `get.${names.library}.books`, {}).then((r) => r.result), // the fuzz may delete books
      resRequest(nc, `auth.${names.identity}.header`, { cid: 'c1', header: {} }).then((r) => r.result),
    ]);
  for (let i = 0; i < 200; i++) expect(await normal()).toEqual(['ok', 'ok', 'ok', 'ok']); // warm-up
  const rssNow = async (): Promise<Record<string, number>> =>
    Object.fromEntries(await Promise.all(Object.entries(services).map(async ([k, p]) => [k, (await memoryAfterGc(p)).rss] as const)));
  const rssWarm = await rssNow();

  const targets: FuzzTarget[] = [
    {
      name: names.customer,
      rids: [`${names.customer}.customer.1`, `${names.customer}.customers`],
      methods: ['set', 'delete', 'create'],
      authMethods: [],
    },
    {
      name: names.library,
      rids: [`${names.library}.book.1`, `${names.library}.books`],
      methods: ['set', 'delete', 'add'],
      authMethods: [],
    },
    {
      name: names.identity,
      rids: [`${names.identity}.user.fuzz`],
      methods: ['set'],
      authMethods: ['header', 'login', 'logout', 'refresh'],
    },
  ];
  const requests = fuzzRequests(targets, REQUESTS, SEED, { issuer: ISSUER });
  const byCategory: Record<string, Partial<Record<Kind, number>>> = {};
  const forgedCodes: Record<string, number> = {};
  const unexpected: string[] = [];
  let customerCreates = 0;
  const send = async (c: (typeof clients)[number], r: FuzzRequest): Promise<void> => {
    const out = await resRequest(c, r.subject, r.payload, 5000);
    const kind = kindOf(out);
    const cat = (byCategory[r.category] ??= {});
    cat[kind] = (cat[kind] ?? 0) + 1;
    if (r.category === 'forged token') forgedCodes[out.result] = (forgedCodes[out.result] ?? 0) + 1;
    if (kind === 'answered' && r.subject === `call.${names.customer}.customers.create`) customerCreates++;
    const bad =
      kind === 'timeout' || kind.startsWith('failed:') || (r.category === 'forged token' && !FORGED_REFUSALS.includes(out.result));
    if (bad && unexpected.length < 12)
      unexpected.push(`${r.category}: ${r.subject.slice(0, 80)} ${String(r.payload).slice(0, 160)} → ${out.result}`);
  };
  let taken = 0;
  /** Sends requests until `limit` were taken: one generator shared by the workers, each takes the next when it is free. */
  const fuzz = (limit: number) =>
    Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, w) => {
        const c = clients[w % clients.length] ?? nc;
        for (; taken < limit; taken++) {
          const r = requests.next();
          if (r.done === true) return;
          await send(c, r.value);
        }
      }),
    );
  const t0 = performance.now();
  await fuzz(REQUESTS / 2);
  const rssHalf = await rssNow();
  await fuzz(REQUESTS);
  const seconds = (performance.now() - t0) / 1000;
  const totals: Partial<Record<Kind, number>> = {};
  for (const c of Object.values(byCategory)) for (const [k, n] of Object.entries(c) as [Kind, number][]) totals[k] = (totals[k] ?? 0) + n;
  const after = await normal();
  const rssAfter = await rssNow();
  // The server closes a connection that misses its pings or cannot take its messages: none may be.
  const closed =
    (
      (await (await fetch(`${d.nats.monitorUrl}/connz?state=closed&limit=100`)).json()) as {
        connections?: { name?: string; reason?: string }[];
      }
    ).connections ?? [];
  const crashed = Object.entries(services)
    .filter(([, p]) => p.proc.restarts > 0 || p.proc.exitReason() !== undefined)
    .map(([k]) => k);
  const bystanderAfter = await bystander();
  const otherRows = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE id <> 1')).rows[0]?.n ?? -1;
  const rss = Object.keys(services)
    .map((k) => `${k} ${[rssWarm, rssHalf, rssAfter].map((r) => ((r[k] ?? 0) / MB).toFixed(0)).join('→')} MB`)
    .join(', ');
  const errorLines = Object.fromEntries(
    Object.entries(services).map(([k, p]) => [k, p.output.filter((l) => l.includes('"level":50') || l.includes('"level":60')).length]),
  );
  record(
    `R5 protocol fuzz: ${String(REQUESTS)} malformed requests (seed ${String(SEED)}, ${String(IN_FLIGHT)} in flight) in ${seconds.toFixed(1)} s to customer, library, identity: ${JSON.stringify(totals)}; ` +
      `forged tokens ${JSON.stringify(forgedCodes)}; crashes=${String(crashed.length)}; connections closed by NATS ${String(closed.length)}; error log lines ${JSON.stringify(errorLines)}; bystander unchanged=${String(JSON.stringify(bystanderAfter) === JSON.stringify(bystanderBefore))}; ` +
      `RSS after GC warm→half→end ${rss} (end ≤ half ×${String(RSS_BOUND)}); normal requests after: ${after.join(',')}`,
  );
  console.log(`R5 by category: ${JSON.stringify(byCategory)}`);
  expect(unexpected, `by category: ${JSON.stringify(byCategory)}`).toEqual([]);
  for (const cat of MUST_REFUSE) expect(byCategory[cat], cat).toEqual({ error: expect.any(Number) as number });
  expect(crashed).toEqual([]);
  expect(closed.map((c) => `${c.name ?? ''}: ${c.reason ?? ''}`)).toEqual([]);
  expect(after).toEqual(['ok', 'ok', 'ok', 'ok']);
  expect(bystanderAfter).toEqual(bystanderBefore);
  expect(otherRows).toBe(1 + customerCreates); // every row the fuzz made was acknowledged
  expect(
    Object.values(errorLines).reduce((a, b) => a + b, 0),
    "hostile input is the client's error, not logged as ours",
  ).toBe(0);
  for (const k of Object.keys(services)) expect(rssAfter[k] ?? 0, `${k} RSS`).toBeLessThanOrEqual((rssHalf[k] ?? 0) * RSS_BOUND);
});
