// A promotion's product and customer must exist, and only their services can say so: a missing
// one is invalidParams naming the field; a dependency that is stopped or does not answer in time
// is <service>.dependencyUnavailable (HTTP 503, Retry-After) within the timeout. Nothing is
// written either way, and no domain event goes out.
import { describe, expect, it } from 'vitest';
import { dataScope, scopeSql } from '@hub/testkit';
import { startInstance } from '../../customer/test/instances.ts';
import {
  DEPENDENCY_TIMEOUT_MS,
  failure,
  newCustomer,
  newProduct,
  promotionInput,
  ridOf,
  startDomain,
  writerClient,
  writerHttp,
  type Domain,
} from './helpers.ts';

/** Rows and outbox events the promotion service wrote. */
async function written(d: Domain): Promise<{ rows: number; events: number }> {
  const [r] = await scopeSql<{ rows: number; events: number }>(
    d.promotion,
    'SELECT (SELECT count(*) FROM promotions)::int AS rows, (SELECT count(*) FROM hub_outbox)::int AS events',
  );
  return r ?? { rows: -1, events: -1 };
}

describe('promotion references', () => {
  it('a missing product or customer is system.invalidParams naming it; bad rules name their field; nothing is written', async () => {
    const d = await startDomain();
    const [product, customer] = await Promise.all([newProduct(d), newCustomer(d)]);
    const client = await writerClient();
    const promotions = `${d.name}.promotions`;
    const cases: [Record<string, unknown>, string[]][] = [
      [promotionInput('999999', customer), ['product']],
      [promotionInput(product, '999999'), ['customer']],
      [promotionInput('999998', '999999'), ['product', 'customer']],
      [promotionInput(`${d.customer.name}.customer.${customer}`, customer), ['product']], // a customer's RID is no product
      [promotionInput(product, customer, { value: 101 }), ['value']],
      [promotionInput(product, customer, { kind: 'gift' }), ['kind']],
      [promotionInput(product, customer, { value: 2.5 }), ['value']],
      [promotionInput(product, customer, { validTo: '2026-11-30T00:00:00Z' }), ['validTo']],
    ];
    for (const [params, fields] of cases) {
      const err = await failure(client.call(promotions, 'create', params));
      expect(err, JSON.stringify(params)).toMatchObject({ code: 'system.invalidParams' });
      expect(err.data?.issues?.map((i) => i.path).sort(), JSON.stringify(params)).toEqual([...fields].sort());
    }
    expect(await written(d)).toEqual({ rows: 0, events: 0 });

    // A set that re-points to a missing product is refused the same way and changes nothing.
    const rid = ridOf(await client.call(promotions, 'create', promotionInput(product, customer)));
    const err = await failure(client.call(rid, 'set', { product: '999999', name: 'x' }));
    expect(err.data?.issues?.map((i) => i.path)).toEqual(['product']);
    expect(await scopeSql(d.promotion, 'SELECT name, product::text, version FROM promotions')).toEqual([
      { name: 'Winter sale', product, version: 1 },
    ]);
  });

  it('customer service stopped: promotion.dependencyUnavailable at once, 503 with Retry-After over HTTP, no row', async () => {
    const d = await startDomain();
    const [product, customer] = await Promise.all([newProduct(d), newCustomer(d)]);
    const customerService = d.services[0];
    if (customerService === undefined) throw new Error('no customer service');
    await customerService.close();
    const client = await writerClient();
    const t0 = performance.now();
    const err = await failure(client.call(`${d.name}.promotions`, 'create', promotionInput(product, customer)));
    expect(performance.now() - t0).toBeLessThan(DEPENDENCY_TIMEOUT_MS + 1000);
    expect(err).toMatchObject({ code: `${d.name}.dependencyUnavailable`, data: { fields: ['customer'], services: [d.customer.name] } });
    const http = await writerHttp(`/api/${d.name}/promotions/create`, { method: 'POST', json: promotionInput(product, customer) });
    expect([http.status, http.headers.get('retry-after')]).toEqual([503, '1']);
    expect(http.body).toMatchObject({ code: `${d.name}.dependencyUnavailable` });
    expect(await written(d)).toEqual({ rows: 0, events: 0 });
  });

  it('customer service hung (SIGSTOP): promotion.dependencyUnavailable within the timeout, no row', { timeout: 90_000 }, async () => {
    // A frozen process still holds its subscriptions: the request gets no answer and times out.
    const customerScope = dataScope('cust');
    const instance = await startInstance(customerScope);
    const d = await startDomain({ customer: customerScope });
    const [product, customer] = await Promise.all([newProduct(d), newCustomer(d)]);
    const client = await writerClient();
    const pid = instance.proc.pid ?? 0;
    process.kill(pid, 'SIGSTOP');
    try {
      const t0 = performance.now();
      const err = await failure(client.call(`${d.name}.promotions`, 'create', promotionInput(product, customer)));
      const ms = performance.now() - t0;
      process.stderr.write(`[promotion] hung dependency answered in ${ms.toFixed(0)} ms (timeout ${String(DEPENDENCY_TIMEOUT_MS)} ms)\n`);
      expect(err).toMatchObject({ code: `${d.name}.dependencyUnavailable`, data: { fields: ['customer'] } });
      expect(ms).toBeLessThan(DEPENDENCY_TIMEOUT_MS + 1000);
      expect(await written(d)).toEqual({ rows: 0, events: 0 });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
});
