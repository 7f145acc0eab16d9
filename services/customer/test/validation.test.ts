// Bad input: invalid params name the field (schema and database constraints alike), stale
// versions conflict, and SQL injection through q and sort does nothing.
import { describe, expect, it } from 'vitest';
import { scopeSql } from '@hub/testkit';
import { ridOf, startCustomer, writerClient, writerHttp } from './helpers.ts';

describe('customer validation', () => {
  it('bad params get system.invalidParams naming the field', async () => {
    // Intent: schema failures and the unique-email constraint (SQLSTATE 23505) both answer
    // invalidParams with the field in data.issues, never driver text.
    const { scope } = await startCustomer();
    const client = await writerClient();
    const customers = `${scope.name}.customers`;
    const rid = ridOf(await client.call(customers, 'create', { name: 'Uno', email: 'uno@t.test' }));
    const cases: [string, string, unknown, string][] = [
      [customers, 'create', { email: 'x@t.test' }, 'name'],
      [customers, 'create', { name: 'X', email: 'not-an-email' }, 'email'],
      [customers, 'create', { name: 'Dup', email: 'UNO@t.test' }, 'email'], // unique, case-folded
      [rid, 'set', { tags: 'vip' }, 'tags'],
      [rid, 'set', { active: 'yes' }, 'active'],
      [rid, 'set', { name: '' }, 'name'],
    ];
    for (const [target, method, params, field] of cases) {
      const err = (await client.call(target, method, params).then(
        () => undefined,
        (e: unknown) => e,
      )) as { code: string; message: string; data?: { issues?: { path: string }[] } };
      expect(err, `${method} ${JSON.stringify(params)}`).toMatchObject({ code: 'system.invalidParams' });
      expect(err.data?.issues?.map((i) => i.path)).toContain(field);
      expect(err.message).not.toMatch(/duplicate key|constraint|violates/i);
    }
    // Optimistic version: a stale version conflicts, the current one applies.
    await expect(client.call(rid, 'set', { name: 'Dos', version: 7 })).rejects.toMatchObject({ code: `${scope.name}.versionConflict` });
    await client.call(rid, 'set', { name: 'Dos', version: 1 });
    expect(await scopeSql(scope, 'SELECT name, version FROM customers')).toEqual([{ name: 'Dos', version: 2 }]);
  });

  it('SQL injection attempts through q and sort have no effect', async () => {
    // Intent: q is a bound text-search parameter and sort an enum; hostile strings find nothing,
    // change nothing, and a hostile sort is refused.
    const { scope } = await startCustomer();
    for (const n of ['A', 'B']) {
      await writerHttp(`/api/${scope.name}/customers/create`, { method: 'POST', json: { name: n, email: `${n}@t.test` } });
    }
    const get = (q: string) => writerHttp<unknown[]>(`/api/${scope.name}/customers?${q}`);
    for (const q of ["x' OR '1'='1", "'; DROP TABLE customers; --", 'a) | (b', '!!&&||', "\\'"]) {
      const res = await get(`q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body, q).toEqual([]);
    }
    for (const sort of ['name;DROP TABLE customers', 'name DESC', '(SELECT 1)', 'id']) {
      expect((await get(`sort=${encodeURIComponent(sort)}`)).status, sort).toBe(400);
    }
    expect(await scopeSql(scope, 'SELECT count(*)::int AS n FROM customers')).toEqual([{ n: 2 }]);
  });
});
