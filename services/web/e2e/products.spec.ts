/**
 * The product pages (descriptors/product.ts on the generic pages): search bound to the live
 * query in the URL, a writer's edit seen live by a reader in another browser context, prices as
 * decimals of their currency, the service's validation messages on their fields.
 */
import { expect, test } from '@playwright/test';
import { api, createProduct, expectAccessible, shot, token, unique, userPage } from './fixtures.ts';

test('a writer finds a product and edits it; a reader sees the change live and has no edit controls', async ({ browser }) => {
  const name = unique('Rocket ');
  const sku = unique('RKT-');
  const id = await createProduct({ sku, name, price: 1999, currency: 'EUR', tags: ['space'] });

  const reader = await userPage(browser, 'reader', `/product/${id}`);
  await expect(reader.page.locator('[data-field="name"]')).toHaveText(name);
  await expect(reader.page.locator('[data-field="sku"]')).toHaveText(sku.toUpperCase());
  await expect(reader.page.locator('[data-field="price"]')).toHaveText(/19\.99/);
  await expect(reader.page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(reader.page.getByRole('button', { name: 'Delete' })).toHaveCount(0);

  const writer = await userPage(browser, 'writer', '/product');
  await writer.page.getByLabel('Search SKU, name or description').fill(sku);
  await expect(writer.page).toHaveURL(new RegExp(`\\?q=${sku}$`, 'i'));
  await writer.page.getByLabel('Sort').selectOption('-price');
  await expect(writer.page).toHaveURL(new RegExp(`\\?q=${sku}&sort=-price`, 'i'));
  const row = writer.page.getByRole('link', { name });
  await expect(row).toBeVisible();
  await expectAccessible(writer.page);
  await shot(writer.page, 'product-search');
  // The search is in the URL: opening it again (a bookmark) finds the same product.
  await writer.page.reload();
  await expect(writer.page.getByRole('link', { name })).toBeVisible();
  await expect(writer.page.getByLabel('Sort')).toHaveValue('-price');
  await writer.page.getByRole('link', { name }).click();
  await writer.page.getByRole('button', { name: 'Edit' }).click();
  await expect(writer.page.getByLabel('Price (required)')).toHaveValue('19.99');
  await writer.page.getByLabel('Name (required)').fill(`${name} II`);
  await writer.page.getByLabel('Price (required)').fill('24.50');
  await expectAccessible(writer.page);
  await shot(writer.page, 'product-edit');
  await writer.page.getByRole('button', { name: 'Save changes' }).click();
  await expect(writer.page.getByText('Saved.')).toBeVisible();

  // The reader's open page follows within a second, without a reload.
  await expect(reader.page.locator('[data-field="name"]')).toHaveText(`${name} II`, { timeout: 1000 });
  await expect(reader.page.locator('[data-field="price"]')).toHaveText(/24\.50/);
  await expectAccessible(reader.page);
  await shot(reader.page, 'product-detail-reader');
  const stored = await api(`product/product/${id}`, { token: await token('reader') });
  expect(stored.body).toMatchObject({ name: `${name} II`, price: 2450, currency: 'EUR' });
  await reader.context.close();
  await writer.context.close();
});

test('creating a product shows the service’s messages on their fields; a valid one opens; delete asks first', async ({ browser }) => {
  const name = unique('Widget ');
  const writer = await userPage(browser, 'writer', '/product/new');
  await writer.page.getByLabel('SKU (required)').fill('not a sku');
  await writer.page.getByLabel('Name (required)').fill(name);
  await writer.page.getByLabel('Price (required)').fill('5');
  await writer.page.getByLabel('Currency (required)').fill('XXY');
  await writer.page.getByRole('button', { name: 'Create product' }).click();
  await expect(writer.page.getByText('Some fields need your attention.')).toBeVisible();
  await expect(writer.page.getByTestId('error-sku')).toBeVisible();
  await expect(writer.page.getByTestId('error-currency')).toContainText('ISO 4217');
  await expect(writer.page.getByLabel('Currency (required)')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(writer.page);
  await shot(writer.page, 'product-create-invalid');
  const none = await api(`product/products?q=${encodeURIComponent(name)}`, { token: await token('writer') });
  expect(none.body).toEqual([]);

  const sku = unique('WDG-');
  await writer.page.getByLabel('SKU (required)').fill(sku);
  await writer.page.getByLabel('Currency (required)').fill('eur');
  await writer.page.getByRole('button', { name: 'Create product' }).click();
  await expect(writer.page.getByRole('heading', { name })).toBeVisible();
  await expect(writer.page.locator('[data-field="price"]')).toHaveText(/5\.00/);
  await expect(writer.page.locator('[data-field="currency"]')).toHaveText('EUR');

  await writer.page.getByRole('button', { name: 'Delete' }).click();
  await expect(writer.page.getByRole('dialog')).toContainText('cannot be undone');
  await writer.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(writer.page).toHaveURL(/\/product$/);
  const gone = await api(`product/products?q=${encodeURIComponent(sku)}`, { token: await token('writer') });
  expect(gone.body).toEqual([]);
  await writer.context.close();
});
