import { expect, test } from '@playwright/test';
import { shot, urls, userPage } from './fixtures.ts';

test('the landing page loads and a writer can sign in', async ({ browser }) => {
  const { page, context } = await userPage(browser, 'writer');
  await expect(page.getByTestId('signed-in-as')).toContainText('writer');
  await shot(page, 'smoke');
  await context.close();
  expect(urls().appUrl).toContain('localhost');
});
