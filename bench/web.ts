/**
 * web: the web app's budgets (issue #15), in Debian's Chromium against the real platform
 * (identity, customer and the web app behind Traefik; Keycloak sign-in as `writer`):
 *
 * - navigation → first live data on the customer search page (`/customer?q=…`): from the
 *   navigation's start (performance.timeOrigin) to the first result row in the DOM, in a fresh
 *   browser context holding only the Keycloak session (cold: empty HTTP cache, keycloak-js finds
 *   the session silently, the WebSocket connects and logs in, the query collection arrives), and
 *   reloaded in the same page (warm cache). Budget: ≤ 1.5 s (cold, median).
 * - JavaScript of that route, gzipped (level 9, as the build's precompressed .gz files): every
 *   script the app's origin served for the cold load. Budget: ≤ 200 KB.
 * - a change over HTTP (PATCH through Traefik) until it shows in an open detail page (a
 *   MutationObserver on the field calls back into Node), CHANGES changes one after another.
 *   Budget: p99 ≤ 250 ms. Baseline, same changes: a bare resclient in Node on the same Traefik
 *   WebSocket, subscribed to the same customer; ratio = page p99 / bare p99 (what the browser,
 *   the app and rendering add to the platform's own fan-out).
 *
 * Reuses a running platform when the HUB_TEST_* variables are set (services/web/e2e/serve.ts);
 * otherwise starts one (Keycloak: a few minutes on a busy machine).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import * as resclientModule from 'resclient';
import WebSocket from 'ws';
import type { PlatformUrls } from '@hub/servers';
import { startTestPlatform, urlsFromEnv } from '@hub/testkit/platform';
import { median } from './lib/load.ts';

const NAV_RUNS = Number(process.env.BENCH_WEB_NAV_RUNS ?? 7);
const CHANGES = Number(process.env.BENCH_WEB_CHANGES ?? 100);
const ROWS = 25;
const BUDGET = { navMs: 1500, jsKb: 200, changeP99Ms: 250 } as const;
const CHANGE_TIMEOUT_MS = 10_000;

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('No chromium on the PATH. Install it with `make install-browser` (Debian: apt-get install chromium).');
  }
}

async function writerToken(u: PlatformUrls): Promise<string> {
  const res = await fetch(`${u.keycloakIssuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'hub-test',
      username: 'writer',
      password: 'writer-pass',
      scope: 'openid',
    }),
  });
  if (!res.ok) throw new Error(`token for writer: ${String(res.status)} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function rest(u: PlatformUrls, token: string, method: string, path: string, json: unknown): Promise<Response> {
  const res = await fetch(`${u.traefikUrl}/api/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${String(res.status)} ${await res.text()}`);
  return res;
}

/** ROWS customers named `<prefix> n`; returns the first one's id. */
async function seed(u: PlatformUrls, token: string, prefix: string): Promise<string> {
  const ids: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const res = await rest(u, token, 'POST', 'customer/customers/create', {
      name: `${prefix} ${String(i)}`,
      email: `${prefix.toLowerCase()}-${String(i)}@bench.test`,
    });
    const id = /customer\/customer\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1];
    if (id === undefined) throw new Error('create customer: no location header');
    ids.push(id);
  }
  return ids[0] ?? '';
}

