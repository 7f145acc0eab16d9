/**
 * Every page: axe-core finds no serious or critical accessibility violation, and a screenshot is
 * kept (.run/web-e2e/screenshots/). Also: the landing page counts live, the profile shows the
 * user's preferences. (The audit pages: audit.spec.ts; products and promotions: their specs.)
 */
import { expect, test } from '@playwright/test';
import { createCustomer, expectAccessible, shot, unique, urls, userPage } from './fixtures.ts';

test('pages for a visitor who is not signed in', async ({ page }) => {
  await page.goto(`${urls().appUrl}/`);
  await expect(page.getByRole('button', { name: 'Sign in' }).first()).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveText('Live');
  await expectAccessible(page);
  await shot(page, 'landing-anonymous');
  await page.goto(`${urls().appUrl}/customer`);
  await expect(page.getByText('Sign in to see customers.')).toBeVisible();
  await expectAccessible(page);
  await shot(page, 'customers-anonymous');
});

test('pages for a signed-in writer and admin', async ({ browser }) => {
  const id = await createCustomer({ name: unique('Pages '), email: `${unique('p')}@acme.test`, company: 'Pages Inc', tags: ['a11y'] });
  const writer = await userPage(browser, 'writer', '/');
  await expect(writer.page.getByTestId('count-customer').locator('.count')).toHaveText(/^[1-9]\d*\+?$/);
  await expect(writer.page.getByTestId('count-product').locator('.count')).toHaveText(/^\d+\+?$/);
  await expect(writer.page.getByTestId('count-promotion').locator('.count')).toHaveText(/^\d+\+?$/);
  await expectAccessible(writer.page);
  await shot(writer.page, 'landing');
  for (const [path, name] of [
    ['/customer', 'customers'],
    [`/customer/${id}`, 'customer-detail'],
    ['/customer/new', 'customer-new'],
    ['/product', 'products'],
    ['/product/new', 'product-new'],
    ['/promotion', 'promotions'],
    ['/promotion/new', 'promotion-new'],
  ] as const) {
    await writer.page.goto(`${urls().appUrl}${path}`);
    await expect(writer.page.getByTestId('connection')).toHaveText('Live');
    await expect(writer.page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(writer.page.getByText('Loading')).toHaveCount(0);
    await expectAccessible(writer.page);
    await shot(writer.page, name);
    if (name === 'customer-detail') {
      await writer.page.getByRole('button', { name: 'Edit' }).click();
      await expectAccessible(writer.page);
    }
  }
  await writer.context.close();

  const admin = await userPage(browser, 'admin', '/profile');
  await expect(admin.page.getByTestId('profile')).toContainText('admin');
  const pref = unique('pref');
  await admin.page.getByLabel('Name').fill(pref);
  await admin.page.getByLabel('Value').fill('on');
  await admin.page.getByRole('button', { name: 'Save preference' }).click();
  await expect(admin.page.getByTestId('preferences')).toContainText(pref);
  await expectAccessible(admin.page);
  await shot(admin.page, 'profile');
  await admin.page.goto(`${urls().appUrl}/logout`);
  await expect(admin.page.getByText('You are signed out.')).toBeVisible();
  await expectAccessible(admin.page);
  await shot(admin.page, 'signed-out');
  await admin.context.close();
});
