/**
 * The promotion service under test with real dependencies: a customer and a product service of
 * the test's own (unique names), and promotion configured to ask them.
 */
import { accessToken, dataScope, openClient, resgateHttp, startHub, type DataScope, type HttpResult, type ResClient } from '@hub/testkit';
import type { HubService } from '@hub/service';
import { customerService } from '../../customer/src/service.ts';
import { productService } from '../../product/src/service.ts';
import { promotionService } from '../src/service.ts';

export interface Domain {
  readonly promotion: DataScope;
  readonly product: DataScope;
  readonly customer: DataScope;
  readonly services: HubService<object>[];
  /** The promotion service's name (first RID token, and of its error codes). */
  readonly name: string;
}

/** Short enough for the "dependency stopped / hung" tests, long enough for a loaded machine. */
export const DEPENDENCY_TIMEOUT_MS = 1500;

/**
 * Starts customer, product and promotion (each closed at test end): `instances` promotion
 * instances on one scope; `customer`: a customer service the test started itself (a process).
 */
export async function startDomain(o: { instances?: number; customer?: DataScope } = {}): Promise<Domain> {
  const [customer, product] = await Promise.all([
    o.customer === undefined ? startHub(customerService) : undefined,
    startHub(productService),
  ]);
  const customerScope = o.customer ?? customer?.scope;
  if (customerScope === undefined) throw new Error('no customer service');
  const promotion = dataScope('promo');
  const config = { PRODUCT_SERVICE: product.scope.name, CUSTOMER_SERVICE: customerScope.name, DEPENDENCY_TIMEOUT_MS, HUB_PARTITIONS: 8 };
  const services: HubService<object>[] = [...(customer === undefined ? [] : [customer.service]), product.service];
  for (let i = 0; i < (o.instances ?? 1); i++) services.push((await startHub(promotionService, { scope: promotion, config })).service);
  return { promotion, product: product.scope, customer: customerScope, services, name: promotion.name };
}

/** A REST request through Resgate as the `writer` test user (every write role of the domain). */
export async function writerHttp<T = unknown>(path: string, init: Parameters<typeof resgateHttp>[1] = {}): Promise<HttpResult<T>> {
  return resgateHttp<T>(path, { ...init, token: await accessToken('writer') });
}

/** POSTs a create and returns the new resource's id (from Location). */
export async function create(service: string, collection: string, json: Record<string, unknown>): Promise<string> {
  const post = await writerHttp(`/api/${service}/${collection}/create`, { method: 'POST', json });
  if (post.status !== 200) throw new Error(`create in ${service}.${collection}: ${String(post.status)} ${post.text}`);
  const l = post.headers.get('location') ?? '';
  return l.slice(l.lastIndexOf('/') + 1);
}

let n = 0;
/** A product of the domain's product service; its id. */
export function newProduct(d: Domain, o: Record<string, unknown> = {}): Promise<string> {
  return create(d.product.name, 'products', {
    sku: `P-${String(++n)}-${String(Date.now())}`,
    name: 'Lamp',
    price: 2500,
    currency: 'EUR',
    ...o,
  });
}

/** A customer of the domain's customer service; its id. */
export function newCustomer(d: Domain, o: Record<string, unknown> = {}): Promise<string> {
  const k = `${String(++n)}${String(Date.now())}`;
  return create(d.customer.name, 'customers', { name: `Customer ${k}`, email: `c${k}@t.test`, ...o });
}

/** Promotion create params with sensible defaults. */
export function promotionInput(product: string, customer: string, o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Winter sale',
    kind: 'percent',
    value: 10,
    validFrom: '2026-12-01T00:00:00Z',
    validTo: '2027-01-01T00:00:00Z',
    product,
    customer,
    ...o,
  };
}

/** A resclient connected as the `writer` test user. */
export async function writerClient(): Promise<ResClient> {
  return openClient({ token: await accessToken('writer') });
}

/** Resource id of a resclient item (a model reference). */
export function ridOf(item: unknown): string {
  return (item as { getResourceId(): string }).getResourceId();
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; data?: Record<string, unknown> & { issues?: { path: string }[] } }> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as { code: string; message: string },
  );
}