async function signIn(browser: Browser, u: PlatformUrls): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${u.appUrl}/login?next=%2F`);
  await page.locator('#username').fill('writer');
  await page.locator('#password').fill('writer-pass');
  await page.locator('#kc-login').click();
  await page.getByRole('link', { name: 'writer', exact: true }).waitFor();
  await page.close();
  return context;
}

/** Records, in the page, when the first result row appears (ms since the navigation started). */
const FIRST_ROW_PROBE = `
  new MutationObserver((_m, o) => {
    if (document.querySelector('tr[data-rid]')) { window.__firstRowMs = performance.now(); o.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
`;

/** The page's globals the probes set (this file is type-checked for Node, without the DOM's types). */
type Probed = typeof globalThis & { __firstRowMs?: number };

async function firstRowMs(page: Page): Promise<number> {
  // Functions, not strings: the app's CSP (no 'unsafe-eval') refuses string predicates.
  await page.waitForFunction(() => (globalThis as Probed).__firstRowMs !== undefined, undefined, { timeout: 30_000 });
  return page.evaluate(() => (globalThis as Probed).__firstRowMs ?? Number.NaN);
}

/** Calls window.__hubSeen(text) whenever the phone field's text changes (an init script: CSP allows it). */
const PHONE_PROBE = `
  let last;
  new MutationObserver(() => {
    const text = document.querySelector('[data-field="phone"]')?.textContent.trim();
    if (text !== undefined && text !== last) { last = text; window.__hubSeen(text); }
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

interface Navigation {
  coldMs: number[];
  warmMs: number[];
  jsGzBytes: number;
  scripts: string[];
}

async function navigation(browser: Browser, signedIn: BrowserContext, u: PlatformUrls, prefix: string): Promise<Navigation> {
  const state = await signedIn.storageState();
  const url = `${u.appUrl}/customer?q=${encodeURIComponent(prefix)}`;
  const out: Navigation = { coldMs: [], warmMs: [], jsGzBytes: 0, scripts: [] };
  for (let i = 0; i < NAV_RUNS; i++) {
    const context = await browser.newContext({ storageState: state });
    await context.addInitScript(FIRST_ROW_PROBE);
    const page = await context.newPage();
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script' && r.url().startsWith(u.appUrl)) scripts.set(r.url(), r.body());
    });
    await page.goto(url);
    out.coldMs.push(await firstRowMs(page));
    if (i === 0) {
      await page.waitForLoadState('networkidle');
      const bodies = await Promise.all([...scripts.values()]);
      out.jsGzBytes = bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
      out.scripts = [...scripts.keys()].map((s) => s.slice(u.appUrl.length));
    }
    await page.reload();
    out.warmMs.push(await firstRowMs(page));
    await context.close();
    process.stderr.write(
      `navigation ${String(i + 1)}/${String(NAV_RUNS)}: cold ${fmt(out.coldMs.at(-1) ?? 0)} ms, warm ${fmt(out.warmMs.at(-1) ?? 0)} ms\n`,
    );
  }
  return out;
}

interface ResModel {
  on(e: string, h: () => void): void;
  off(e: string, h: () => void): void;
  phone?: unknown;
}
interface ResClient {
  get(rid: string): Promise<ResModel>;
  authenticate(rid: string, m: string, p: unknown): Promise<unknown>;
  connect(): Promise<void>;
  disconnect(): void;
}
type ResClientCtor = new (factory: () => unknown, opt?: Record<string, unknown>) => ResClient;

/** The baseline: resclient in Node on the same Traefik WebSocket, logged in like the page. */
async function bareClient(u: PlatformUrls, token: string): Promise<ResClient> {
  const mod = resclientModule as unknown as { default: ResClientCtor | { default: ResClientCtor } };
  const Client = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const client = new Client(() => new WebSocket(`${u.traefikWsUrl}/`, { allowSynchronousEvents: false }), {
    unsubscribeDelay: 10 * 60_000,
  });
  await client.connect();
  await client.authenticate('identity', 'login', { token });
  return client;
}

interface Changes {
  pageMs: number[];
  bareMs: number[];
}

async function changes(signedIn: BrowserContext, u: PlatformUrls, token: string, id: string): Promise<Changes> {
  const page = await signedIn.newPage();
  const seen = new Map<string, () => void>();
  await page.exposeFunction('__hubSeen', (value: string) => {
    seen.get(value)?.();
  });
  await page.addInitScript(PHONE_PROBE);
  await page.goto(`${u.appUrl}/customer/${id}`);
  await page.locator('[data-field="phone"]').waitFor({ state: 'attached' });
  const bare = await bareClient(u, token);
  const model = await bare.get(`customer.customer.${id}`);
  const out: Changes = { pageMs: [], bareMs: [] };
  try {
    for (let i = 0; i < CHANGES; i++) {
      const value = `bench-${String(Date.now())}-${String(i)}`;
      const timeout = <T>(what: string) =>
        new Promise<T>((_r, reject) =>
          setTimeout(() => {
            reject(new Error(`change ${String(i)}: ${what} did not see it in ${String(CHANGE_TIMEOUT_MS)} ms`));
          }, CHANGE_TIMEOUT_MS).unref(),
        );
      const t0 = performance.now();
      const shown = Promise.race([
        new Promise<number>((resolve) => {
          seen.set(value, () => {
            resolve(performance.now());
          });
        }),
        timeout<number>('the page'),
      ]);
      const arrived = Promise.race([
        new Promise<number>((resolve) => {
          const onChange = () => {
            if (model.phone === value) {
              model.off('change', onChange);
              resolve(performance.now());
            }
          };
          model.on('change', onChange);
        }),
        timeout<number>('the bare client'),
      ]);
      await rest(u, token, 'PATCH', `customer/customer/${id}`, { phone: value });
      const [tPage, tBare] = await Promise.all([shown, arrived]);
      seen.delete(value);
      out.pageMs.push(tPage - t0);
      out.bareMs.push(tBare - t0);
    }
  } finally {
    bare.disconnect();
    await page.close();
  }
  return out;
}

export async function run(): Promise<void> {
  const given = urlsFromEnv();
  const platform = given === undefined ? await startTestPlatform({ services: ['identity', 'customer', 'web'] }) : undefined;
  const u = given ?? (platform as NonNullable<typeof platform>).urls;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  try {
    const token = await writerToken(u);
    const prefix = `Bench${String(Date.now())}`;
    const id = await seed(u, token, prefix);
    const signedIn = await signIn(browser, u);
    const nav = await navigation(browser, signedIn, u, prefix);
    process.stderr.write(`route scripts (${String(nav.scripts.length)}): ${nav.scripts.join(' ')}\n`);
    const ch = await changes(signedIn, u, token, id);
    const navCold = median(nav.coldMs);
    const jsKb = nav.jsGzBytes / 1024;
    const pageP99 = percentile(ch.pageMs, 99);
    const bareP99 = percentile(ch.bareMs, 99);
    const missed = [
      ...(navCold <= BUDGET.navMs ? [] : ['nav']),
      ...(jsKb <= BUDGET.jsKb ? [] : ['js']),
      ...(pageP99 <= BUDGET.changeP99Ms ? [] : ['change']),
    ];
    process.stdout.write(
      `BENCH web ratio=${fmt(pageP99 / bareP99, 2)} nav_cold_ms_p50=${fmt(navCold)} nav_warm_ms_p50=${fmt(median(nav.warmMs))} nav_budget_ms=${String(BUDGET.navMs)} ` +
        `js_kb_gz=${fmt(jsKb, 1)} js_budget_kb=${String(BUDGET.jsKb)} change_p99_ms=${fmt(pageP99, 1)} change_p50_ms=${fmt(percentile(ch.pageMs, 50), 1)} ` +
        `bare_p99_ms=${fmt(bareP99, 1)} bare_p50_ms=${fmt(percentile(ch.bareMs, 50), 1)} change_budget_ms=${String(BUDGET.changeP99Ms)} changes=${String(CHANGES)} ` +
        `budgets=${missed.length === 0 ? 'met' : `missed:${missed.join(',')}`} load1=${fmt(loadavg()[0] ?? 0, 1)}\n`,
    );
  } finally {
    await browser.close();
    await platform?.stop();
  }
}
