/**
 * The customer pages, two users at once: a writer edits, a reader watches. The reader's page
 * updates without a reload, shows no edit controls, and a write forced over its own WebSocket
 * (the reader's credential) is refused by the server.
 */
import { expect, test, type BrowserContext } from '@playwright/test';
import { api, createCustomer, shot, token, unique, userPage } from './fixtures.ts';

/**
 * Routes the page's next WebSocket through the test, which sends one RES request of its own on it
 * (after the app's login) and hands back the raw reply.
 */
async function forceOverPageSocket(
  page: BrowserContext,
  request: { method: string; params: unknown },
): Promise<{ reply: Promise<unknown> }> {
  let resolve: (reply: unknown) => void = () => undefined;
  const reply = new Promise<unknown>((r) => {
    resolve = r;
  });
  await page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    const FORCED_ID = 990_001;
    let loginId: number | undefined;
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { id?: number; method?: string };
      if (msg.method === 'auth.identity.login') loginId = msg.id;
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { id?: number };
      if (msg.id === FORCED_ID) {
        resolve(msg);
        return;
      }
      ws.send(m);
      // Once the app's login is answered, the connection holds the reader's token: force the write.
      if (msg.id !== undefined && msg.id === loginId) server.send(JSON.stringify({ id: FORCED_ID, ...request }));
    });
  });
  // Wrapped: an async function returning a promise would wait for it.
  return { reply };
}

test('a writer edits a customer; a reader sees it live, has no edit controls and cannot force a write', async ({ browser }) => {
  const name = unique('Acme ');
  const id = await createCustomer({ name, email: `${unique('ops')}@acme.test`, tags: ['vip'] });

  let forced: Promise<unknown> = Promise.resolve(undefined);
  const reader = await userPage(browser, 'reader', `/customer/${id}`, async (c) => {
    forced = (await forceOverPageSocket(c, { method: `call.customer.customer.${id}.set`, params: { phone: 'forced by reader' } })).reply;
  });
  await expect(reader.page.locator('[data-field="name"]')).toHaveText(name);
  await expect(reader.page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(reader.page.getByRole('button', { name: 'Delete' })).toHaveCount(0);

  const writer = await userPage(browser, 'writer', '/customer');
  await writer.page.getByLabel('Search name, email or company').fill(name);
  await expect(writer.page).toHaveURL(/\?q=Acme/);
  const row = writer.page.getByRole('link', { name });
  await expect(row).toBeVisible();
  await shot(writer.page, 'customer-search');
  await row.click();
  await writer.page.getByRole('button', { name: 'Edit' }).click();
  await writer.page.getByLabel('Phone').fill('+1 555 0100');
  await writer.page.getByLabel('Company').fill('Acme Rockets');
  await shot(writer.page, 'customer-edit');
  await writer.page.getByRole('button', { name: 'Save changes' }).click();
  await expect(writer.page.getByText('Saved.')).toBeVisible();

  // The change reaches the reader's open page within a second, no reload.
  await expect(reader.page.locator('[data-field="phone"]')).toHaveText('+1 555 0100', { timeout: 1000 });
  await expect(reader.page.locator('[data-field="company"]')).toHaveText('Acme Rockets');
  await shot(reader.page, 'customer-detail-reader');

  const reply = (await forced) as { error?: { code?: string } };
  expect(reply.error?.code).toBe('system.accessDenied');
  const after = await api(`customer/customer/${id}`, { token: await token('writer') });
  expect((after.body as { phone?: string }).phone).toBe('+1 555 0100');
  await reader.context.close();
  await writer.context.close();
});

test('creating a customer with an invalid email shows the message on the email field and writes nothing', async ({ browser }) => {
  const name = unique('Invalid ');
  const writer = await userPage(browser, 'writer', '/customer/new');
  await writer.page.getByLabel('Name (required)').fill(name);
  await writer.page.getByLabel('Email (required)').fill('not-an-email');
  await writer.page.getByRole('button', { name: 'Create customer' }).click();
  await expect(writer.page.getByTestId('error-email')).toBeVisible();
  await expect(writer.page.getByLabel('Email (required)')).toHaveAttribute('aria-invalid', 'true');
  await expect(writer.page.getByText('Some fields need your attention.')).toBeVisible();
  await shot(writer.page, 'customer-create-invalid');
  const found = await api(`customer/customers?q=${encodeURIComponent(name)}`, { token: await token('writer') });
  expect(found.status).toBe(200);
  expect(found.body).toEqual([]);

  // The same form with a valid email creates it and opens the new customer.
  await writer.page.getByLabel('Email (required)').fill(`${unique('ok')}@acme.test`);
  await writer.page.getByRole('button', { name: 'Create customer' }).click();
  await expect(writer.page.getByRole('heading', { name })).toBeVisible();
  await writer.context.close();
});

test('a version conflict is explained, and delete asks first', async ({ browser }) => {
  const name = unique('Conflict ');
  const id = await createCustomer({ name, email: `${unique('c')}@acme.test` });
  const writer = await userPage(browser, 'writer', `/customer/${id}`);
  await writer.page.getByRole('button', { name: 'Edit' }).click();
  await writer.page.getByLabel('Phone').fill('mine');
  // Someone else saves first.
  await api(`customer/customer/${id}`, { token: await token('writer'), method: 'PATCH', json: { phone: 'theirs' } });
  await expect(writer.page.locator('[data-field="phone"]')).toHaveText('theirs');
  await writer.page.getByRole('button', { name: 'Save changes' }).click();
  await expect(writer.page.getByText('Someone else changed this while you were editing.')).toBeVisible();
  await shot(writer.page, 'customer-conflict');
  await writer.page.getByRole('button', { name: 'Save mine anyway' }).click();
  await expect(writer.page.locator('[data-field="phone"]')).toHaveText('mine');

  await writer.page.getByRole('button', { name: 'Delete' }).click();
  await expect(writer.page.getByRole('dialog')).toContainText('cannot be undone');
  await writer.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(writer.page).toHaveURL(/\/customer$/);
  const gone = await api(`customer/customer/${id}`, { token: await token('writer') });
  expect(gone.status).toBe(404);
  await writer.context.close();
});
