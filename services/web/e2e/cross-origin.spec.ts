/**
 * A page on another origin, in the browser of a signed-in user, cannot read or write with that
 * user's credential: the token lives only in the app's memory and goes over its own WebSocket;
 * Resgate refuses other origins; the app cannot be framed; Keycloak redirects only to the app.
 */
import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { searchCustomers, unique, urls, userPage } from './fixtures.ts';

function evilSite(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><html lang="en"><title>evil</title><body><iframe id="app" src="${urls().appUrl}/customer"></iframe></body></html>`,
      );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ url: `http://127.0.0.1:${String(typeof a === 'object' && a ? a.port : 0)}`, server });
    });
  });
}

test("another origin cannot read, write, frame or obtain a token with the signed-in user's session", async ({ browser }) => {
  const evil = await evilSite();
  const { context } = await userPage(browser, 'writer', '/customer');
  const page = await context.newPage();
  try {
    await page.goto(`${evil.url}/`);
    const app = urls().appUrl;
    const name = unique('Evil ');
    const outcome = await page.evaluate(
      async ({ app, name }) => {
        const read = await fetch(`${app}/api/customer/customers`, { credentials: 'include' }).then(
          (r) => `status ${String(r.status)}`,
          (e: unknown) => `blocked: ${String(e)}`,
        );
        // A simple POST is sent without a preflight: the server must refuse it on its own.
        await fetch(`${app}/api/customer/customers/create`, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ name, email: 'evil@evil.test' }),
        }).catch(() => undefined);
        const ws = await new Promise<string>((resolve) => {
          const s = new WebSocket(app.replace('http', 'ws') + '/');
          s.onopen = () => {
            resolve('opened');
            s.close();
          };
          s.onerror = () => {
            resolve('refused');
          };
        });
        return { read, ws };
      },
      { app, name },
    );
    expect(outcome.read).toMatch(/^blocked/);
    expect(outcome.ws).toBe('refused');
    expect(await searchCustomers(name)).toEqual([]);

    // The app refuses to be framed by another site.
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await expect.poll(() => frame?.url()).toMatch(/^chrome-error:|^about:blank$/);

    // Keycloak hands codes only to the app's own redirect URI.
    const authorize = new URL(`${urls().keycloakIssuer}/protocol/openid-connect/auth`);
    authorize.search = new URLSearchParams({
      client_id: 'hub-web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${evil.url}/`,
      state: 'x',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(authorize.toString());
    await expect(page.getByText(/Invalid parameter: redirect_uri/)).toBeVisible();
    expect(page.url()).not.toContain(evil.url);
    // The same request with the app's redirect URI does get a code (so the refusal above is the redirect check).
    authorize.searchParams.set('redirect_uri', `${app}/`);
    await page.goto(authorize.toString());
    await expect.poll(() => page.url()).toContain('code=');
  } finally {
    await context.close();
    evil.server.close();
  }
});
