// Who may do what with promotions, through the real gateway: the role matrix over HTTP (401
// without a valid token, 403 for a known user without the right), and the internal `orphan`
// method, which no client may call — not even an admin, over WebSocket or HTTP.
import { describe, expect, it } from 'vitest';
import { accessToken, connectNats, openClient, resgateHttp, scopeSql, type TestUser } from '@hub/testkit';
import { INTERNAL_TOKEN } from '../src/access.ts';
import { create, newCustomer, newProduct, promotionInput, startDomain, type Domain } from './helpers.ts';

type Who = TestUser | 'anonymous';
const WHO: readonly Who[] = ['anonymous', 'nobody', 'reader', 'writer', 'admin'];
const READ = [401, 403, 200, 200, 200];
const WRITE_NO_CONTENT = [401, 403, 403, 204, 204];
const CREATE = [401, 403, 403, 200, 200];

async function as(who: Who, path: string, init: Parameters<typeof resgateHttp>[1] = {}): Promise<number> {
  const token = who === 'anonymous' ? undefined : await accessToken(who);
  return (await resgateHttp(path, { ...init, ...(token === undefined ? {} : { token }) })).status;
}

async function domainWithRefs(): Promise<{ d: Domain; input: Record<string, unknown> }> {
  const d = await startDomain();
  const [product, customer] = await Promise.all([newProduct(d), newCustomer(d)]);
  return { d, input: promotionInput(product, customer) };
}

describe('promotion access (role matrix over HTTP)', () => {
  it('get and search need promotion:read', async () => {
    const { d, input } = await domainWithRefs();
    const id = await create(d.name, 'promotions', input);
    for (const [i, who] of WHO.entries()) {
      expect([who, await as(who, `/api/${d.name}/promotion/${id}`)]).toEqual([who, READ[i]]);
      expect([who, await as(who, `/api/${d.name}/promotions?kind=percent`)]).toEqual([who, READ[i]]);
    }
  });

  it('set, create and delete need promotion:write; a refused write changes nothing', async () => {
    const { d, input } = await domainWithRefs();
    for (const [i, who] of WHO.entries()) {
      const id = await create(d.name, 'promotions', input);
      const path = `/api/${d.name}/promotion/${id}`;
      expect([who, 'set', await as(who, path, { method: 'PATCH', json: { name: who } })]).toEqual([who, 'set', WRITE_NO_CONTENT[i]]);
      expect([who, 'create', await as(who, `/api/${d.name}/promotions/create`, { method: 'POST', json: input })]).toEqual([
        who,
        'create',
        CREATE[i],
      ]);
      const [row] = await scopeSql<{ name: string }>(d.promotion, 'SELECT name FROM promotions WHERE id = $1', [id]);
      expect([who, row?.name]).toEqual([who, WRITE_NO_CONTENT[i] === 204 ? who : 'Winter sale']);
      expect([who, 'delete', await as(who, path, { method: 'DELETE' })]).toEqual([who, 'delete', WRITE_NO_CONTENT[i]]);
      const left = await scopeSql(d.promotion, 'SELECT id FROM promotions WHERE id = $1', [id]);
      expect([who, left.length]).toEqual([who, WRITE_NO_CONTENT[i] === 204 ? 0 : 1]);
    }
  });
});

describe('the internal orphan method', () => {
  it('is refused to every client, admins included, and to any request that came through a gateway', async () => {
    const { d, input } = await domainWithRefs();
    const id = await create(d.name, 'promotions', input);
    const rid = `${d.name}.promotion.${id}`;
    const params = { field: 'product', id: String(input.product) };
    const admin = await openClient({ token: await accessToken('admin') });
    await expect(admin.call(rid, 'orphan', params)).rejects.toMatchObject({ code: 'system.accessDenied' });
    expect(await as('admin', `/api/${d.name}/promotion/${id}/orphan`, { method: 'POST', json: params })).toBe(403);
    expect(await as('anonymous', `/api/${d.name}/promotion/${id}/orphan`, { method: 'POST', json: params })).toBe(401);
    // The internal token forwarded by a gateway (it always sends a connection id) is refused too.
    const nc = await connectNats();
    const viaGateway = (
      await nc.request(`call.${rid}.orphan`, JSON.stringify({ params, token: INTERNAL_TOKEN, cid: 'c1' }), { timeout: 5000 })
    ).json();
    expect(viaGateway).toMatchObject({ error: { code: 'system.accessDenied' } });
    expect(await scopeSql(d.promotion, 'SELECT orphaned, version FROM promotions')).toEqual([{ orphaned: false, version: 1 }]);
    // The control: the service's own request (no connection id, internal token) is answered.
    const own = (await nc.request(`call.${rid}.orphan`, JSON.stringify({ params, token: INTERNAL_TOKEN }), { timeout: 5000 })).json();
    expect(own).toEqual({ result: true });
    expect(await scopeSql(d.promotion, 'SELECT orphaned, version FROM promotions')).toEqual([{ orphaned: true, version: 2 }]);
  });
});
