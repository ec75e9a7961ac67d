import type { Locator, Page } from 'playwright-core';
import type { NewUserAccount } from '../../api/contract/index.js';

/**
 * Fills the accounts page's new-account form (`#/admin/users`, already open) and sends it; answers the form, where
 * the outcome shows (`new-user-created`, or the server's `new-user-error`).
 */
export async function submitNewAccount(page: Page, account: NewUserAccount): Promise<Locator> {
  await page.getByTestId('new-user-toggle').click();
  const form = page.getByTestId('new-user-form');
  await form.getByTestId('new-user-username').fill(account.username);
  await form.getByTestId('new-user-display-name').fill(account.displayName);
  await form.getByTestId('new-user-password').fill(account.password);
  await form.getByTestId('new-user-role').selectOption(account.role);
  await form.getByTestId('new-user-unit').selectOption(account.unitId);
  await form.getByTestId('new-user-submit').click();
  return form;
}
