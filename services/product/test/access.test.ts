// Who may do what with products, through the real gateway (identity verifies each Keycloak
// token, the product policy decides): over HTTP no valid token → 401, a known user without the
// right → 403; over WebSocket system.accessDenied.
import { describe, expect, it } from 'vitest';
import { accessToken, openClient, resgateHttp, scopeSql, type TestUser } from '@hub/testkit';
import { createProduct, productInput, startProduct } from './helpers.ts';

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

describe('product access (role matrix over HTTP)', () => {
  it('get and search need product:read', async () => {
    const { scope } = await startProduct();
    const id = await createProduct(scope.name, { name: 'readable' });
    for (const [i, who] of WHO.entries()) {
      expect([who, await as(who, `/api/${scope.name}/product/${id}`)]).toEqual([who, READ[i]]);
      expect([who, await as(who, `/api/${scope.name}/products?q=readable`)]).toEqual([who, READ[i]]);
    }
  });

  it('set, create and delete need product:write; a refused write changes nothing', async () => {
    const { scope } = await startProduct();
    for (const [i, who] of WHO.entries()) {
      const id = await createProduct(scope.name, { name: `w${String(i)}` });
      const path = `/api/${scope.name}/product/${id}`;
      expect([who, 'set', await as(who, path, { method: 'PATCH', json: { description: who } })]).toEqual([who, 'set', WRITE_NO_CONTENT[i]]);
      const create = await as(who, `/api/${scope.name}/products/create`, { method: 'POST', json: productInput() });
      expect([who, 'create', create]).toEqual([who, 'create', CREATE[i]]);
      const [row] = await scopeSql<{ description: string }>(scope, 'SELECT description FROM products WHERE id = $1', [id]);
      expect([who, row?.description]).toEqual([who, WRITE_NO_CONTENT[i] === 204 ? who : '']);
      expect([who, 'delete', await as(who, path, { method: 'DELETE' })]).toEqual([who, 'delete', WRITE_NO_CONTENT[i]]);
      const left = await scopeSql(scope, 'SELECT id FROM products WHERE id = $1', [id]);
      expect([who, left.length]).toEqual([who, WRITE_NO_CONTENT[i] === 204 ? 0 : 1]);
    }
  });
});

describe('product access over WebSocket', () => {
  it('a reader subscribes and searches but its writes are refused; a token-less client reads nothing', async () => {
    const { scope } = await startProduct();
    const id = await createProduct(scope.name, { name: 'ws' });
    const rid = `${scope.name}.product.${id}`;
    const reader = await openClient({ token: await accessToken('reader') });
    expect((await reader.get(rid)).toJSON()).toMatchObject({ name: 'ws' });
    expect((await reader.get(`${scope.name}.products?q=ws`)).toJSON()).toHaveLength(1);
    await expect(reader.call(rid, 'set', { price: 1 })).rejects.toMatchObject({ code: 'system.accessDenied' });
    await expect(reader.call(`${scope.name}.products`, 'create', productInput())).rejects.toMatchObject({ code: 'system.accessDenied' });
    await expect(reader.call(rid, 'delete')).rejects.toMatchObject({ code: 'system.accessDenied' });
    await expect((await openClient()).get(rid)).rejects.toMatchObject({ code: 'system.accessDenied' });
  });
});
