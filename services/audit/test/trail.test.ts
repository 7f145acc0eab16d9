// Exactly once, end to end: 1,000 mixed mutations across customer, product and promotion, with
// the audit service (a real process) killed with SIGKILL mid-stream and started again — the
// trail then holds one entry per committed mutation: none lost, none twice, the same events as
// the stream.
import { describe, expect, it } from 'vitest';
import { createService, ResError } from '@hub/res';
import { connectNats, dataScope, hub, scopeSql, startService, uniqueName, waitFor } from '@hub/testkit';
import { auditEvents } from '../../customer/test/helpers.ts';
import { startDomain } from '../../promotion/test/helpers.ts';
import { startAuditProcess, stored } from './helpers.ts';

const MUTATIONS = 1000;
/** A resource response resolves to ref(rid). */
const isRef = (v: unknown): v is { rid: string } => typeof v === 'object' && v !== null && typeof (v as { rid?: unknown }).rid === 'string';
const WORKERS = 16;
const TOKEN = {
  sub: 'trail-load',
  username: 'trail-load',
  roles: ['customer:write', 'product:write', 'promotion:write'],
  exp: Math.floor(Date.now() / 1000) + 3600,
  sid: null,
};

describe('the audit trail under load', () => {
  it('1,000 mixed mutations, audit killed mid-stream and restarted: one entry per committed mutation', { timeout: 180_000 }, async () => {
    const d = await startDomain();
    const [cust, prod, promo] = [d.customer.name, d.product.name, d.name];
    const subjects = [cust, prod, promo].map((n) => `audit.${n}.>`);
    const scope = dataScope('audit');
    const first = await startAuditProcess(scope, subjects);
    const nc = await connectNats();
    // The load's requests as Resgate sends them (pre-responses honoured), from a service of no resources.
    const caller = await startService(
      createService({ name: uniqueName('load'), resources: [], nats: { servers: hub().natsUrl }, logLevel: 'warn' }),
    );
    let committed = 0;
    /** A call as a client would make it; the new resource's id, true, or undefined when refused. */
    const call = async (rid: string, method: string, params?: unknown): Promise<string | true | undefined> => {
      try {
        const r = await caller.request({ rid, method }, params, { timeoutMs: 10_000, token: TOKEN });
        committed++;
        return isRef(r) ? (r.rid.split('.').pop() ?? '') : true;
      } catch (err) {
        if (err instanceof ResError && err.code !== 'system.timeout') return undefined; // refused: nothing committed
        throw err;
      }
    };
    const created = async (rid: string, params: unknown): Promise<string> => {
      const id = await call(rid, 'create', params);
      if (typeof id !== 'string') throw new Error(`create in ${rid} refused`);
      return id;
    };
    const customer = (i: number) => ({ name: `c${String(i)}`, email: `c${String(i)}@trail.test` });
    const product = (i: number) => ({ sku: `T-${String(i)}`, name: `p${String(i)}`, price: 100 + i, currency: 'EUR' });
    // Anchors: promotions refer to these, which are never deleted (no orphan marks to count).
    const anchors = { c: [] as string[], p: [] as string[] };
    for (let i = 0; i < 4; i++) {
      anchors.c.push(await created(`${cust}.customers`, customer(-1 - i)));
      anchors.p.push(await created(`${prod}.products`, product(-1 - i)));
    }
    const free = { c: [] as string[], p: [] as string[], promo: [] as string[] };
    const pick = <T>(xs: readonly T[], i: number): T | undefined => xs[i % Math.max(1, xs.length)];
    const op = async (i: number): Promise<void> => {
      const k = i % 10;
      const c = pick(anchors.c, i) ?? '';
      const p = pick(anchors.p, i) ?? '';
      if (k === 0 || (k === 8 && free.c.length === 0)) free.c.push(await created(`${cust}.customers`, customer(i)));
      else if (k === 1) await call(`${cust}.customer.${pick([...anchors.c, ...free.c], i) ?? c}`, 'set', { phone: `+${String(i)}` });
      else if (k === 2 || (k === 9 && free.p.length === 0)) free.p.push(await created(`${prod}.products`, product(i)));
      else if (k === 3) await call(`${prod}.product.${pick([...anchors.p, ...free.p], i) ?? p}`, 'set', { price: 1000 + i });
      else if (k === 4 || k === 5 || (k === 7 && free.promo.length === 0)) {
        const params = {
          name: `x${String(i)}`,
          kind: 'amount',
          value: 1 + i,
          validFrom: '2026-12-01T00:00:00Z',
          validTo: '2027-01-01T00:00:00Z',
          product: p,
          customer: c,
        };
        free.promo.push(await created(`${promo}.promotions`, params));
      } else if (k === 6) await call(`${promo}.promotion.${pick(free.promo, i) ?? '0'}`, 'set', { name: `y${String(i)}` });
      else if (k === 7) await call(`${promo}.promotion.${free.promo.shift() ?? '0'}`, 'delete');
      else if (k === 8) await call(`${cust}.customer.${free.c.shift() ?? '0'}`, 'delete');
      else await call(`${prod}.product.${free.p.shift() ?? '0'}`, 'delete');
    };
    let next = 0;
    const load = Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < MUTATIONS) await op(next++);
      }),
    );
    // Mid-stream: kill the audit process without warning, then start a new one while the load goes on.
    await waitFor(async () => committed >= MUTATIONS / 3 && (await stored(scope)).rows > 0, 'a third of the load, partly stored', 60_000);
    process.kill(first.pid ?? 0, 'SIGKILL');
    await first.stop();
    const atKill = (await stored(scope)).rows;
    const second = startAuditProcess(scope, subjects);
    await load;
    await second;
    const expected = committed;
    expect(expected).toBeGreaterThan(MUTATIONS * 0.9); // refused calls (a set on a resource deleted meanwhile) are few
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(expected);
    await waitFor(async () => (await stored(scope)).rows >= expected, `all ${String(expected)} entries`, 60_000);
    expect(await stored(scope)).toEqual({ rows: expected, ids: expected });
    // The very events of the stream, no more, no fewer.
    const streamIds = (await Promise.all([cust, prod, promo].map((n) => auditEvents(nc, n)))).flat().map((e) => e.event.id);
    const trailIds = (await scopeSql<{ id: string }>(scope, 'SELECT id::text FROM entries')).map((r) => r.id);
    expect(new Set(streamIds).size).toBe(expected);
    expect([...trailIds].sort()).toEqual([...new Set(streamIds)].sort());
    process.stderr.write(
      `[audit] ${String(expected)} committed mutations, ${String(atKill)} stored when killed, all ${String(expected)} stored once after the restart\n`,
    );
  });
});
