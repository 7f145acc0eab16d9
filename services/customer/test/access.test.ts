// Who may do what with customers, through the real gateway: Resgate's header auth asks the
// identity service, which verifies each Keycloak token; the customer policy decides. Over HTTP a
// request without a valid token answers 401 and a known user without the right 403.
import { describe, expect, it } from 'vitest';
import { accessToken, openClient, resgateHttp, scopeSql, type TestUser } from '@hub/testkit';
import { idFromLocation, startCustomer, writerHttp } from './helpers.ts';

type Who = TestUser | 'anonymous';
const WHO: readonly Who[] = ['anonymous', 'nobody', 'reader', 'writer', 'admin'];

/** Expected HTTP status per caller, in WHO order. */
const READ = [401, 403, 200, 200, 200];
const WRITE_NO_CONTENT = [401, 403, 403, 204, 204];
const CREATE = [401, 403, 403, 200, 200];

async function as(who: Who, path: string, init: Parameters<typeof resgateHttp>[1] = {}): Promise<number> {
  const token = who === 'anonymous' ? undefined : await accessToken(who);
  return (await resgateHttp(path, { ...init, ...(token === undefined ? {} : { token }) })).status;
}

async function newCustomer(name: string, n: string): Promise<string> {
  const post = await writerHttp(`/api/${name}/customers/create`, { method: 'POST', json: { name: n, email: `${n}@t.test` } });
  expect(post.status).toBe(200);
  return idFromLocation(post.headers.get('location'));
}

describe('customer access (role matrix over HTTP)', () => {
  it('get and search need customer:read', async () => {
    const { scope } = await startCustomer();
    const id = await newCustomer(scope.name, 'read');
    for (const [i, who] of WHO.entries()) {
      expect([who, await as(who, `/api/${scope.name}/customer/${id}`)]).toEqual([who, READ[i]]);
      expect([who, await as(who, `/api/${scope.name}/customers?q=read`)]).toEqual([who, READ[i]]);
    }
  });

  it('set, create and delete need customer:write; a refused write changes nothing', async () => {
    const { scope } = await startCustomer();
    for (const [i, who] of WHO.entries()) {
      const id = await newCustomer(scope.name, `w${String(i)}`);
      const path = `/api/${scope.name}/customer/${id}`;
      expect([who, 'set', await as(who, path, { method: 'PATCH', json: { phone: who } })]).toEqual([who, 'set', WRITE_NO_CONTENT[i]]);
      expect([
        who,
        'create',
        await as(who, `/api/${scope.name}/customers/create`, {
          method: 'POST',
          json: { name: `c${String(i)}`, email: `c${String(i)}@t.test` },
        }),
      ]).toEqual([who, 'create', CREATE[i]]);
      const [row] = await scopeSql<{ phone: string }>(scope, 'SELECT phone FROM customers WHERE id = $1', [id]);
      expect([who, row?.phone]).toEqual([who, WRITE_NO_CONTENT[i] === 204 ? who : '']);
      expect([who, 'delete', await as(who, path, { method: 'DELETE' })]).toEqual([who, 'delete', WRITE_NO_CONTENT[i]]);
      const left = await scopeSql(scope, 'SELECT id FROM customers WHERE id = $1', [id]);
      expect([who, left.length]).toEqual([who, WRITE_NO_CONTENT[i] === 204 ? 0 : 1]);
    }
  });
});

describe('customer access over WebSocket', () => {
  it('a reader subscribes and searches but its writes are refused; a token-less client reads nothing', async () => {
    const { scope } = await startCustomer();
    const id = await newCustomer(scope.name, 'ws');
    const rid = `${scope.name}.customer.${id}`;
    const reader = await openClient({ token: await accessToken('reader') });
    expect((await reader.get(rid)).toJSON()).toMatchObject({ name: 'ws' });
    expect((await reader.get(`${scope.name}.customers?q=ws`)).toJSON()).toHaveLength(1);
    await expect(reader.call(rid, 'set', { phone: '1' })).rejects.toMatchObject({ code: 'system.accessDenied' });
    await expect(reader.call(`${scope.name}.customers`, 'create', { name: 'x', email: 'x@t.test' })).rejects.toMatchObject({
      code: 'system.accessDenied',
    });
    await expect(reader.call(rid, 'delete')).rejects.toMatchObject({ code: 'system.accessDenied' });
    const anonymous = await openClient();
    await expect(anonymous.get(rid)).rejects.toMatchObject({ code: 'system.accessDenied' });
  });
});
