/**
 * The promotion pages: a promotion's product and customer are RES references, followed live — a
 * product renamed over HTTP shows on the open detail page and in the search rows without a
 * reload. The form picks both from their services' live searches; cross-field rules of the
 * service come back on their fields.
 */
import { expect, test } from '@playwright/test';
import { createCustomer, createProduct, createPromotion, expectAccessible, patch, shot, unique, userPage } from './fixtures.ts';

const DAY_MS = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

test('a promotion shows its product and customer by name, live through the references', async ({ browser }) => {
  const productName = unique('Telescope ');
  const customerName = unique('Orbit Ltd ');
  const product = await createProduct({ sku: unique('TEL-'), name: productName, price: 49_900, currency: 'EUR' });
  const customer = await createCustomer({ name: customerName, email: `${unique('orbit')}@acme.test` });
  const name = unique('Launch week ');
  const id = await createPromotion({
    name,
    kind: 'percent',
    value: 15,
    validFrom: iso(Date.now() - DAY_MS),
    validTo: iso(Date.now() + 7 * DAY_MS),
    product,
    customer,
  });

  const reader = await userPage(browser, 'reader', `/promotion/${id}`);
  const detail = reader.page;
  await expect(detail.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(detail.locator('[data-field="product"]')).toHaveText(productName);
  await expect(detail.locator('[data-field="customer"]')).toHaveText(customerName);
  await expect(detail.locator('[data-field="value"]')).toHaveText('15 %');
  await expect(detail.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expectAccessible(detail);
  await shot(detail, 'promotion-detail');
  // The references link to the product's and the customer's own pages.
  await expect(detail.locator('[data-field="product"] a')).toHaveAttribute('href', `/product/${product}`);

  // A second page of the same reader: the promotions of that product, active today.
  const search = await reader.context.newPage();
  const today = new Date().toISOString().slice(0, 10);
  await search.goto(`${new URL(detail.url()).origin}/promotion?product=${product}&activeOn=${today}`);
  const row = search.locator('tr[data-rid]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(productName);
  await expect(search.getByLabel('Active on')).toHaveValue(today);
  await expectAccessible(search);
  await shot(search, 'promotion-search');

  // Renamed over HTTP (as curl would): both pages follow within a second, no reload.
  await patch(`product/product/${product}`, { name: `${productName} Pro` });
  await expect(detail.locator('[data-field="product"]')).toHaveText(`${productName} Pro`, { timeout: 1000 });
  await expect(row).toContainText(`${productName} Pro`, { timeout: 1000 });
  await patch(`customer/customer/${customer}`, { name: `${customerName} Group` });
  await expect(detail.locator('[data-field="customer"]')).toHaveText(`${customerName} Group`, { timeout: 1000 });
  await shot(detail, 'promotion-detail-renamed');
  await reader.context.close();
});

test('a writer creates a promotion by picking its product and customer, and re-points it', async ({ browser }) => {
  const sku = unique('LNS-').toUpperCase();
  const productName = unique('Lens ');
  const product = await createProduct({ sku, name: productName, price: 12_000, currency: 'EUR' });
  const otherSku = unique('FLT-').toUpperCase();
  const other = await createProduct({ sku: otherSku, name: unique('Filter '), price: 3_000, currency: 'EUR' });
  const customerName = unique('Stargazer ');
  const email = `${unique('star')}@acme.test`;
  await createCustomer({ name: customerName, email });

  const writer = await userPage(browser, 'writer', '/promotion/new');
  const page = writer.page;
  const name = unique('Spring ');
  await page.getByLabel('Name (required)').fill(name);
  await page.getByLabel('Find product').fill(sku);
  await page.getByLabel('Choose product').selectOption({ label: `${productName} (${sku})` });
  await page.getByLabel('Find customer').fill(customerName);
  await page.getByLabel('Choose customer').selectOption({ label: `${customerName} (${email})` });
  await page.getByLabel('Discount kind (required)').selectOption('amount');
  await page.getByLabel('Discount (required)').fill('500');
  await page.getByLabel('Valid from (required)').fill('2027-03-01T09:00');
  await page.getByLabel('Valid until (required)').fill('2027-02-01T09:00');
  await page.getByRole('button', { name: 'Create promotion' }).click();
  // The service's cross-field rule, on its field; nothing written.
  await expect(page.getByTestId('error-validTo')).toHaveText('must be after validFrom');
  await expectAccessible(page);
  await shot(page, 'promotion-create-invalid');

  await page.getByLabel('Valid until (required)').fill('2027-04-01T09:00');
  await page.getByRole('button', { name: 'Create promotion' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('[data-field="product"]')).toHaveText(productName);
  await expect(page.locator('[data-field="customer"]')).toHaveText(customerName);
  await expect(page.locator('[data-field="value"]')).toHaveText(/5\.00/);

  // Re-pointed at another product: the page follows the new reference.
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('Choose product')).toHaveValue(product);
  await expectAccessible(page);
  await shot(page, 'promotion-edit');
  await page.getByLabel('Find product').fill(otherSku);
  await page.getByLabel('Choose product').selectOption(other);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.locator('[data-field="product"] a')).toHaveAttribute('href', `/product/${other}`);
  await writer.context.close();
});
