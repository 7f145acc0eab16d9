/** Starting the product service in a test's own namespace, and the calls its tests share. */
import { accessToken, openClient, resgateHttp, startHub, type DataScope, type HttpResult, type ResClient } from '@hub/testkit';
import type { HubService } from '@hub/service';
import { productService } from '../src/service.ts';

/** Starts a product service (closed at test end) named after a fresh scope, or on `scope` for another instance. */
export async function startProduct(scope?: DataScope): Promise<{ scope: DataScope; service: HubService<object> }> {
  return startHub(productService, scope === undefined ? {} : { scope });
}

/** A product's create params with sensible defaults. */
export function productInput(o: Record<string, unknown> = {}): Record<string, unknown> {
  return { sku: `SKU-${Math.random().toString(36).slice(2, 8)}`, name: 'Thing', price: 1000, currency: 'EUR', ...o };
}

/** A resclient connected as the `writer` test user (product:read and product:write). */
export async function writerClient(): Promise<ResClient> {
  return openClient({ token: await accessToken('writer') });
}

/** A REST request through Resgate as the `writer` test user. */
export async function writerHttp<T = unknown>(path: string, init: Parameters<typeof resgateHttp>[1] = {}): Promise<HttpResult<T>> {
  return resgateHttp<T>(path, { ...init, token: await accessToken('writer') });
}

/** Creates a product over REST as the writer; its id. */
export async function createProduct(name: string, o: Record<string, unknown> = {}): Promise<string> {
  const post = await writerHttp(`/api/${name}/products/create`, { method: 'POST', json: productInput(o) });
  if (post.status !== 200) throw new Error(`create product: ${String(post.status)} ${post.text}`);
  const l = post.headers.get('location') ?? '';
  return l.slice(l.lastIndexOf('/') + 1);
}

/** Resource id of a resclient item (a model reference). */
export function ridOf(item: unknown): string {
  return (item as { getResourceId(): string }).getResourceId();
}

/** The error a call rejects with. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; data?: { issues?: { path: string }[] } }> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as { code: string; message: string },
  );
}
