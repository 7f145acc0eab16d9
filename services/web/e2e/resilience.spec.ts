/**
 * Connection loss and sign-out: the page says it is offline, comes back and shows what changed
 * meanwhile; a sign-out in one tab takes protected data away from the other tab of that session.
 */
import { connect } from '@nats-io/transport-node';
import { expect, test } from '@playwright/test';
import { api, createCustomer, shot, token, unique, urls, userPage } from './fixtures.ts';

async function control(action: 'stop' | 'start'): Promise<void> {
  const res = await fetch(`${process.env.HUB_E2E_CONTROL_URL ?? ''}/resgate/${action}`, { method: 'POST' });
  if (!res.ok) throw new Error(`resgate ${action}: ${String(res.status)} ${await res.text()}`);
}

/** A `set` sent straight to the customer service over NATS (Resgate is down): a writer's token. */
async function setOverNats(id: string, values: Record<string, unknown>): Promise<void> {
  const nc = await connect({ servers: urls().natsUrl });
  try {
    const tokenClaims = {
      sub: 'e2e-writer',
      username: 'writer',
      roles: ['customer:write'],
      exp: Math.floor(Date.now() / 1000) + 60,
      sid: null,
    };
    const reply = await nc.request(`call.customer.customer.${id}.set`, JSON.stringify({ params: values, token: tokenClaims, cid: 'e2e' }), {
      timeout: 5000,
    });
    expect(reply.string()).toBe('{"result":null}');
  } finally {
    await nc.close();
  }
}

test('when Resgate goes away the page says offline, then comes back live with the changes made meanwhile', async ({ browser }) => {
  const id = await createCustomer({ name: unique('Outage '), email: `${unique('o')}@acme.test` });
  const { page, context } = await userPage(browser, 'reader', `/customer/${id}`);
  await expect(page.locator('[data-field="phone"]')).toHaveText('');
  try {
    await control('stop');
    await expect(page.getByTestId('offline')).toBeVisible();
    await expect(page.getByTestId('connection')).toHaveText('Offline – reconnecting…');
    await shot(page, 'offline');
    await setOverNats(id, { phone: 'changed while offline' });
  } finally {
    await control('start');
  }
  await expect(page.getByTestId('connection')).toHaveText('Live', { timeout: 20_000 });
  await expect(page.getByTestId('offline')).toBeHidden();
  await expect(page.locator('[data-field="phone"]')).toHaveText('changed while offline');
  // And it is live again: a change over HTTP arrives without a reload.
  await api(`customer/customer/${id}`, { token: await token('writer'), method: 'PATCH', json: { phone: 'after the outage' } });
  await expect(page.locator('[data-field="phone"]')).toHaveText('after the outage');
  await context.close();
});

test('signing out in one tab takes the protected data away from the other tab', async ({ browser }) => {
  const name = unique('Session ');
  const id = await createCustomer({ name, email: `${unique('s')}@acme.test` });
  const { page: first, context } = await userPage(browser, 'reader', `/customer/${id}`);
  const second = await context.newPage();
  // The second tab's WebSocket, in order: what Resgate sent it and what it sent.
  const frames: string[] = [];
  second.on('websocket', (ws) => {
    ws.on('framereceived', (f) => frames.push(`in ${String(f.payload)}`));
    ws.on('framesent', (f) => frames.push(`out ${String(f.payload)}`));
  });
  // Opened from the browser cache (same URL as the first tab): the page must still run.
  await second.goto(`${urls().appUrl}/customer/${id}`);
  await expect(second.locator('[data-field="name"]')).toHaveText(name);

  await first.getByRole('button', { name: 'Sign out' }).click();
  await expect(first.getByRole('button', { name: 'Sign in' }).first()).toBeVisible();

  await expect(second.locator('[data-field="name"]')).toHaveCount(0);
  // …and, told by the server, the tab found the session ended and says so.
  await expect(second.getByText('You were signed out.')).toBeVisible();
  // The server took the access away on its own — Keycloak's back-channel logout reached identity,
  // whose tokenReset made Resgate re-check the connection's access — before the tab itself sent
  // auth.identity.logout (which it does once it learns the session ended).
  const unsubscribed = frames.findIndex((f) => f.startsWith('in ') && f.includes(`"event":"customer.customer.${id}.unsubscribe"`));
  const loggedOut = frames.findIndex((f) => f.startsWith('out ') && f.includes('"method":"auth.identity.logout"'));
  expect(unsubscribed, `frames of the second tab:\n${frames.join('\n')}`).toBeGreaterThanOrEqual(0);
  if (loggedOut >= 0) expect(unsubscribed).toBeLessThan(loggedOut);
  await shot(second, 'signed-out-elsewhere');
  await context.close();
});
