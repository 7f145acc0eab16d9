/**
 * The web app's server with the real build (built here if the sources changed): the page CSP is
 * SvelteKit's (with its script hash and the runtime Keycloak origin), a 304 carries no CSP (it
 * would replace the cached page's and blank the page), other files get the fallback CSP, other
 * hosts are sent to the public origin, and the ops port answers like every service's.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, freePort, WEB_DIR } from '@hub/servers';
import { configSchema } from '../src/config.ts';
import { FALLBACK_CSP, SILENT_CHECK_SSO_SCRIPT } from '../src/headers.ts';
import { WebServer } from '../src/server.ts';

const KEYCLOAK = 'http://localhost:18180';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over node:http, so the Host header is ours to choose. */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the web server', () => {
  let server: WebServer;
  let port: number;
  let host: string;

  beforeAll(async () => {
    await buildWebApp({ log: () => undefined });
    port = await freePort();
    host = `localhost:${String(port)}`;
    const config = configSchema.parse({
      WEB_PORT: String(port),
      OPS_PORT: '0',
      WEB_PUBLIC_ORIGIN: `http://${host}`,
      KEYCLOAK_ISSUER: `${KEYCLOAK}/realms/servicehub`,
    });
    server = new WebServer(config, join(WEB_DIR, 'build/'), pino({ level: 'silent' }));
    await server.start();
  }, 300_000);

  afterAll(async () => {
    await server.close();
  });

  const app = (path: string) => `http://127.0.0.1:${String(port)}${path}`;

  it("serves pages with SvelteKit's CSP (its script hash, Keycloak's origin) and the security headers", async () => {
    const page = await get(app('/customer/1'), { host });
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'sha256-[^']+'/);
    expect(csp).toContain(`connect-src 'self' ${KEYCLOAK}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(page.headers['strict-transport-security']).toBeUndefined();
    expect((await get(app('/'), { host, 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toContain('max-age=');
  });

  it('answers a revalidation with a 304 that carries no CSP, so the cached page keeps its own', async () => {
    const page = await get(app('/customer/1'), { host });
    const etag = String(page.headers.etag);
    const again = await get(app('/customer/1'), { host, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers['content-security-policy']).toBeUndefined();
    expect(again.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives files without a CSP of their own the fallback CSP, which allows the silent check-sso script by its hash', async () => {
    const file = await get(app('/silent-check-sso.html'), { host });
    expect(file.status).toBe(200);
    expect(file.headers['content-security-policy']).toBe(FALLBACK_CSP);
    expect(file.body).toContain(`<script>${SILENT_CHECK_SSO_SCRIPT}</script>`);
    const hash = createHash('sha256').update(SILENT_CHECK_SSO_SCRIPT).digest('base64');
    expect(FALLBACK_CSP).toContain(`script-src 'self' 'sha256-${hash}'`);
  });

  it('sends other hosts to the public origin, and answers /healthz on any', async () => {
    const other = await get(app('/customer?q=x'), { host: `127.0.0.1:${String(port)}` });
    expect(other.status).toBe(308);
    expect(other.headers.location).toBe(`http://${host}/customer?q=x`);
    expect((await get(app('/healthz'))).status).toBe(200);
  });

  it('serves /readyz and /metrics on its ops port', async () => {
    const ops = server.opsUrl ?? '';
    const ready = await get(`${ops}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', checks: { app: { ok: true } } });
    expect((await get(`${ops}/metrics`)).body).toMatch(/^process_cpu_seconds_total\{service="web"\}/m);
  });
});
