import { expect, test } from '@playwright/test';
import { serveStatic } from './static-server.ts';

const webDir = new URL('../out/web', import.meta.url).pathname;

test('the built renderer loads in Chromium', async ({ page }) => {
  const server = await serveStatic(webDir);
  try {
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Earshot' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('renderer.png') });
  } finally {
    await server.close();
  }
});
