import { expect, test } from '@playwright/test';
import { serveStatic } from './static-server.ts';

const webDir = new URL('../out/web', import.meta.url).pathname;

test('the built renderer loads in Chromium, in web mode, keyboard first', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const server = await serveStatic(webDir);
  try {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Earshot' })).toBeVisible();
    await expect(page.getByTestId('record-button')).toHaveText(/Start dictation/);
    await expect(page.getByTestId('connection-status')).toContainText('Local engine');

    // Tabs follow the WAI-ARIA pattern: arrow keys move the selection.
    await page.getByRole('tab', { name: 'Dictate' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'History' })).toBeFocused();
    await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('history-search')).toBeVisible();
    await expect(page.getByText('0 dictations')).toBeVisible();

    // The web page shows the catalog read-only.
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('model-list')).toContainText('earshot-en-small');
    await expect(page.getByText('Downloading and switching models is available in the desktop app only')).toBeVisible();

    await page.getByRole('button', { name: /^Theme: system/ }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.getByRole('button', { name: /^Theme: light/ }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.screenshot({ path: test.info().outputPath('renderer.png') });
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});
