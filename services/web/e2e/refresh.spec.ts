/**
 * Silent token refresh: with the app's client issuing short-lived access tokens (set through
 * Keycloak's admin API for this test, restored after), the page refreshes its token before it
 * expires — no reload, no login form — sends the new one over its WebSocket, and stays live past
 * the first token's expiry (at which identity would otherwise clear the connection's access and
 * Resgate take the subscription away).
 */
import { expect, test } from '@playwright/test';
import { api, createCustomer, token, unique, urls, userPage } from './fixtures.ts';

/** Seconds an access token of hub-web lives in this test (Keycloak's realm default is 300). */
const LIFESPAN_S = 12;

interface ClientRep {
  id: string;
  attributes?: Record<string, string>;
}

async function adminToken(): Promise<string> {
  const u = urls();
  const res = await fetch(`${u.keycloakUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: u.keycloakAdminUser,
      password: u.keycloakAdminPassword,
    }),
  });
  if (!res.ok) throw new Error(`Keycloak admin token: ${String(res.status)} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * Updates the hub-web client with `change`; resolves to a function that puts the old client back.
 * Keycloak keeps attributes a PUT leaves out, and removes one set to "": attributes the change
 * added are restored as "".
 */
async function changeWebClient(change: (c: ClientRep) => ClientRep): Promise<() => Promise<void>> {
  const base = `${urls().keycloakUrl}/admin/realms/servicehub/clients`;
  const headers = { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' };
  const [client] = (await (await fetch(`${base}?clientId=hub-web`, { headers })).json()) as ClientRep[];
  if (client === undefined) throw new Error('no hub-web client in the realm');
  const put = async (rep: ClientRep) => {
    const res = await fetch(`${base}/${client.id}`, {
      method: 'PUT',
      headers: { ...headers, authorization: `Bearer ${await adminToken()}` },
      body: JSON.stringify(rep),
    });
    if (!res.ok) throw new Error(`update hub-web: ${String(res.status)} ${await res.text()}`);
  };
  const changed = change(structuredClone(client));
  const added = Object.keys(changed.attributes ?? {}).filter((k) => client.attributes?.[k] === undefined);
  await put(changed);
  return () => put({ ...client, attributes: { ...client.attributes, ...Object.fromEntries(added.map((k) => [k, ''])) } });
}

test("the page refreshes its token before it expires and stays live past the first token's expiry", async ({ browser }) => {
  const id = await createCustomer({ name: unique('Refresh '), email: `${unique('r')}@acme.test` });
  const restore = await changeWebClient((c) => ({ ...c, attributes: { ...c.attributes, 'access.token.lifespan': String(LIFESPAN_S) } }));
  try {
    const refreshes: string[] = [];
    const logins: { exp: number }[] = [];
    const unsubscribed: string[] = [];
    const { page, context } = await userPage(browser, 'writer', `/customer/${id}`, async (c) => {
      c.on('request', (r) => {
        if (r.url().endsWith('/protocol/openid-connect/token') && (r.postData() ?? '').includes('grant_type=refresh_token'))
          refreshes.push(r.url());
      });
      c.on('page', (p) => {
        p.on('websocket', (ws) => {
          ws.on('framereceived', (f) => {
            const text = String(f.payload);
            const exp = /"payload":\{[^}]*"exp":(\d+)/.exec(text)?.[1];
            if (exp !== undefined) logins.push({ exp: Number(exp) });
            if (text.includes('.unsubscribe"')) unsubscribed.push(text);
          });
        });
      });
      return Promise.resolve();
    });
    await expect(page.locator('[data-field="name"]')).toContainText('Refresh ');
    await expect.poll(() => logins.length).toBeGreaterThan(0);
    const first = logins[0]?.exp ?? 0;
    expect(first * 1000 - Date.now()).toBeLessThanOrEqual(LIFESPAN_S * 1000);

    // Past the first token's expiry (and identity's timer for it): refreshed silently, sent, still live.
    await expect.poll(() => Date.now() > first * 1000 + 2000 && logins.length >= 2, { timeout: (LIFESPAN_S + 15) * 1000 }).toBe(true);
    expect(refreshes.length).toBeGreaterThan(0);
    expect(logins.at(-1)?.exp ?? 0).toBeGreaterThan(first);
    expect(page.url()).toBe(`${urls().appUrl}/customer/${id}`);
    expect(unsubscribed).toEqual([]);
    await expect(page.getByRole('button', { name: 'Edit' })).toBeVisible();
    await api(`customer/customer/${id}`, { token: await token('writer'), method: 'PATCH', json: { phone: 'after a refresh' } });
    await expect(page.locator('[data-field="phone"]')).toHaveText('after a refresh');
    await context.close();
  } finally {
    await restore();
  }
});
