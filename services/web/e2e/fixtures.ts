/**
 * What every browser test uses: the platform's URLs (from the global setup), signing in through
 * Keycloak's real login form, tokens and REST calls for arranging data, axe checks, screenshots.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import * as axe from '@axe-core/playwright';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { urlsFromEnv } from '@hub/testkit/platform';
import type { PlatformUrls } from '@hub/servers';

export type User = 'reader' | 'writer' | 'admin' | 'nobody';

export function urls(): PlatformUrls {
  const u = urlsFromEnv();
  if (u === undefined)
    throw new Error(
      'HUB_TEST_* variables missing: run the browser tests through playwright.config.ts (its global setup starts the platform)',
    );
  return u;
}

export const unique = (prefix: string): string => `${prefix}${randomBytes(4).toString('hex')}`;

/** Signs `page` in through Keycloak's login form and waits until the app shows the user. */
export async function signIn(page: Page, user: User, path = '/'): Promise<void> {
  await page.goto(`${urls().appUrl}/login?next=${encodeURIComponent(path)}`);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(`${user}-pass`);
  await page.locator('#kc-login').click();
  await expect(page.getByRole('link', { name: user, exact: true })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText('Live');
}

/** A new browser context (its own cookies: its own Keycloak session) with one signed-in page. */
export async function userPage(
  browser: Browser,
  user: User,
  path = '/',
  prepare?: (c: BrowserContext) => Promise<void>,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await prepare?.(context);
  const page = await context.newPage();
  await signIn(page, user, path);
  return { context, page };
}

/** Password-grant token from the test client (for arranging and checking data over REST). */
export async function token(user: User): Promise<string> {
  const res = await fetch(`${urls().keycloakIssuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'hub-test', username: user, password: `${user}-pass`, scope: 'openid' }),
  });
  if (!res.ok) throw new Error(`token for ${user}: ${String(res.status)}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A REST call through Traefik, as curl would make it. */
export async function api(
  path: string,
  o: { token?: string; method?: string; json?: unknown } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${urls().traefikUrl}/api/${path}`, {
    method: o.method ?? 'GET',
    headers: {
      ...(o.token === undefined ? {} : { authorization: `Bearer ${o.token}` }),
      ...(o.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: o.json === undefined ? null : JSON.stringify(o.json),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: res.headers };
}

/** Creates an item over REST (`<service>/<collection>/create`, as the writer) and returns its id. */
export async function createItem(service: string, collection: string, input: Record<string, unknown>): Promise<string> {
  const r = await api(`${service}/${collection}/create`, { token: await token('writer'), method: 'POST', json: input });
  const id = new RegExp(`${service}/[a-z]+/(\\d+)`).exec(r.headers.get('location') ?? '')?.[1];
  if (r.status !== 200 || id === undefined) throw new Error(`create ${service}: ${String(r.status)} ${JSON.stringify(r.body)}`);
  return id;
}

/** Creates a customer over REST and returns its id. */
export const createCustomer = (input: Record<string, unknown>): Promise<string> => createItem('customer', 'customers', input);

/** Creates a product over REST and returns its id. */
export const createProduct = (input: Record<string, unknown>): Promise<string> => createItem('product', 'products', input);

/** Creates a promotion over REST and returns its id (its product and customer must exist). */
export const createPromotion = (input: Record<string, unknown>): Promise<string> => createItem('promotion', 'promotions', input);

/** Changes an item over REST (PATCH, as the writer); throws unless it worked. */
export async function patch(path: string, json: Record<string, unknown>): Promise<void> {
  const r = await api(path, { token: await token('writer'), method: 'PATCH', json });
  if (r.status >= 300) throw new Error(`PATCH ${path}: ${String(r.status)} ${JSON.stringify(r.body)}`);
}

/** Customers whose name/email/company match `q` (as the writer sees them). */
export async function searchCustomers(q: string): Promise<unknown[]> {
  const r = await api(`customer/customers?q=${encodeURIComponent(q)}`, { token: await token('writer') });
  return Array.isArray(r.body) ? (r.body as unknown[]) : [];
}

const SHOTS = fileURLToPath(new URL('../../../.run/web-e2e/screenshots/', import.meta.url));

/** A full-page screenshot, kept as an artifact for reviewers. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
}

/** axe-core on the current page: no serious or critical violations (the list is the message). */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new axe.AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${String(v.impact)}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
  ).toEqual([]);
}
