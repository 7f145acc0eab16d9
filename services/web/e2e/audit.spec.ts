/**
 * The audit pages against the real audit service (started by the global setup): an admin's feed
 * shows a change made over HTTP as it is stored, and a customer's History page lists its own
 * entries, newest first, growing live. Readers and writers without `admin` see no audit data.
 */
import { expect, test } from '@playwright/test';
import { createCustomer, expectAccessible, patch, shot, unique, urls, userPage } from './fixtures.ts';

test('an admin sees changes in the live audit feed and in a customer’s history', async ({ browser }) => {
  const id = await createCustomer({ name: unique('Audited '), email: `${unique('a')}@acme.test` });
  const admin = await userPage(browser, 'admin', `/customer/${id}`);
  await admin.page.getByRole('button', { name: 'History' }).click();
  await expect(admin.page).toHaveURL(new RegExp(`/audit/history/customer/customer/${id}$`));
  const history = admin.page.getByTestId('audit-entries').locator('tbody tr');
  await expect(history).toHaveCount(1);
  await expect(history.first()).toContainText('create');

  // A change over HTTP reaches the open history page (outbox → stream → audit → live collection).
  await patch(`customer/customer/${id}`, { phone: '+1 555 0199' });
  await expect(history).toHaveCount(2);
  await expect(history.first()).toContainText('update');
  await expect(history.first()).toContainText('phone');
  await expectAccessible(admin.page);
  await shot(admin.page, 'history');

  // The feed, filtered in its URL (a bookmarkable search of audit.entries).
  await admin.page.goto(`${urls().appUrl}/audit?service=customer&id=${id}`);
  const feed = admin.page.getByTestId('audit-entries').locator('tbody tr');
  await expect(feed).toHaveCount(2);
  await patch(`customer/customer/${id}`, { company: 'Audit Corp' });
  await expect(feed).toHaveCount(3);
  await expect(feed.first()).toContainText('company');
  await admin.page.getByLabel('Action').selectOption('update');
  await expect(admin.page).toHaveURL(/action=update/);
  await expect(feed).toHaveCount(2);
  await expect(feed.filter({ hasText: 'create' })).toHaveCount(0);
  // Each entry links to its item's page.
  await expect(feed.first().getByRole('link', { name: `customer.customer.${id}` })).toHaveAttribute('href', `/customer/${id}`);
  await expectAccessible(admin.page);
  await shot(admin.page, 'audit');
  await admin.context.close();

  const writer = await userPage(browser, 'writer', '/audit');
  await expect(writer.page.getByText('The audit log is for administrators.')).toBeVisible();
  await expect(writer.page.getByTestId('audit-entries')).toHaveCount(0);
  await writer.context.close();
});
